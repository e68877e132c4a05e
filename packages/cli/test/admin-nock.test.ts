import nock from 'nock';
import { run } from './helpers';

/**
 * What each admin command puts on the wire: nock plays the relay and checks every request
 * exactly (method, path, token, and the JSON body built from the flags), and answers that a
 * real relay cannot be made to give (a proxy's HTML page). The same commands run against a
 * real relay in admin.test.ts and admin-long-run.test.ts; the answers here are shaped like
 * its own.
 */
const RELAY = 'http://relay.test:8080';
const TOKEN = 'admin-token-for-nock-0123';
const env = { RELAY_URL: RELAY, RELAY_API_TOKEN: TOKEN };
const auth = { reqheaders: { authorization: `Bearer ${TOKEN}` } };

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

const SUB = {
  id: 'sub_1',
  target_url: 'https://example.com/hook',
  events: ['vyora.*'],
  headers: { 'x-make-apikey': '********' },
  description: 'long calls',
  status: 'disabled',
  disabled_reason: 'disabled by PATCH',
  filter: { 'data.duration_seconds': { $gte: 30 } },
  rate_limit_per_second: 2.5,
  sources: ['src_a', 'default'],
  previous_secret_expires_at: null,
  created_at: '2026-05-24T10:00:00.000Z',
  updated_at: '2026-05-24T11:00:00.000Z',
};

