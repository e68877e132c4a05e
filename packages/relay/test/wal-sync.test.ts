import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDeferredIngest } from '../src/storage/deferred-ingest';
import { SqliteStorage } from '../src/storage/sqlite';
import type { IngestResult, NewEvent } from '../src/storage/types';
import { WalSyncer, type Fdatasync } from '../src/storage/wal-sync';
import { tempDir } from './support/harness';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** An fdatasync the test finishes by hand, recording which descriptor each call was for. */
function heldSync(): { fdatasync: Fdatasync; calls: Array<(err: NodeJS.ErrnoException | null) => void> } {
  const calls: Array<(err: NodeJS.ErrnoException | null) => void> = [];
  return { calls, fdatasync: (_fd, cb) => void calls.push(cb) };
}

function settledFlag(p: Promise<unknown>): { settled: boolean } {
  const state = { settled: false };
  p.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

describe('WalSyncer', () => {
  let dir: { dir: string; remove: () => void };
  let wal: string;
  beforeEach(() => {
    dir = tempDir();
    wal = join(dir.dir, 'relay.db-wal');
    writeFileSync(wal, 'frames');
  });
  afterEach(() => dir.remove());

  test('a sync resolves only once its fdatasync has finished', async () => {
    const held = heldSync();
    const syncer = new WalSyncer(wal, held.fdatasync);
    const state = settledFlag(syncer.sync());
    await tick();
    expect(held.calls).toHaveLength(1);
    expect(state.settled).toBe(false);
    held.calls[0]?.(null);
    await tick();
    expect(state.settled).toBe(true);
    await syncer.close();
  });

  test('calls made while a sync runs share the next one: one fdatasync in flight at a time', async () => {
    const held = heldSync();
    const syncer = new WalSyncer(wal, held.fdatasync);
    const first = syncer.sync();
    const later = [syncer.sync(), syncer.sync(), syncer.sync()];
    const laterState = later.map(settledFlag);
    expect(held.calls).toHaveLength(1);
    held.calls[0]?.(null);
    await first;
    // The first fdatasync may have started before their writes: they need one of their own.
    await tick();
    expect(laterState.every((s) => !s.settled)).toBe(true);
    expect(held.calls).toHaveLength(2);
    held.calls[1]?.(null);
    await Promise.all(later);
    expect(held.calls).toHaveLength(2);
    await syncer.close();
  });

  test('a failed fdatasync fails its callers and every later sync, without trying again', async () => {
    const held = heldSync();
    const syncer = new WalSyncer(wal, held.fdatasync);
    const first = syncer.sync();
    const queued = syncer.sync();
    held.calls[0]?.(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    await expect(first).rejects.toThrow(/WAL could not be synced to disk: EIO/);
    await expect(queued).rejects.toThrow(/EIO/);
    await expect(syncer.sync()).rejects.toThrow(/EIO/);
    expect(held.calls).toHaveLength(1);
    expect(syncer.failure?.message).toMatch(/EIO/);
    await syncer.close();
  });

  test('a WAL that cannot be opened is a failed sync, not a silent success', async () => {
    const syncer = new WalSyncer(join(dir.dir, 'missing.db-wal'));
    await expect(syncer.sync()).rejects.toThrow(/ENOENT/);
    expect(syncer.failure).not.toBeNull();
  });

  test('with the real fdatasync, close waits for the sync in flight', async () => {
    const syncer = new WalSyncer(wal);
    const state = settledFlag(syncer.sync());
    await syncer.close();
    expect(state.settled).toBe(true);
  });
});

let n = 0;
function event(): NewEvent {
  n += 1;
  return { id: `evt_w${n}`, type: 'vyora.call_completed', provider: 'vyora', event: 'call_completed', createdAt: '2026-01-01T00:00:00Z', receivedAt: 1, dedupeKey: `k${n}`, data: '{}' };
}

describe('createDeferredIngest', () => {
  function rig(deliveries = 0) {
    const writes: string[][] = [];
    const syncs: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
    let woken = 0;
    const ingest = createDeferredIngest({
      write: (events) => {
        writes.push(events.map((e) => e.id));
        return events.map((e): IngestResult => ({ id: e.id, duplicate: false, deliveries, filtered: 0 }));
      },
      sync: () => new Promise<void>((resolve, reject) => syncs.push({ resolve, reject })),
      onDeliveries: () => (woken += 1),
    });
    return { ingest, writes, syncs, woken: () => woken };
  }

  test('requests queued together are written at once and each answered with its own results, after the sync', async () => {
    const r = rig(1);
    const a = [event(), event()];
    const b = [event()];
    const pa = r.ingest.submit(a);
    const pb = r.ingest.submit(b);
    const sa = settledFlag(pa);
    await tick();
    expect(r.writes).toEqual([[...a, ...b].map((e) => e.id)]);
    expect(sa.settled).toBe(false);
    expect(r.woken()).toBe(0);
    r.syncs[0]?.resolve();
    expect((await pa).map((x) => x.id)).toEqual(a.map((e) => e.id));
    expect((await pb).map((x) => x.id)).toEqual(b.map((e) => e.id));
    expect(r.woken()).toBe(1);
  });

  test('the next batch is written while the previous one is still syncing', async () => {
    const r = rig();
    const first = settledFlag(r.ingest.submit([event()]));
    await tick();
    const second = r.ingest.submit([event()]);
    await tick();
    expect(r.writes).toHaveLength(2);
    expect(first.settled).toBe(false);
    r.syncs[1]?.resolve();
    r.syncs[0]?.resolve();
    await second;
    expect(r.woken()).toBe(0);
  });

  test('a failed sync rejects its batch; a failed write rejects its batch and syncs nothing', async () => {
    const r = rig();
    const p = r.ingest.submit([event()]);
    await tick();
    r.syncs[0]?.reject(new Error('EIO'));
    await expect(p).rejects.toThrow('EIO');

    const failing = createDeferredIngest({
      write: () => {
        throw new Error('database is full');
      },
      sync: () => Promise.reject(new Error('must not sync')),
      onDeliveries: () => undefined,
    });
    await expect(failing.submit([event()])).rejects.toThrow('database is full');
  });
});

describe('SqliteStorage.ingestDeferred', () => {
  test('commits without its own fsync, visibly to reads, and names the WAL its caller syncs', async () => {
    const dir = tempDir();
    const storage = new SqliteStorage({ path: join(dir.dir, 'relay.db') });
    try {
      const e = event();
      const [result] = storage.ingestDeferred([e]);
      expect(result).toEqual({ id: e.id, duplicate: false, deliveries: 0, filtered: 0 });
      expect((await storage.getEvent(e.id))?.id).toBe(e.id);
      expect(storage.walPath).toBe(join(dir.dir, 'relay.db-wal'));
      await new WalSyncer(storage.walPath as string).sync();
      expect(storage.ingestDeferred([e])[0]?.duplicate).toBe(true);
      expect(new SqliteStorage({ path: ':memory:' }).walPath).toBeNull();
    } finally {
      await storage.close();
      dir.remove();
    }
  });
});
