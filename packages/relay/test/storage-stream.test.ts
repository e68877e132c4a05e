import { parseAnnouncement, parseSeqRuns } from '../src/storage/postgres/announce';
import type { PostgresStorage } from '../src/storage/postgres/storage';
import type { NewEvent, RelayStorage, StoredEvent } from '../src/storage/types';
import { storageBackends, storagePerTest } from './support/backends';
import { eventually } from './support/harness';
import { dropTestSchemas, openTestPostgres, PG_SKIP_NOTE, PG_URL } from './support/postgres';

/** What the live stream needs from storage: events after a given one, and other replicas' events. */
let n = 0;
function event(type = 'vyora.call_completed', extra: Partial<NewEvent> = {}): NewEvent {
  n += 1;
  const [provider, ...rest] = type.split('.');
  return {
    id: `evt_stream${process.pid}x${String(n).padStart(12, '0')}`,
    type,
    provider: provider as string,
    event: rest.join('.'),
    createdAt: '2026-01-01T00:00:00Z',
    receivedAt: 1_000 + n,
    dedupeKey: `stream-${process.pid}-${n}`,
    data: JSON.stringify({ n }),
    ...extra,
  };
}

const ids = (events: readonly StoredEvent[] | undefined): string[] => (events ?? []).map((e) => e.id);

const backends = storageBackends();
afterAll(dropTestSchemas);

describe.each(backends)('listEventsAfter on %s', (_name, open) => {
  const storage = storagePerTest(open);
  let s: RelayStorage;
  beforeEach(() => {
    s = storage();
  });

  test('returns the events received after the given one, in receive order, and null for an unknown id', async () => {
    const batch = [event(), event('aila.call.completed'), event(), event('vyora.call_started')];
    await s.ingest(batch);
    const after = await s.listEventsAfter(batch[0]!.id, 1000, {});
    expect(ids(after?.events)).toEqual(ids(batch.slice(1) as StoredEvent[]));
    expect(after?.more).toBe(false);
    expect(after?.events[0]).toMatchObject({ type: 'aila.call.completed', provider: 'aila', data: batch[1]!.data, createdAt: batch[1]!.createdAt });
    expect(await s.listEventsAfter(batch[3]!.id, 1000, {})).toEqual({ events: [], more: false });
    expect(await s.listEventsAfter('evt_never_stored', 1000, {})).toBeNull();
  });

  test('filters by exact type, by provider and by source', async () => {
    const anchor = event();
    const batch = [
      event('vyora.call_completed'),
      event('aila.call.completed', { source: 'src_acme' }),
      event('vyora.call_started'),
      event('aila.task.created', { source: 'src_acme' }),
    ];
    await s.ingest([anchor, ...batch]);
    const exact = await s.listEventsAfter(anchor.id, 1000, { types: ['vyora.call_completed', 'aila.task.created'] });
    expect(ids(exact?.events)).toEqual([batch[0]!.id, batch[3]!.id]);
    const byProvider = await s.listEventsAfter(anchor.id, 1000, { providers: ['vyora'] });
    expect(ids(byProvider?.events)).toEqual([batch[0]!.id, batch[2]!.id]);
    const both = await s.listEventsAfter(anchor.id, 1000, { types: ['aila.task.created'], providers: ['vyora'] });
    expect(ids(both?.events)).toEqual([batch[0]!.id, batch[2]!.id, batch[3]!.id]);
    expect((await s.listEventsAfter(anchor.id, 1000, { types: [] }))?.events).toEqual([]);
    expect(ids((await s.listEventsAfter(anchor.id, 1000, { sources: ['default'] }))?.events)).toEqual([batch[0]!.id, batch[2]!.id]);
    expect(ids((await s.listEventsAfter(anchor.id, 1000, { sources: ['src_acme'], providers: ['aila'] }))?.events)).toEqual([batch[1]!.id, batch[3]!.id]);
    expect((await s.listEventsAfter(anchor.id, 1000, { sources: ['src_acme'], types: ['aila.task.created'] }))?.events[0]).toMatchObject({ source: 'src_acme' });
    expect(await s.listEventsAfter(anchor.id, 1000, { sources: ['src_other'] })).toEqual({ events: [], more: false });
    expect(await s.listEventsAfter(anchor.id, 1000, { sources: [] })).toEqual({ events: [], more: false });
  });

  test('never returns a subscription test’s event', async () => {
    const anchor = event();
    await s.ingest([anchor]);
    await s.createSubscription({ id: 'sub_stream', targetUrl: 'http://127.0.0.1:9/x', events: ['*'], headers: {}, secret: 'whsec_dGVzdA==', createdAt: '2026-01-01T00:00:00Z' });
    const added = await s.addTestDelivery(event('vyora.call_completed', { source: 'test' }), 'sub_stream', 2_000);
    expect(added).not.toBeNull();
    const real = event();
    await s.ingest([real]);
    expect(ids((await s.listEventsAfter(anchor.id, 1000, {}))?.events)).toEqual([real.id]);
  });

  test('past the limit, keeps the newest and says older ones were left out', async () => {
    const anchor = event();
    const batch = Array.from({ length: 7 }, () => event());
    await s.ingest([anchor, ...batch]);
    const after = await s.listEventsAfter(anchor.id, 3, {});
    expect(ids(after?.events)).toEqual(ids(batch.slice(4) as StoredEvent[]));
    expect(after?.more).toBe(true);
  });

  test('reports no remote events for its own ingest', async () => {
    const seen: StoredEvent[] = [];
    const stop = s.onRemoteEvents((events) => seen.push(...events));
    await s.ingest([event()]);
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
    stop();
  });
});

