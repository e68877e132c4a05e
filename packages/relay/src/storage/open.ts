import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseConfig } from '../config';
import type { WebhookSecrets } from '../ingest/admit';
import { PostgresStorage } from './postgres/storage';
import { SqliteStorage } from './sqlite';
import { ThreadedSqliteStorage } from './threaded';
import type { RelayStorage } from './types';

/** The compiled worker entry; absent when running from TypeScript sources (the tests). */
export const SQLITE_WORKER_FILE = join(__dirname, 'sqlite-worker.js');
const SQLITE_CHECKPOINTER_FILE = join(__dirname, 'sqlite-checkpointer.js');

/**
 * The backend a database URL names. SQLite runs in a worker thread when the compiled
 * worker is available (always, from dist), in process otherwise; the thread is given the
 * webhook secrets so that it can admit inbound webhooks itself. PostgreSQL connects,
 * migrates and registers this process as one of possibly several replicas.
 */
export async function openStorage(
  database: DatabaseConfig,
  options: { thread?: boolean; webhookSecrets?: WebhookSecrets } = {},
): Promise<RelayStorage> {
  switch (database.kind) {
    case 'sqlite': {
      const thread = options.thread ?? existsSync(SQLITE_WORKER_FILE);
      if (!thread) return new SqliteStorage({ path: database.path });
      const storage = new ThreadedSqliteStorage(SQLITE_WORKER_FILE, database.path, {
        webhookSecrets: options.webhookSecrets ?? {},
        checkpointer: { file: SQLITE_CHECKPOINTER_FILE },
      });
      try {
        await storage.ready();
      } catch (e) {
        await storage.close().catch(() => undefined);
        throw e;
      }
      return storage;
    }
    case 'postgres':
      return PostgresStorage.open(database);
  }
}
