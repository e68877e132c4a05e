import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { startSandbox, type RunningSandbox } from '@callbridge/sandbox';
import { loadRelayConfig, startRelay } from '../src';
import {
  api,
  eventually,
  get,
  postHook,
  startBackendRelay,
  startReceiver,
  startTestRelay,
  testBackends,
  TOKEN,
  VYORA_SECRET,
  vyoraEvent,
  type Backend,
  type Receiver,
  type TestRelay,
} from './support/harness';
import { dropTestSchemas, PG_SKIP_NOTE, PG_URL } from './support/postgres';

/**
 * One relay for every client workspace, through the real relay on each backend: sources
 * with their own secrets and keys (the sandbox's Vyora workspaces stand in for two clients),
 * events that know their source, subscriptions limited to sources, actions per source,
 * scoped tokens on every /v1 route, revocation, and secrets at rest.
 */
afterAll(dropTestSchemas);
if (!PG_URL) describe.skip(PG_SKIP_NOTE, () => test('the sources and tokens suite against PostgreSQL', () => undefined));

interface Client {
  source: string;
  secret: string;
  key: string;
}

describe.each(testBackends())('%s', (backend: Backend) => {
  let t: TestRelay;
  let rx: Receiver;
  let sandbox: RunningSandbox;
  let a: Client;
  let b: Client;

  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      vyoraWorkspaces: [
        { name: 'Client A', apiKey: 'vya_client_a_key_0001', webhookSecret: 'client_a_webhook_secret' },
        { name: 'Client B', apiKey: 'vya_client_b_key_0002', webhookSecret: 'client_b_webhook_secret' },
      ],
    });
    rx = await startReceiver();
    t = await startBackendRelay(backend);
    const make = async (name: string, secret: string, key: string): Promise<Client> => {
      const res = await api(t.url, 'POST', '/v1/sources', {
        provider: 'vyora',
        name,
        webhook_secret: secret,
        api_key: key,
        base_url: sandbox.urls.vyora,
      });
      expect(res.status).toBe(201);
      expect(get(res.body, 'hook_url')).toBe(`${t.url}/hooks/vyora/${get(res.body, 'id')}`);
      expect(res.text).not.toContain(secret);
      expect(res.text).not.toContain(key);
      return { source: get(res.body, 'id') as string, secret, key };
    };
    a = await make('Client A', 'client_a_webhook_secret', 'vya_client_a_key_0001');
    b = await make('Client B', 'client_b_webhook_secret', 'vya_client_b_key_0002');
  });
  afterAll(async () => {
    await t.close();
    await rx.close();
    await sandbox.close();
  });

  test("each source's hook URL takes only its own secret", async () => {
    const body = vyoraEvent();
    expect((await postHook(t.url, 'vyora', body, { source: a.source, secret: a.secret })).status).toBe(200);
    expect((await postHook(t.url, 'vyora', body, { source: a.source, secret: b.secret })).status).toBe(401);
    expect((await postHook(t.url, 'vyora', body, { source: a.source, secret: VYORA_SECRET })).status).toBe(401);
    expect((await postHook(t.url, 'vyora', body, { secret: a.secret })).status).toBe(401);
    const unknown = await postHook(t.url, 'vyora', body, { source: 'src_nosuchsource00', secret: a.secret });
    expect([unknown.status, get(unknown.body, 'error.code')]).toEqual([404, 'unknown_source']);
  });

  test('events know their source: deliveries carry it, listings filter by it, subscriptions limited to sources get only theirs, dedupe is per source', async () => {
    const onlyA = await api(t.url, 'POST', '/v1/subscriptions', { target_url: `${rx.url}/only-a`, events: ['vyora.*'], sources: [a.source] });
    expect(get(onlyA.body, 'sources')).toEqual([a.source]);
    const same = vyoraEvent('call_completed', { call_id: 'call_shared_between_clients' });
    const ra = await postHook(t.url, 'vyora', same, { source: a.source, secret: a.secret });
    const rb = await postHook(t.url, 'vyora', same, { source: b.source, secret: b.secret });
    const again = await postHook(t.url, 'vyora', same, { source: a.source, secret: a.secret });
    expect(get(ra.body, 'id')).not.toBe(get(rb.body, 'id'));
    expect(get(again.body, 'id')).toBe(get(ra.body, 'id'));
    const [delivered] = await rx.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.received.filter((r) => r.url === '/only-a')).toHaveLength(1);
    const body = new Webhook(get(onlyA.body, 'secret') as string).verify(delivered!.body, {
      'webhook-id': String(delivered!.headers['webhook-id']),
      'webhook-timestamp': String(delivered!.headers['webhook-timestamp']),
      'webhook-signature': String(delivered!.headers['webhook-signature']),
    });
    expect(body).toMatchObject({ id: get(ra.body, 'id'), source: a.source });
    const listedB = await api(t.url, 'GET', `/v1/events?source=${b.source}`);
    expect((get(listedB.body, 'data') as Array<{ id: string; source: string }>).map((e) => [e.id, e.source])).toEqual([[get(rb.body, 'id'), b.source]]);
    expect(get((await api(t.url, 'GET', `/v1/events/${get(ra.body, 'id') as string}`)).body, 'source')).toBe(a.source);
  });

  test("actions run with each source's key and base URL; provider errors come back normalized", async () => {
    const trig = await api(t.url, 'POST', `/v1/actions/vyora/calls.trigger?source=${a.source}`, { phone_number: '+919876543210', agent_name: 'Home Loan Agent' });
    expect(trig.status).toBe(200);
    const callId = get(trig.body, 'call_id') as string;
    expect((await api(t.url, 'POST', `/v1/actions/vyora/calls.get?source=${a.source}`, { call_id: callId })).status).toBe(200);
    // The other workspace's key cannot see client A's call: the sandbox scopes calls to the key.
    const other = await api(t.url, 'POST', `/v1/actions/vyora/calls.get?source=${b.source}`, { call_id: callId });
    expect(other.status).toBe(404);
    expect(get(other.body, 'error')).toMatchObject({ provider: 'vyora', code: 'call_not_found' });
    const missing = await api(t.url, 'POST', '/v1/actions/vyora/agents.list?source=src_nosuchsource00', {});
    expect([missing.status, get(missing.body, 'error.code')]).toEqual([404, 'unknown_source']);
  });

  describe('a scoped token', () => {
    let scoped: string;
    let tokenId: string;
    let eventA: string;
    let eventB: string;
    let subAll: string;
    let subB: string;
    beforeAll(async () => {
      const created = await api(t.url, 'POST', '/v1/tokens', { name: 'Client A Make connection', sources: [a.source] });
      expect(created.status).toBe(201);
      scoped = get(created.body, 'token') as string;
      tokenId = get(created.body, 'id') as string;
      expect((await api(t.url, 'GET', '/v1/tokens')).text).not.toContain(scoped);
      subAll = get((await api(t.url, 'POST', '/v1/subscriptions', { target_url: `${rx.url}/all`, events: ['*'] })).body, 'id') as string;
      subB = get((await api(t.url, 'POST', '/v1/subscriptions', { target_url: `${rx.url}/b`, events: ['*'], sources: [b.source] })).body, 'id') as string;
      eventA = get((await postHook(t.url, 'vyora', vyoraEvent(), { source: a.source, secret: a.secret })).body, 'id') as string;
      eventB = get((await postHook(t.url, 'vyora', vyoraEvent(), { source: b.source, secret: b.secret })).body, 'id') as string;
    });
    const as = (method: string, path: string, body?: unknown) => api(t.url, method, path, body, { token: scoped });

    test('sees its own source, says who it is, and gets 403 on sources and tokens', async () => {
      expect((await as('GET', '/v1/me')).body).toEqual({ kind: 'scoped', id: tokenId, name: 'Client A Make connection', sources: [a.source] });
      for (const [method, path] of [
        ['GET', '/v1/sources'],
        ['POST', '/v1/sources'],
        ['GET', `/v1/sources/${a.source}`],
        ['PATCH', `/v1/sources/${a.source}`],
        ['DELETE', `/v1/sources/${a.source}`],
        ['GET', '/v1/tokens'],
        ['POST', '/v1/tokens'],
        ['DELETE', `/v1/tokens/${tokenId}`],
      ] as const) {
        const res = await as(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
        // The refusal names what was tried: managing tokens is not "managing sources".
        const said = (res.body as { error?: { message?: string } }).error?.message ?? '';
        expect([method, path, res.status, said.split(' needs')[0]]).toEqual([method, path, 403, path.startsWith('/v1/tokens') ? 'Managing tokens' : 'Managing sources']);
      }
    });

    test("events, deliveries and their replays: its source's only, others answer 404 as if absent", async () => {
      const list = (get((await as('GET', '/v1/events?limit=100')).body, 'data') as Array<{ source: string }>).map((e) => e.source);
      expect(list.length).toBeGreaterThan(0);
      expect(new Set(list)).toEqual(new Set([a.source]));
      expect((await as('GET', `/v1/events?source=${b.source}`)).body).toMatchObject({ data: [] });
      expect((await as('GET', `/v1/events/${eventA}`)).status).toBe(200);
      expect((await as('GET', `/v1/events/${eventB}`)).status).toBe(404);
      expect((await as('POST', `/v1/events/${eventB}/replay`)).status).toBe(404);
      const deliveries = get((await as('GET', '/v1/deliveries?limit=100')).body, 'data') as Array<{ source: string; id: number }>;
      expect(deliveries.every((d) => d.source === a.source)).toBe(true);
      const bDelivery = (get((await api(t.url, 'GET', `/v1/deliveries?source=${b.source}`)).body, 'data') as Array<{ id: number }>)[0];
      expect((await as('POST', `/v1/deliveries/${bDelivery!.id}/replay`)).status).toBe(404);
      expect((await as('POST', '/v1/deliveries/replay', { state: 'succeeded', source: b.source })).body).toEqual({ replayed: 0, skipped: 0 });
    });

    test('subscriptions: only those limited to its sources; new ones default to them and cannot reach further', async () => {
      const mine = await as('POST', '/v1/subscriptions', { target_url: `${rx.url}/scoped`, events: ['vyora.*'] });
      expect(mine.status).toBe(201);
      expect(get(mine.body, 'sources')).toEqual([a.source]);
      const id = get(mine.body, 'id') as string;
      const listed = (get((await as('GET', '/v1/subscriptions')).body, 'data') as Array<{ id: string }>).map((s) => s.id);
      expect(listed).toContain(id);
      expect(listed).not.toContain(subAll);
      expect(listed).not.toContain(subB);
      for (const other of [subAll, subB]) {
        expect((await as('GET', `/v1/subscriptions/${other}`)).status).toBe(404);
        expect((await as('PATCH', `/v1/subscriptions/${other}`, { description: 'x' })).status).toBe(404);
        expect((await as('POST', `/v1/subscriptions/${other}/rotate-secret`)).status).toBe(404);
        expect((await as('POST', `/v1/subscriptions/${other}/test`, { type: 'vyora.call_completed' })).status).toBe(404);
        expect((await as('DELETE', `/v1/subscriptions/${other}`)).status).toBe(404);
      }
      const reach = await as('POST', '/v1/subscriptions', { target_url: `${rx.url}/x`, events: ['*'], sources: [b.source] });
      expect([reach.status, get(reach.body, 'error.details.0.field')]).toEqual([400, 'sources.0']);
      const all = await as('PATCH', `/v1/subscriptions/${id}`, { sources: null });
      expect([all.status, get(all.body, 'error.details.0.field')]).toEqual([400, 'sources']);
      expect((await as('PATCH', `/v1/subscriptions/${id}`, { description: 'mine' })).status).toBe(200);
      expect((await as('DELETE', `/v1/subscriptions/${id}`)).status).toBe(204);
    });

    test('actions: its own source only; the environment default is not its own', async () => {
      expect((await as('POST', `/v1/actions/vyora/agents.list?source=${a.source}`, {})).status).toBe(200);
      expect((await as('POST', `/v1/actions/vyora/agents.list?source=${b.source}`, {})).status).toBe(404);
      expect((await as('POST', '/v1/actions/vyora/agents.list', {})).status).toBe(404);
      expect((await as('GET', '/v1/stats')).status).toBe(200);
    });

    test('revoked, it stops at once', async () => {
      const extra = await api(t.url, 'POST', '/v1/tokens', { name: 'to revoke', sources: [a.source] });
      const token = get(extra.body, 'token') as string;
      expect((await api(t.url, 'GET', '/v1/me', undefined, { token })).status).toBe(200);
      expect((await api(t.url, 'DELETE', `/v1/tokens/${get(extra.body, 'id') as string}`)).status).toBe(204);
      expect((await api(t.url, 'GET', '/v1/me', undefined, { token })).status).toBe(401);
    });
  });

  test('bad input to sources and tokens is refused naming the field; the environment default is read-only', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/v1/sources', { provider: 'nope', name: 'x', webhook_secret: 's' }, 'provider'],
      ['POST', '/v1/sources', { provider: 'vyora', name: 'x' }, 'webhook_secret'],
      ['POST', '/v1/sources', { provider: 'vyora', name: '', webhook_secret: 's' }, 'name'],
      ['POST', '/v1/sources', { provider: 'vyora', name: 'x', webhook_secret: 's', base_url: 'ftp://x' }, 'base_url'],
      ['PATCH', `/v1/sources/${'src_nosuchsource00'}`, { name: 'x' }, ''],
      ['POST', '/v1/tokens', { name: 'x', sources: ['src_nosuchsource00'] }, 'sources.0'],
      ['POST', '/v1/tokens', { name: 'x', sources: [] }, 'sources'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await api(t.url, method, path, body);
      if (field === '') expect(res.status).toBe(404);
      else expect([path, res.status, get(res.body, 'error.details.0.field')]).toEqual([path, 400, field]);
    }
    const env = await api(t.url, 'PATCH', '/v1/sources/default', { name: 'x' });
    expect([env.status, get(env.body, 'error.code')]).toEqual([409, 'managed_by_environment']);
    const listed = get((await api(t.url, 'GET', '/v1/sources')).body, 'data') as Array<{ id: string; managed_by: string; provider: string }>;
    expect(listed.filter((s) => s.id === 'default').map((s) => [s.provider, s.managed_by])).toContainEqual(['vyora', 'environment']);
    expect(JSON.stringify(listed)).not.toContain(a.secret);
  });

  test('deleting a source stops its hook URL; its events stay', async () => {
    const c = await api(t.url, 'POST', '/v1/sources', { provider: 'vyora', name: 'Client C', webhook_secret: 'client_c_secret' });
    const id = get(c.body, 'id') as string;
    const ev = await postHook(t.url, 'vyora', vyoraEvent(), { source: id, secret: 'client_c_secret' });
    expect(ev.status).toBe(200);
    expect((await api(t.url, 'DELETE', `/v1/sources/${id}`)).status).toBe(204);
    expect((await postHook(t.url, 'vyora', vyoraEvent(), { source: id, secret: 'client_c_secret' })).status).toBe(404);
    expect(get((await api(t.url, 'GET', `/v1/events/${get(ev.body, 'id') as string}`)).body, 'source')).toBe(id);
  });
});