describe('announcements of new events between PostgreSQL replicas', () => {
  test('name the replica and the seqs as runs; anything else is not one', () => {
    expect(parseAnnouncement('r_abc 4-6,9')).toEqual({ from: 'r_abc', seqs: [4, 5, 6, 9] });
    expect(parseAnnouncement('r_abc')).toBeNull();
    expect(parseAnnouncement('r_abc x')).toBeNull();
    expect(parseSeqRuns('12-15,20,22-23')).toEqual([12, 13, 14, 15, 20, 22, 23]);
    expect(parseSeqRuns('7')).toEqual([7]);
    for (const bad of ['', 'x', '5-3', '1,,2', '1-2-3', '0-100000']) expect([bad, parseSeqRuns(bad)]).toEqual([bad, null]);
  });
});

const pg = PG_URL ? describe : describe.skip;
pg(PG_URL ? 'PostgreSQL replicas announce their events to each other' : PG_SKIP_NOTE, () => {
  let a: PostgresStorage;
  let b: PostgresStorage;
  beforeAll(async () => {
    a = await openTestPostgres('remote-events');
    b = await openTestPostgres('remote-events');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  test('an event one replica commits reaches the other, once, in commit order; duplicates are not announced', async () => {
    const onB: StoredEvent[] = [];
    const onA: StoredEvent[] = [];
    const stopB = b.onRemoteEvents((events) => onB.push(...events));
    const stopA = a.onRemoteEvents((events) => onA.push(...events));
    const first = [event(), event('aila.call.completed')];
    await a.ingest(first);
    await eventually(() => (onB.length >= 2 ? true : undefined));
    expect(ids(onB)).toEqual(ids(first as StoredEvent[]));
    expect(onB[1]).toMatchObject({ type: 'aila.call.completed', provider: 'aila', data: first[1]!.data });

    // A duplicate stores nothing new, so nothing is announced; a new one after it is.
    const later = event();
    await a.ingest([{ ...first[0]!, id: 'evt_dup_of_first' }, later]);
    await eventually(() => (onB.length >= 3 ? true : undefined));
    await new Promise((r) => setTimeout(r, 200));
    expect(ids(onB)).toEqual([...ids(first as StoredEvent[]), later.id]);
    expect(onA).toEqual([]);
    stopA();
    stopB();
  });

  test('a batch of 1000 fits its announcement (NOTIFY payloads are capped at 8000 bytes)', async () => {
    const onB: StoredEvent[] = [];
    const stop = b.onRemoteEvents((events) => onB.push(...events));
    const batch = Array.from({ length: 1000 }, () => event());
    await a.ingest(batch);
    await eventually(() => (onB.length >= 1000 ? true : undefined));
    expect(ids(onB)).toEqual(ids(batch as StoredEvent[]));
    stop();
  });

  test('two replicas ingesting at once: each sees all of the other’s events exactly once', async () => {
    const onA: StoredEvent[] = [];
    const onB: StoredEvent[] = [];
    const stopA = a.onRemoteEvents((events) => onA.push(...events));
    const stopB = b.onRemoteEvents((events) => onB.push(...events));
    const fromA = Array.from({ length: 20 }, () => Array.from({ length: 25 }, () => event()));
    const fromB = Array.from({ length: 20 }, () => Array.from({ length: 25 }, () => event()));
    await Promise.all([...fromA.map((batch) => a.ingest(batch)), ...fromB.map((batch) => b.ingest(batch))]);
    await eventually(() => (onA.length >= 500 && onB.length >= 500 ? true : undefined));
    await new Promise((r) => setTimeout(r, 200));
    expect(new Set(ids(onB))).toEqual(new Set(fromA.flat().map((e) => e.id)));
    expect(new Set(ids(onA))).toEqual(new Set(fromB.flat().map((e) => e.id)));
    expect(onA).toHaveLength(500);
    expect(onB).toHaveLength(500);
    stopA();
    stopB();
  });
});
