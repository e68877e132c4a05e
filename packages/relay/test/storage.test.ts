import { existsSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ThreadedSqliteStorage } from '../src/storage/threaded';
import { InvalidCursorError } from '../src/storage/cursor';
import { GroupCommitter } from '../src/storage/group-commit';
import type { NewEvent, RelayStorage } from '../src/storage/types';
import { tempDir } from './support/harness';
import { storageBackends, WORKER } from './support/backends';
import { dropTestSchemas } from './support/postgres';

let n = 0;
function event(type = 'vyora.call_completed', receivedAt = 1_000): NewEvent {
  n += 1;
  const [provider, ...rest] = type.split('.');
  return {
    id: `evt_test${String(n).padStart(22, '0')}`,
    type,
    provider: provider as string,
    event: rest.join('.'),
    createdAt: '2026-01-01T00:00:00Z',
    receivedAt,
    dedupeKey: `k${n}`,
    data: JSON.stringify({ n }),
  };
}

async function subscription(s: RelayStorage, id: string, events: string[]): Promise<void> {
  await s.createSubscription({ id, targetUrl: `http://127.0.0.1:9/${id}`, events, headers: {}, secret: 'whsec_dGVzdA==', createdAt: '2026-01-01T00:00:00Z' });
}

const claim = (s: RelayStorage, now: number, owner: string, extra: { limit?: number; perSub?: number; inFlight?: Map<string, number> } = {}) =>
  s.claimDue({ now, limit: extra.limit ?? 100, leaseMs: 10_000, owner, perSubscriptionLimit: extra.perSub ?? 100, inFlight: extra.inFlight ?? new Map() });

// The worker thread runs compiled code: the threaded backend is tested once `tsc -b` has run.
// PostgreSQL runs the same cases when a server is named, each test in a fresh schema.
const backends = storageBackends();
afterAll(dropTestSchemas);

describe.each(backends)('%s', (_name, open) => {
  let dir: ReturnType<typeof tempDir>;
  let s: RelayStorage;
  beforeEach(async () => {
    dir = tempDir();
    s = await open(join(dir.dir, 'nested', 'relay.db'));
  });
  afterEach(async () => {
    await s.close();
    dir.remove();
  });

  test('ingest stores a batch once, reports duplicates with the first id, and fans out by type', async () => {
    await subscription(s, 'sub_all', ['*']);
    await subscription(s, 'sub_vyora', ['vyora.*']);
    await subscription(s, 'sub_done', ['vyora.call_completed']);
    await subscription(s, 'sub_aila', ['aila.call.completed']);
    const a = event('vyora.call_completed');
    const b = event('vyora.call_started');
    const results = await s.ingest([a, b, { ...a, data: '{"changed":true}' }]);
    expect(results).toEqual([
      { id: a.id, duplicate: false, deliveries: 3, filtered: 0 },
      { id: b.id, duplicate: false, deliveries: 2, filtered: 0 },
      { id: a.id, duplicate: true, deliveries: 0, filtered: 0 },
    ]);
    expect((await s.getEvent(a.id))?.data).toBe(a.data);
    expect((await s.stats()).pending).toBe(5);
  });

  test('a claimed delivery is leased: not handed out again until the lease runs out (a crashed worker)', async () => {
    await subscription(s, 'sub_1', ['*']);
    const wakes: number[] = [];
    s.onWake(() => wakes.push(1));
    await s.ingest([event('vyora.call_completed', 1_000)]);
    await new Promise((r) => setImmediate(r));
    expect(wakes).toHaveLength(1);
    const first = await claim(s, 1_000, 'worker-a');
    expect(first).toHaveLength(1);
    expect(first[0]?.subscription.targetUrl).toBe('http://127.0.0.1:9/sub_1');
    expect(await claim(s, 5_000, 'worker-b')).toHaveLength(0);
    expect(await s.nextDueAt()).toBe(11_000);
    // worker-a died: after its lease, worker-b takes the delivery over...
    const again = await claim(s, 11_001, 'worker-b');
    expect(again.map((c) => c.id)).toEqual(first.map((c) => c.id));
    // ...and a late result from worker-a changes nothing but the attempt log.
    const attempt = { attempt: 1, startedAt: 1_000, durationMs: 5, status: 200, error: null, responseBody: null };
    await s.complete([{ deliveryId: first[0]!.id, subscriptionId: 'sub_1', owner: 'worker-a', kind: 'success', attempt }], 11_002);
    const pending = await s.listDeliveries({ state: 'pending', limit: 10 });
    expect(pending.items).toHaveLength(1);
    await s.complete([{ deliveryId: first[0]!.id, subscriptionId: 'sub_1', owner: 'worker-b', kind: 'success', attempt: { ...attempt, attempt: 2 } }], 11_003);
    expect((await s.listDeliveries({ state: 'succeeded', limit: 10 })).items).toHaveLength(1);
  });

  test('retry schedules the next attempt; claims respect the per-subscription cap', async () => {
    await subscription(s, 'sub_busy', ['*']);
    await subscription(s, 'sub_idle', ['*']);
    await s.ingest([event(), event(), event()]);
    const claimed = await claim(s, 2_000, 'w', { perSub: 1, inFlight: new Map([['sub_busy', 1]]) });
    expect(claimed.map((c) => c.subscription.id)).toEqual(['sub_idle']);
    const c = claimed[0]!;
    await s.complete(
      [{ deliveryId: c.id, subscriptionId: c.subscription.id, owner: 'w', kind: 'retry', nextAttemptAt: 9_000, attempt: { attempt: 1, startedAt: 2_000, durationMs: 1, status: 500, error: 'HTTP 500', responseBody: 'oops' } }],
      2_001,
    );
    const later = await claim(s, 8_999, 'w', { perSub: 100, inFlight: new Map() });
    expect(later.map((x) => x.id)).not.toContain(c.id);
    const due = await claim(s, 9_000, 'w2');
    expect(due.find((x) => x.id === c.id)?.attempts).toBe(1);
  });

  test('gone disables the subscription and cancels its other pending deliveries; replay skips disabled ones', async () => {
    await subscription(s, 'sub_gone', ['*']);
    await s.ingest([event(), event()]);
    const [first] = await claim(s, 2_000, 'w', { limit: 1 });
    await s.complete(
      [{ deliveryId: first!.id, subscriptionId: 'sub_gone', owner: 'w', kind: 'gone', attempt: { attempt: 1, startedAt: 2_000, durationMs: 1, status: 410, error: 'HTTP 410', responseBody: null } }],
      2_001,
    );
    const sub = await s.getSubscription('sub_gone');
    expect([sub?.status, sub?.disabledReason]).toEqual(['disabled', 'the receiver answered 410 Gone']);
    // The attempt that got 410 is dead; the delivery never tried is cancelled, replayable by state once enabled.
    expect((await s.stats()).dead).toBe(1);
    const cancelled = await s.listDeliveries({ state: 'cancelled', limit: 10 });
    expect(cancelled.items.map((d) => d.lastError)).toEqual(['subscription disabled: the receiver answered 410 Gone']);
    expect(await s.replayDeliveries({ state: 'dead' }, 3_000)).toEqual({ replayed: 0, skipped: 1 });
    expect(await s.replayDeliveries({ state: 'cancelled' }, 3_000)).toEqual({ replayed: 0, skipped: 1 });
    // New events do not fan out to it.
    expect((await s.ingest([event()]))[0]?.deliveries).toBe(0);
  });

  test('reopening releases leases left by a dead process', async () => {
    await subscription(s, 'sub_1', ['*']);
    await s.ingest([event('vyora.call_completed', Date.now())]);
    expect(await claim(s, Date.now(), 'dead-process')).toHaveLength(1);
    await s.close();
    s = await open(join(dir.dir, 'nested', 'relay.db'));
    expect(await claim(s, Date.now(), 'new-process')).toHaveLength(1);
  });

  test('health writes; a closed store is unhealthy', async () => {
    await expect(s.health()).resolves.toBeUndefined();
    await s.close();
    await expect(s.health()).rejects.toThrow(/closed/);
    s = await open(join(dir.dir, 'other.db'));
  });
});