describe('secrets at rest through the relay (SQLite)', () => {
  test('the raw database holds no secret, key or token; a restart with the same key verifies; a wrong key stops the start', async () => {
    const t = await startBackendRelay('sqlite');
    const secrets = ['rest_webhook_secret_value_1', 'vya_rest_api_key_value_2', 'x-make-apikey-value-3'];
    const src = await api(t.url, 'POST', '/v1/sources', { provider: 'vyora', name: 'Rest', webhook_secret: secrets[0], api_key: secrets[1] });
    const id = get(src.body, 'id') as string;
    const sub = await api(t.url, 'POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/x', headers: { 'x-make-apikey': secrets[2] } });
    const subSecret = get(sub.body, 'secret') as string;
    const token = get((await api(t.url, 'POST', '/v1/tokens', { name: 'rest', sources: [id] })).body, 'token') as string;
    const dir = t.dir;
    await t.relay.close();
    const raw = ['relay.db', 'relay.db-wal'].map((f) => join(dir, f)).filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
    for (const s of [...secrets, subSecret.slice('whsec_'.length), token, TOKEN]) expect(raw).not.toContain(s);
    expect(existsSync(join(dir, 'relay.db.key'))).toBe(true);

    const again = await startTestRelay({}, dir);
    expect(again.relay.keyFile).toEqual({ path: join(dir, 'relay.db.key'), created: false });
    expect((await postHook(again.url, 'vyora', vyoraEvent(), { source: id, secret: secrets[0] })).status).toBe(200);
    expect(get((await api(again.url, 'GET', `/v1/subscriptions/${get(sub.body, 'id') as string}`)).body, 'secret')).toBe(subSecret);
    expect((await api(again.url, 'GET', '/v1/me', undefined, { token })).status).toBe(200);
    await again.relay.close();

    const wrong = loadRelayConfig({
      RELAY_DATABASE_URL: `sqlite:${join(dir, 'relay.db')}`,
      RELAY_HOST: '127.0.0.1',
      RELAY_PORT: '0',
      RELAY_API_TOKEN: TOKEN,
      RELAY_ENCRYPTION_KEY: 'b'.repeat(64),
    });
    await expect(startRelay(wrong)).rejects.toThrow(/RELAY_ENCRYPTION_KEY: holds key [0-9a-f]{16}, but stored secrets were encrypted with key [0-9a-f]{16}/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('deliveries and the stream for a scoped token', () => {
  test('a scoped token streams only its sources', async () => {
    const t = await startBackendRelay('sqlite');
    try {
      const mk = async (n: string) => get((await api(t.url, 'POST', '/v1/sources', { provider: 'vyora', name: n, webhook_secret: `${n}_secret` })).body, 'id') as string;
      const s1 = await mk('one');
      const s2 = await mk('two');
      const token = get((await api(t.url, 'POST', '/v1/tokens', { name: 'one', sources: [s1] })).body, 'token') as string;
      const ctrl = new AbortController();
      const res = await fetch(`${t.url}/v1/events/stream`, { headers: { authorization: `Bearer ${token}` }, signal: ctrl.signal });
      const reader = res.body!.getReader();
      let text = '';
      const reading = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          text += Buffer.from(value).toString('utf8');
        }
      })().catch(() => undefined);
      await eventually(() => (text.includes(': live') ? true : undefined));
      await postHook(t.url, 'vyora', vyoraEvent(), { source: s2, secret: 'two_secret' });
      const mine = await postHook(t.url, 'vyora', vyoraEvent(), { source: s1, secret: 'one_secret' });
      await eventually(() => (text.includes(get(mine.body, 'id') as string) ? true : undefined));
      expect(text.match(/^id: /gm)).toHaveLength(1);
      ctrl.abort();
      await reading;
    } finally {
      await t.close();
    }
  });
});
