import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStorage } from '../../src/storage/sqlite';
import { ThreadedSqliteStorage } from '../../src/storage/threaded';
import type { NewEvent, RelayStorage } from '../../src/storage/types';
import { tempDir } from './harness';
import { PG_SKIP_NOTE, PG_URL, postgresBackend } from './postgres';

/**
 * Every storage backend a storage suite runs against, each opened from a path (PostgreSQL
 * turns it into a fresh schema): SQLite in process, SQLite in its worker thread (once
 * `tsc -b` has built the worker), and PostgreSQL when CALLBRIDGE_TEST_POSTGRES_URL is set.
 */
export type OpenBackend = (path: string) => Promise<RelayStorage>;

export const WORKER = join(__dirname, '..', '..', 'dist', 'storage', 'sqlite-worker.js');

export function storageBackends(): Array<[string, OpenBackend]> {
  const backends: Array<[string, OpenBackend]> = [['SqliteStorage (in process)', async (path) => new SqliteStorage({ path })]];
  if (existsSync(WORKER)) {
    backends.push([
      'ThreadedSqliteStorage (worker thread)',
      async (path) => {
        const t = new ThreadedSqliteStorage(WORKER, path);
        await t.ready();
        return t;
      },
    ]);
  }
  if (PG_URL) backends.push(['PostgresStorage', postgresBackend]);
  else describe.skip(PG_SKIP_NOTE, () => test('the storage suite against PostgreSQL', () => undefined));
  return backends;
}

let n = 0;
/** A stored-event fixture with a unique id and dedupe key. */
export function testEvent(type = 'vyora.call_completed', receivedAt = 1_000, extra: Partial<NewEvent> = {}): NewEvent {
  n += 1;
  const [provider, ...rest] = type.split('.');
  return {
    id: `evt_fx${String(n).padStart(24, '0')}`,
    type,
    provider: provider as string,
    event: rest.join('.'),
    createdAt: '2026-01-01T00:00:00Z',
    receivedAt,
    dedupeKey: `fx${n}`,
    data: JSON.stringify({ n }),
    ...extra,
  };
}

/** A fresh storage of one backend for each test of the enclosing describe, closed and removed after it. */
export function storagePerTest(open: OpenBackend): () => RelayStorage {
  let dir: { dir: string; remove: () => void } | undefined;
  let storage: RelayStorage | undefined;
  beforeEach(async () => {
    const made = tempDir();
    dir = made;
    storage = await open(join(made.dir, 'relay.db'));
  });
  afterEach(async () => {
    await storage?.close();
    dir?.remove();
  });
  return () => {
    if (!storage) throw new Error('storage is opened in beforeEach');
    return storage;
  };
}
