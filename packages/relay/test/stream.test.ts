import net from 'node:net';
import { Client } from 'pg';
import Fastify from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { loadRelayConfig } from '../src';
import { ADMIN } from '../src/http/scope';
import { parseStreamQuery, registerStreamRoute, scopeStreamFilter } from '../src/http/stream';
import { validatorCompiler } from '../src/http/validate';
import { EventBus } from '../src/ingest/event-bus';
import { SqliteStorage } from '../src/storage/sqlite';
import type { StoredEvent } from '../src/storage/types';
import { AILA_SECRET, api, get, postHook, startTestRelay, vyoraEvent, type TestRelay } from './support/harness';
import { dropTestSchemas, PG_SKIP_NOTE, PG_URL, testSchema } from './support/postgres';
import { openStream, type SseClient } from './support/sse';

const live = (c: SseClient): boolean => c.comments.includes('live');
const ids = (c: SseClient): string[] => c.messages.map((m) => m.id as string);

async function post(url: string, provider: 'vyora' | 'aila' = 'vyora', body?: string): Promise<string> {
  const raw = body ?? (provider === 'vyora' ? vyoraEvent() : JSON.stringify({ event: 'call.completed', id: `ai_${Math.random().toString(36).slice(2)}`, data: { n: 1 } }));
  const r = await postHook(url, provider, raw, provider === 'aila' ? { secret: AILA_SECRET } : {});
  if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${r.text}`);
  return get(r.body, 'id') as string;
}

describe('GET /v1/events/stream on SQLite', () => {
  let t: TestRelay;
  const open: SseClient[] = [];
  beforeAll(async () => (t = await startTestRelay({ RELAY_STREAM_HEARTBEAT: '200ms' })));
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  afterAll(() => t.close());

  const stream = async (options: Parameters<typeof openStream>[1] = {}): Promise<SseClient> => {
    const c = await openStream(t.url, options);
    open.push(c);
    return c;
  };

  test('needs the /v1 bearer token', async () => {
    const none = await api(t.url, 'GET', '/v1/events/stream', undefined, { token: null });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await api(t.url, 'GET', '/v1/events/stream', undefined, { token: 'not-the-token-at-all' })).status).toBe(401);
  });

  test('streams each new event once as id, type and the delivery body; a duplicate is not streamed again', async () => {
    const c = await stream();
    expect(c.status).toBe(200);
    expect(c.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await c.until(live);
    const body = vyoraEvent();
    const first = await post(t.url, 'vyora', body);
    expect(await post(t.url, 'vyora', body)).toBe(first);
    const second = await post(t.url, 'aila');
    await c.until((x) => x.messages.length >= 2);
    expect(ids(c)).toEqual([first, second]);
    expect(c.messages[0]?.event).toBe('vyora.call_completed');
    expect(c.messages[1]?.event).toBe('aila.call.completed');
    const stored = await api(t.url, 'GET', `/v1/events/${first}`);
    expect(JSON.parse(c.messages[0]?.data ?? '')).toEqual({
      id: first,
      type: 'vyora.call_completed',
      provider: 'vyora',
      source: 'default',
      created_at: get(stored.body, 'created_at'),
      data: get(stored.body, 'data'),
    });
  });

  test('sends a heartbeat comment while nothing happens', async () => {
    const c = await stream();
    await c.until((x) => x.comments.filter((m) => m === 'heartbeat').length >= 2, 3000);
    expect(c.messages).toEqual([]);
  });

  test('filters by types, with <provider>.* and exact types, and by sources', async () => {
    const aila = await stream({ query: 'types=aila.*' });
    const exact = await stream({ query: 'types=vyora.call_started,aila.call.completed' });
    const otherSource = await stream({ query: 'sources=src_someone_else' });
    const defaultSource = await stream({ query: 'types=*&sources=default' });
    for (const c of [aila, exact, otherSource, defaultSource]) await c.until(live);
    const v1 = await post(t.url, 'vyora');
    const a1 = await post(t.url, 'aila');
    const started = await post(t.url, 'vyora', vyoraEvent('call_started'));
    await exact.until((x) => x.messages.length >= 2);
    await defaultSource.until((x) => x.messages.length >= 3);
    expect(ids(aila)).toEqual([a1]);
    expect(ids(exact)).toEqual([a1, started]);
    expect(ids(defaultSource)).toEqual([v1, a1, started]);
    expect(otherSource.messages).toEqual([]);
  });

  test('an invalid filter or Last-Event-ID is a 400 naming it', async () => {
    const bad = await api(t.url, 'GET', '/v1/events/stream?types=vyora.call_exploded');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'validation_error', details: [{ field: 'types.0' }] } });
    const badSource = await api(t.url, 'GET', '/v1/events/stream?sources=has%20space');
    expect(badSource.body).toMatchObject({ error: { details: [{ field: 'sources.0' }] } });
    const badId = await api(t.url, 'GET', '/v1/events/stream?last_event_id=a%0Ab');
    expect(badId.body).toMatchObject({ error: { details: [{ field: 'last_event_id' }] } });
  });

  test('resumes after Last-Event-ID (header or query): what was missed, in receive order, then live', async () => {
    const anchor = await post(t.url);
    const missed = [await post(t.url), await post(t.url, 'aila'), await post(t.url)];
    const c = await stream({ lastEventId: anchor });
    await c.until(live);
    expect(ids(c)).toEqual(missed);
    const next = await post(t.url);
    await c.until((x) => x.messages.length >= 4);
    expect(ids(c)).toEqual([...missed, next]);

    const viaQuery = await stream({ query: `last_event_id=${missed[1]}&types=vyora.*` });
    await viaQuery.until(live);
    expect(ids(viaQuery)).toEqual([missed[2], next]);
  });

  test('an unknown Last-Event-ID says so and streams new events only', async () => {
    const c = await stream({ lastEventId: 'evt_deleted_long_ago' });
    await c.until(live);
    expect(c.comments.some((m) => m.includes('evt_deleted_long_ago') && m.includes('new events only'))).toBe(true);
    const next = await post(t.url);
    await c.until((x) => x.messages.length >= 1);
    expect(ids(c)).toEqual([next]);
  });

  test('no event is lost or sent twice when events keep arriving while a client resumes', async () => {
    const anchor = await post(t.url);
    const acked: string[] = [];
    let stop = false;
    const producer = (async () => {
      while (!stop) acked.push(await post(t.url));
    })();
    await new Promise((r) => setTimeout(r, 150));
    const c = await stream({ lastEventId: anchor });
    await c.until(live);
    await new Promise((r) => setTimeout(r, 150));
    stop = true;
    await producer;
    await c.until((x) => x.messages.length >= acked.length);
    await new Promise((r) => setTimeout(r, 100));
    expect(acked.length).toBeGreaterThan(5);
    expect(ids(c)).toEqual(acked);
  });
});

describe('closing the relay', () => {
  test('ends open streams with a comment, and close does not wait for the clients', async () => {
    const t = await startTestRelay();
    const c = await openStream(t.url);
    await c.until(live);
    const started = Date.now();
    await t.close();
    await c.ended;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(c.comments.at(-1)).toContain('shutting down');
  });
});

/** The stream route alone, on a fastify of its own, with storage in memory and the bounds a test picks. */
async function bareStream(bounds: { maxBufferedBytes?: number; maxReplay?: number }, logs: string[] = []) {
  const storage = new SqliteStorage({ path: ':memory:' });
  const bus = new EventBus();
  const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => logs.push(line) } } });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(
    async (v1) => {
      // The relay's auth hook sets the principal; here every caller is the admin.
      v1.addHook('onRequest', async (req) => {
        req.principal = ADMIN;
      });
      registerStreamRoute(v1, { storage, bus, config: loadRelayConfig({}), ...bounds });
    },
    { prefix: '/v1' },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    storage,
    bus,
    app,
    url: `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}`,
    close: async () => {
      await app.close();
      await storage.close();
    },
  };
}

describe('a scoped token’s stream', () => {
  test('carries only its sources, whatever the query asks for', () => {
    const scope = ['src_acme1234', 'default'];
    expect(scopeStreamFilter(parseStreamQuery({}), scope)).toEqual({ sources: ['src_acme1234', 'default'] });
    expect(scopeStreamFilter(parseStreamQuery({ sources: 'src_acme1234,src_other1234', types: 'aila.*' }), scope)).toEqual({
      sources: ['src_acme1234'],
      providers: ['aila'],
    });
    expect(scopeStreamFilter(parseStreamQuery({ sources: 'src_other1234' }), scope)).toEqual({ sources: [] });
    expect(scopeStreamFilter(parseStreamQuery({ sources: 'src_other1234' }), null)).toEqual({ sources: ['src_other1234'] });
  });
});

describe('the event bus', () => {
  test('a listener that throws is reported and does not keep the event from the others', () => {
    const errors: unknown[] = [];
    const bus = new EventBus((e) => errors.push(e));
    const got: string[] = [];
    bus.subscribe(() => {
      throw new Error('broken stream');
    });
    bus.subscribe((events) => got.push(...events.map((e) => e.id)));
    expect(() => bus.publish([{ id: 'evt_1' } as StoredEvent])).not.toThrow();
    expect(got).toEqual(['evt_1']);
    expect(errors).toEqual([new Error('broken stream')]);
  });
});

describe('resuming after more events than the replay cap', () => {
  test('replays the newest ones, says older ones were left out, then goes live without a gap', async () => {
    const s = await bareStream({ maxReplay: 3 });
    try {
      const events = Array.from({ length: 6 }, (_, n) => ({
        id: `evt_cap_${n}`,
        type: 'vyora.call_completed',
        provider: 'vyora',
        event: 'call_completed',
        createdAt: '2026-01-01T00:00:00Z',
        receivedAt: n,
        dedupeKey: `cap-${n}`,
        data: JSON.stringify({ n }),
      }));
      await s.storage.ingest(events);
      const c = await openStream(s.url, { lastEventId: 'evt_cap_0' });
      await c.until(live);
      expect(ids(c)).toEqual(['evt_cap_3', 'evt_cap_4', 'evt_cap_5']);
      expect(c.comments[0]).toBe('more than 3 events were missed; the oldest are not replayed (GET /v1/events lists them)');
      const next = { ...events[0]!, id: 'evt_cap_live', dedupeKey: 'cap-live' };
      await s.storage.ingest([next]);
      s.bus.publish([{ ...next, source: 'default', test: false }]);
      await c.until((x) => x.messages.length >= 4);
      expect(ids(c)).toEqual(['evt_cap_3', 'evt_cap_4', 'evt_cap_5', 'evt_cap_live']);
      c.close();
    } finally {
      await s.close();
    }
  });
});

describe('a client that reads too slowly', () => {
  function event(n: number, size: number): StoredEvent {
    return {
      id: `evt_slow_${n}`,
      type: 'vyora.call_completed',
      provider: 'vyora',
      event: 'call_completed',
      createdAt: '2026-01-01T00:00:00Z',
      receivedAt: n,
      dedupeKey: `slow-${n}`,
      data: JSON.stringify({ n, pad: 'x'.repeat(size) }),
      source: 'default',
      test: false,
    };
  }

  test('is disconnected once its backlog passes the bound, instead of growing the relay’s memory', async () => {
    const warnings: string[] = [];
    const bound = 256 * 1024;
    const s = await bareStream({ maxBufferedBytes: bound }, warnings);
    const bus = s.bus;
    const socket = net.connect((s.app.server.address() as net.AddressInfo).port, '127.0.0.1');
    try {
      await new Promise((r) => socket.once('connect', r));
      // A raw socket that asks for the stream and then stops reading.
      socket.write('GET /v1/events/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
      let head = '';
      socket.on('data', (chunk: Buffer) => {
        if (head.length < 2000) head += chunk.toString('latin1');
      });
      const closed = new Promise((r) => socket.once('close', r));
      await new Promise((r) => setTimeout(r, 100));
      expect(head).toContain('200 OK');
      expect(bus.listeners).toBe(1);
      socket.pause();

      // Up to 40 MB of events against a 256 KiB bound: far more than the kernel's socket buffers hold.
      let published = 0;
      for (let n = 0; n < 400 && bus.listeners > 0; n++) {
        bus.publish([event(n, 100_000)]);
        published += 1;
        await new Promise((r) => setImmediate(r));
      }
      // Dropped: no longer listening, long before everything was published.
      expect(bus.listeners).toBe(0);
      expect(published).toBeLessThan(400);
      const dropped = warnings.map((w) => JSON.parse(w) as { msg: string; bufferedBytes?: number }).find((w) => w.msg.includes('client too slow'));
      // What the relay held for it never went past the bound by more than one message.
      expect(dropped?.bufferedBytes).toBeLessThanOrEqual(bound + 100_300);
      socket.resume();
      await closed;
    } finally {
      socket.destroy();
      await s.close();
    }
  });
});

const pg = PG_URL ? describe : describe.skip;
pg(PG_URL ? 'GET /v1/events/stream with two relays on one PostgreSQL schema' : PG_SKIP_NOTE, () => {
  let a: TestRelay;
  let b: TestRelay;
  beforeAll(async () => {
    const schema = testSchema('stream-replicas');
    const env = { RELAY_DATABASE_URL: PG_URL as string, RELAY_PG_SCHEMA: schema, RELAY_RATE_LIMIT: '0' };
    a = await startTestRelay(env);
    b = await startTestRelay(env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropTestSchemas();
  });

  test('an event ingested by one replica is streamed by both; a resume on the other replays it', async () => {
    const onA = await openStream(a.url);
    const onB = await openStream(b.url);
    try {
      await onA.until(live);
      await onB.until(live);
      // One at a time: across replicas, events arrive in commit order only as far as NOTIFY is ordered.
      const first = await post(a.url);
      await onB.until((x) => x.messages.length >= 1);
      const second = await post(b.url, 'aila');
      await onA.until((x) => x.messages.length >= 2);
      const third = await post(a.url);
      await onB.until((x) => x.messages.length >= 3);
      await onA.until((x) => x.messages.length >= 3);
      expect(ids(onB)).toEqual([first, second, third]);
      expect(ids(onA)).toEqual([first, second, third]);
      expect(JSON.parse(onB.messages[0]?.data ?? '')).toMatchObject({ id: first, type: 'vyora.call_completed', provider: 'vyora' });

      const resumed = await openStream(b.url, { lastEventId: first });
      await resumed.until(live);
      expect(ids(resumed)).toEqual([second, third]);
      resumed.close();
    } finally {
      onA.close();
      onB.close();
    }
  });

  test('a replica whose notification session dropped ends its streams once back, and the resume brings what it missed', async () => {
    const onB = await openStream(b.url);
    try {
      await onB.until(live);
      const seen = await post(a.url);
      await onB.until((x) => x.messages.length >= 1);
      // Cut B's LISTEN session, as a network blip or a PostgreSQL restart would; A posts meanwhile.
      const replica = (get((await api(b.url, 'GET', '/healthz')).body, 'postgres') as { replica: string }).replica;
      const admin = new Client({ connectionString: PG_URL });
      await admin.connect();
      try {
        const cut = await admin.query('SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1', [`callbridge-relay listener ${replica}`]);
        expect(cut.rows).toEqual([{ done: true }]);
      } finally {
        await admin.end();
      }
      const missed = await post(a.url);
      // B cannot know what it did not hear: once its session is back it ends the stream...
      await onB.ended;
      expect(onB.comments.at(-1)).toBe('this relay may have missed events from another replica; reconnect with Last-Event-ID to resume');
      // ...and the client's resume, read from storage, has the event posted during the cut.
      const resumed = await openStream(b.url, { lastEventId: ids(onB).at(-1) ?? seen });
      await resumed.until(live);
      await resumed.until((x) => ids(x).includes(missed));
      resumed.close();
    } finally {
      onB.close();
    }
  });
});