describe('GroupCommitter', () => {
  test('batches everything submitted in one turn into one flush and answers each caller', async () => {
    const batches: number[][] = [];
    const g = new GroupCommitter<number, number>({
      maxBatch: 3,
      flush: async (items) => {
        batches.push(items);
        return items.map((i) => i * 10);
      },
    });
    const out = await Promise.all([1, 2, 3, 4, 5].map((i) => g.submit(i)));
    expect(out).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
  });

  test('a failed flush rejects only its own batch, and nothing resolves before its flush ends', async () => {
    let fail = true;
    let release: () => void = () => undefined;
    const g = new GroupCommitter<string, string>({
      maxBatch: 10,
      flush: async (items) => {
        if (fail) {
          fail = false;
          await new Promise<void>((r) => (release = r));
          throw new Error('disk full');
        }
        return items;
      },
    });
    let settled = false;
    const a = g.submit('a').finally(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    const b = g.submit('b');
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    release();
    await expect(a).rejects.toThrow('disk full');
    await expect(b).resolves.toBe('b');
    await g.drain();
  });
});

describe('storage errors cross the thread boundary', () => {
  const run = existsSync(WORKER) ? test : test.skip;
  run('an invalid cursor is still an InvalidCursorError, and a failed open rejects ready()', async () => {
    const dir = tempDir();
    const t = new ThreadedSqliteStorage(WORKER, join(dir.dir, 'relay.db'));
    try {
      await t.ready();
      await expect(t.listEvents({ limit: 5, cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidCursorError);
    } finally {
      await t.close();
    }
    writeFileSync(join(dir.dir, 'a-file'), 'not a directory');
    const bad = new ThreadedSqliteStorage(WORKER, join(dir.dir, 'a-file', 'x.db'));
    await expect(bad.ready()).rejects.toThrow(/storage could not open: .*(ENOTDIR|EEXIST)/);
    await expect(bad.health()).rejects.toThrow(/could not open/);
    await bad.close();
    dir.remove();
  });

  run('when the WAL cannot be synced, ingest answers nothing as stored and health fails, from then on', async () => {
    const dir = tempDir();
    const path = join(dir.dir, 'relay.db');
    const t = new ThreadedSqliteStorage(WORKER, path);
    try {
      await t.ready();
      // SQLite keeps its own descriptor; the thread's WAL syncer opens the file by name and cannot.
      unlinkSync(`${path}-wal`);
      await expect(t.ingest([event()])).rejects.toThrow(/WAL could not be synced to disk: ENOENT/);
      await expect(t.ingest([event()])).rejects.toThrow(/WAL could not be synced/);
      await expect(t.health()).rejects.toThrow(/WAL could not be synced/);
      expect(await t.listSubscriptions(5)).toEqual({ items: [], nextCursor: null });
    } finally {
      await t.close();
      dir.remove();
    }
  });
});