describe('subscriptions update, rotate and test', () => {
  test('create sends every field as its JSON type', async () => {
    nock(RELAY, auth)
      .post('/v1/subscriptions', {
        target_url: 'https://example.com/hook',
        events: ['vyora.*'],
        headers: { 'x-make-apikey': 'k-123' },
        description: 'long calls',
        filter: { 'data.duration_seconds': { $gte: 30 } },
        rate_limit_per_second: 0.5,
        sources: ['src_a', 'default'],
      })
      .reply(201, { ...SUB, secret: 'whsec_c2VjcmV0', status: 'active', disabled_reason: null });
    const r = await run(
      [
        'subscriptions',
        'create',
        '--target-url',
        'https://example.com/hook',
        '--events',
        'vyora.*',
        '--headers',
        '{"x-make-apikey":"k-123"}',
        '--description',
        'long calls',
        '--filter',
        '{"data.duration_seconds":{"$gte":30}}',
        '--rate-limit-per-second',
        '0.5',
        '--sources',
        'src_a,default',
      ],
      { env },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^secret\s+whsec_c2VjcmV0$/m);
    expect(r.stdout).toMatch(/^filter\s+\{"data.duration_seconds":\{"\$gte":30\}\}$/m);
  });

  test('update sends only the fields given; null clears, numbers and lists keep their types', async () => {
    nock(RELAY, auth)
      .patch('/v1/subscriptions/sub_1', { status: 'disabled', filter: null, rate_limit_per_second: 2.5, sources: null, description: 'long calls' })
      .reply(200, SUB);
    const r = await run(
      ['subscriptions', 'update', 'sub_1', '--status', 'disabled', '--filter', 'null', '--rate-limit-per-second', '2.5', '--sources', 'null', '--description', 'long calls'],
      { env },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^status\s+disabled$/m);
    expect(r.stdout).toMatch(/^disabled_reason\s+disabled by PATCH$/m);
    expect(r.stdout).toMatch(/^sources\s+src_a,default$/m);

    nock(RELAY, auth).patch('/v1/subscriptions/sub_1', { status: 'active' }).reply(200, { ...SUB, status: 'active' });
    const asJson = await run(['subscriptions', 'update', 'sub_1', '--status', 'active', '--json'], { env });
    expect(JSON.parse(asJson.stdout)).toEqual({ ...SUB, status: 'active' });
  });

  test('an id is one path segment, whatever it holds', async () => {
    nock(RELAY, auth).get('/v1/subscriptions/a%2F..%2Fb').reply(404, { error: { code: 'not_found', message: 'no subscription a/../b' } });
    const r = await run(['subscriptions', 'get', 'a/../b'], { env });
    expect(r).toMatchObject({ code: 1, stderr: 'callbridge: the relay answered 404 not_found: no subscription a/../b\n' });
  });

  test('rotate posts no body and prints the new secret and when the old one stops working', async () => {
    nock(RELAY, auth)
      .post('/v1/subscriptions/sub_1/rotate-secret', (body: unknown) => body === '' || body === undefined)
      .reply(200, { secret: 'whsec_bmV3', previous_secret_expires_at: '2026-05-25T11:00:00.000Z' });
    const r = await run(['subscriptions', 'rotate', 'sub_1'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^secret\s+whsec_bmV3$/m);
    expect(r.stdout).toMatch(/^previous_secret_expires_at\s+2026-05-25T11:00:00.000Z$/m);
  });

  test('test sends the type and says how to follow the delivery; a type it does not cover is the relay’s 400', async () => {
    nock(RELAY, auth).post('/v1/subscriptions/sub_1/test', { type: 'vyora.call_completed' }).reply(202, { event_id: 'evt_t1', delivery_id: 7 });
    const r = await run(['subscriptions', 'test', 'sub_1', '--type', 'vyora.call_completed'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^event_id\s+evt_t1$/m);
    expect(r.stdout).toContain('callbridge events get evt_t1');

    nock(RELAY, auth)
      .post('/v1/subscriptions/sub_1/test', { type: 'vyora.call_exploded' })
      .reply(400, { error: { code: 'validation_error', message: 'Invalid request: type: …', details: [{ field: 'type', message: 'is not a documented event type' }] } });
    const bad = await run(['subscriptions', 'test', 'sub_1', '--type', 'vyora.call_exploded'], { env });
    expect(bad).toMatchObject({ code: 1, stderr: 'callbridge: the relay answered 400 validation_error\n  type (--type): is not a documented event type\n' });
    expect(await run(['subscriptions', 'test', 'sub_1'], { env })).toMatchObject({ code: 2, stderr: expect.stringContaining('missing --type') });
  });
});

describe('sources', () => {
  const SOURCE = {
    id: 'src_a',
    provider: 'vyora',
    name: 'Acme',
    hook_url: 'https://relay.example.com/hooks/vyora/src_a',
    base_url: null,
    organization_id: null,
    has_api_key: true,
    has_webhook_secret: true,
    managed_by: 'api',
    created_at: '2026-05-24T10:00:00.000Z',
    updated_at: '2026-05-24T10:00:00.000Z',
  };

  test('list shows the environment’s and the API’s sources', async () => {
    nock(RELAY, auth)
      .get('/v1/sources')
      .reply(200, { data: [{ ...SOURCE, id: 'default', name: 'Vyora (environment)', managed_by: 'environment', hook_url: 'https://relay.example.com/hooks/vyora' }, SOURCE] });
    const r = await run(['sources', 'list'], { env });
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ID\s+PROVIDER\s+NAME\s+MANAGED_BY\s+HOOK_URL$/);
    expect(rows[1]).toMatch(/^default\s+vyora\s+Vyora \(environment\)\s+environment\s+https:\/\/relay.example.com\/hooks\/vyora$/);
    expect(rows[2]).toMatch(/^src_a\s+vyora\s+Acme\s+api\s+https:\/\/relay.example.com\/hooks\/vyora\/src_a$/);
  });

  test('create sends the secrets, prints the hook URL, and never echoes a secret on stderr', async () => {
    nock(RELAY, auth)
      .post('/v1/sources', { provider: 'vyora', name: 'Acme', webhook_secret: 'acme-vyora-secret-1', api_key: 'vya_live_acme_key' })
      .reply(201, SOURCE);
    const r = await run(['sources', 'create', '--provider', 'vyora', '--name', 'Acme', '--webhook-secret', 'acme-vyora-secret-1', '--api-key', 'vya_live_acme_key'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Point the provider's webhooks at https://relay.example.com/hooks/vyora/src_a");
    expect(r.stdout).not.toContain('acme-vyora-secret-1');

    nock(RELAY, auth)
      .post('/v1/sources')
      .reply(400, { error: { code: 'validation_error', message: 'x', details: [{ field: 'webhook_secret', message: 'acme-vyora-secret-2 is too short' }] } });
    const bad = await run(['sources', 'create', '--provider', 'vyora', '--name', 'Acme', '--webhook-secret', 'acme-vyora-secret-2'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('webhook_secret (--webhook-secret): [redacted] is too short');
    expect(await run(['sources', 'create', '--provider', 'vyra', '--name', 'x'], { env })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--provider must be one of ayra, vyora, aila, ayla'),
    });
  });

  test('get, update (null clears) and delete', async () => {
    nock(RELAY, auth).get('/v1/sources/src_a').reply(200, SOURCE);
    expect((await run(['sources', 'get', 'src_a'], { env })).stdout).toMatch(/^has_api_key\s+true$/m);
    nock(RELAY, auth).patch('/v1/sources/src_a', { name: 'Acme EU', base_url: null }).reply(200, { ...SOURCE, name: 'Acme EU' });
    expect((await run(['sources', 'update', 'src_a', '--name', 'Acme EU', '--base-url', 'null'], { env })).stdout).toMatch(/^name\s+Acme EU$/m);
    nock(RELAY, auth).delete('/v1/sources/src_a').reply(204);
    expect(await run(['sources', 'delete', 'src_a'], { env })).toMatchObject({ code: 0, stdout: 'deleted src_a\n' });
    nock(RELAY, auth).patch('/v1/sources/default', { name: 'x' }).reply(409, { error: { code: 'managed_by_environment', message: 'the default source comes from the environment' } });
    expect(await run(['sources', 'update', 'default', '--name', 'x'], { env })).toMatchObject({
      code: 1,
      stderr: 'callbridge: the relay answered 409 managed_by_environment: the default source comes from the environment\n',
    });
  });

  test('a scoped token is told 403 forbidden', async () => {
    nock(RELAY, auth).get('/v1/sources').reply(403, { error: { code: 'forbidden', message: 'a scoped token cannot manage sources' } });
    expect(await run(['sources', 'list'], { env })).toMatchObject({ code: 1, stderr: 'callbridge: the relay answered 403 forbidden: a scoped token cannot manage sources\n' });
  });
});

describe('tokens', () => {
  test('create shows the token once with a warning; list and delete', async () => {
    nock(RELAY, auth)
      .post('/v1/tokens', { name: 'Acme Make', sources: ['src_a', 'default'] })
      .reply(201, { id: 'tok_1', name: 'Acme Make', sources: ['src_a', 'default'], token: 'cbr_secret_value', created_at: '2026-05-24T10:00:00.000Z' });
    const created = await run(['tokens', 'create', '--name', 'Acme Make', '--sources', 'src_a,default'], { env });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^token\s+cbr_secret_value$/m);
    expect(created.stdout).toContain('shown only this once');

    nock(RELAY, auth)
      .get('/v1/tokens')
      .reply(200, { data: [{ id: 'tok_1', name: 'Acme Make', sources: ['src_a'], created_at: '2026-05-24T10:00:00.000Z', last_used_at: null }] });
    const listed = await run(['tokens', 'list'], { env });
    expect(listed.stdout.split('\n')[1]).toMatch(/^tok_1\s+Acme Make\s+src_a\s+-\s+2026-05-24T10:00:00.000Z$/);

    nock(RELAY, auth).delete('/v1/tokens/tok_1').reply(204);
    expect(JSON.parse((await run(['tokens', 'delete', 'tok_1', '--json'], { env })).stdout)).toEqual({ id: 'tok_1', deleted: true });
    expect(await run(['tokens', 'create', '--name', 'x'], { env })).toMatchObject({ code: 2, stderr: expect.stringContaining('missing --sources') });
  });
});

describe('answers that are not the relay’s', () => {
  test('a proxy’s HTML error page is reported by status with an excerpt', async () => {
    nock(RELAY, auth).get('/v1/tokens').reply(502, '<html><body>Bad Gateway</body></html>');
    const r = await run(['tokens', 'list'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the relay answered 502 http_502: <html><body>Bad Gateway</body></html>');
    expect(r.stderr).toContain('Is --relay / RELAY_URL the relay');
  });
});
