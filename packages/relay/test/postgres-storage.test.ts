import { MIGRATIONS } from '../src/storage/postgres/schema';
import { Client } from 'pg';
import type { PostgresStorage } from '../src/storage/postgres/storage';
import type { NewEvent } from '../src/storage/types';
import { eventually } from './support/harness';
import { dropTestSchemas, openTestPostgres, PG_SKIP_NOTE, PG_URL } from './support/postgres';

/** What only a shared database has to get right: several replicas on one schema. */
let n = 0;
function event(dedupeKey?: string): NewEvent {
  n += 1;
  const key = dedupeKey ?? `pk${n}`;
  return {
    id: `evt_${key}`,
    type: 'vyora.call_completed',
    provider: 'vyora',
    event: 'call_completed',
    createdAt: '2026-01-01T00:00:00Z',
    receivedAt: 1_000,
    dedupeKey: key,
    data: JSON.stringify({ n }),
  };
}

const claim = (s: PostgresStorage, owner: string, limit = 50, now = 2_000) =>
  s.claimDue({ now, limit, leaseMs: 60_000, owner, perSubscriptionLimit: 1_000, inFlight: new Map() });

const suite = PG_URL ? describe : describe.skip;
suite(PG_URL ? 'PostgreSQL replicas on one schema' : PG_SKIP_NOTE, () => {
  const open: PostgresStorage[] = [];
  const start = async (key: string): Promise<PostgresStorage> => {
    const s = await openTestPostgres(key);
    open.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  afterAll(dropTestSchemas);

  test('replicas starting together migrate once', async () => {
    const replicas = await Promise.all([1, 2, 3, 4].map(() => start('migrate-race')));
    const client = new Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const r = await client.query(`SELECT version FROM ${replicas[0]!.schema}.schema_migrations`);
      expect(r.rows.map((x: { version: number }) => x.version)).toEqual(MIGRATIONS.map((m) => m.version));
      const live = await client.query(`SELECT count(*)::int AS n FROM ${replicas[0]!.schema}.replicas`);
      expect(live.rows[0]).toEqual({ n: 4 });
    } finally {
      await client.end();
    }
  });

  test('claims racing from two replicas never hand out one delivery twice', async () => {
    const a = await start('claims');
    const b = await start('claims');
    await a.createSubscription({ id: 'sub_1', targetUrl: 'http://127.0.0.1:9/x', events: ['*'], headers: {}, secret: 'whsec_dGVzdA==', createdAt: 'now' });
    await a.ingest(Array.from({ length: 300 }, () => event()));
    const seen: number[] = [];
    const drain = async (s: PostgresStorage, owner: string): Promise<void> => {
      for (;;) {
        const got = await claim(s, owner, 20);
        if (got.length === 0) return;
        seen.push(...got.map((c) => c.id));
      }
    };
    await Promise.all([drain(a, 'wa'), drain(b, 'wb'), drain(a, 'wa2'), drain(b, 'wb2')]);
    expect(seen).toHaveLength(300);
    expect(new Set(seen).size).toBe(300);
  });

  test("a rate limit is one budget across replicas: claims racing at the same instant take one slot, the next slot 1/rate later", async () => {
    const a = await start('rated');
    const b = await start('rated');
    await a.createSubscription({ id: 'sub_r', targetUrl: 'http://127.0.0.1:9/x', events: ['*'], headers: {}, secret: 'whsec_dGVzdA==', createdAt: 'now', rateLimitPerSecond: 4 });
    await a.ingest(Array.from({ length: 20 }, () => event()));
    // Four workers on two replicas all claim at t = 2000 and again at each later instant.
    const claimedAt = async (now: number): Promise<number> => {
      const got = await Promise.all([a, b, a, b].map((s, i) => claim(s, `w${i}`, 20, now)));
      return got.reduce((n, g) => n + g.length, 0);
    };
    expect(await claimedAt(2_000)).toBe(1);
    expect(await claimedAt(2_100)).toBe(0);
    expect(await claimedAt(2_249)).toBe(0);
    expect(await claimedAt(2_250)).toBe(1);
    expect(await claimedAt(2_500)).toBe(1);
    // A replica that has not heard of the limit yet still cannot exceed it: the limit is in the row.
    expect(await b.nextDueAt()).toBe(2_750);
  });

  test('deduplication holds across replicas ingesting the same events at once', async () => {
    const a = await start('dedupe');
    const b = await start('dedupe');
    const batch = Array.from({ length: 50 }, (_, i) => event(`same-${i}`));
    const [ra, rb] = await Promise.all([a.ingest(batch), b.ingest([...batch].reverse())]);
    const fresh = [...ra, ...rb].filter((r) => !r.duplicate).map((r) => r.id);
    expect(new Set(fresh).size).toBe(50);
    expect(fresh).toHaveLength(50);
    expect([...rb].reverse().map((r) => r.id)).toEqual(ra.map((r) => r.id));
    expect((await a.listEvents({ limit: 100 })).items).toHaveLength(50);
  });

  test('an event stored by one replica wakes the other through NOTIFY', async () => {
    const a = await start('notify');
    const b = await start('notify');
    await a.createSubscription({ id: 'sub_1', targetUrl: 'http://127.0.0.1:9/x', events: ['*'], headers: {}, secret: 'whsec_dGVzdA==', createdAt: 'now' });
    let woken = 0;
    b.onWake(() => (woken += 1));
    await a.ingest([event()]);
    await eventually(() => (woken > 0 ? true : undefined), 3_000, 10);
    expect(woken).toBeGreaterThan(0);
  });

  test("a live replica's leases are left alone; a dead one's are freed for the others", async () => {
    const a = await start('takeover');
    const b = await start('takeover');
    await a.createSubscription({ id: 'sub_1', targetUrl: 'http://127.0.0.1:9/x', events: ['*'], headers: {}, secret: 'whsec_dGVzdA==', createdAt: 'now' });
    await a.ingest([event(), event()]);
    expect(await claim(a, 'wa', 50, Date.now())).toHaveLength(2);
    // A third replica starting sweeps for dead ones: a is alive, so nothing moves.
    await start('takeover');
    expect(await claim(b, 'wb', 50, Date.now())).toHaveLength(0);
    // a's process dies (its session ends without handing anything back)...
    await a.close();
    // ...and within a sweep period b can take its deliveries, long before the 60 s lease ends.
    const taken = await eventually(async () => {
      const got = await claim(b, 'wb', 50, Date.now());
      return got.length > 0 ? got : undefined;
    }, 5_000, 100);
    expect(taken).toHaveLength(2);
  });
});
