import type { RunningSandbox } from '@callbridge/sandbox';
import { DEMO_KEYS } from '@callbridge/sandbox';
import { call, request, start } from './helpers';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await start();
});
afterAll(() => sandbox.close());

/** A cheap read per provider, and each provider's 401 body shape for a missing key. */
const READS = {
  ayra: { path: '/agents', missing: { error: { code: 'unauthorized', message: 'Missing API key', details: expect.any(String) } } },
  vyora: { path: '/v1/agents', missing: { error: expect.stringMatching(/X-API-KEY/) } },
  aila: { path: '/calls', missing: { success: false, error: { code: 'UNAUTHORIZED', message: 'Missing API key', details: expect.any(Object) } } },
  ayla: { path: '/carriers/health', missing: { error: { code: 'unauthorized', message: expect.any(String), status: 401, request_id: expect.stringMatching(/^req_/) } } },
} as const;

describe.each(Object.entries(READS))('%s authentication', (provider, read) => {
  const id = provider as keyof typeof READS;

  test('no key: 401 with the provider\'s error body', async () => {
    const res = await call(sandbox, id, 'GET', read.path, { key: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(read.missing);
    if (id !== 'vyora') expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  test('a key of the wrong shape or a revoked one: 401', async () => {
    for (const key of ['not-a-key', `${DEMO_KEYS[id]}_revoked`]) {
      const res = await call(sandbox, id, 'GET', read.path, { key });
      expect({ key, status: res.status }).toEqual({ key, status: 401 });
    }
  });

  test('the demo key and any key of the documented shape are accepted', async () => {
    const shaped = { ayra: 'sk_live_abc123xyz789', vyora: 'vya_live_your_key_here', aila: 'aila_live_0123456789', ayla: 'ayla_live_sk_xxxxxxxxxxxxxxxxxxxx' }[id];
    for (const key of [sandbox.keys[id], shaped]) {
      const res = await call(sandbox, id, 'GET', read.path, { key });
      expect({ key, status: res.status }).toEqual({ key, status: 200 });
    }
  });
});

test('the key goes where each provider documents it, and nowhere else', async () => {
  // Ayra, Aila and Ayla read Authorization: Bearer; Vyora reads X-API-KEY.
  const vyoraAsBearer = await request(`${sandbox.urls.vyora}/v1/agents`, { headers: { authorization: `Bearer ${sandbox.keys.vyora}` } });
  expect(vyoraAsBearer.status).toBe(401);
  const ayraAsHeader = await request(`${sandbox.urls.ayra}/agents`, { headers: { 'x-api-key': sandbox.keys.ayra } });
  expect(ayraAsHeader.status).toBe(401);
  const basic = await request(`${sandbox.urls.ayla}/carriers/health`, { headers: { authorization: `Basic ${sandbox.keys.ayla}` } });
  expect(basic.status).toBe(401);
  const lower = await request(`${sandbox.urls.ayla}/carriers/health`, { headers: { authorization: `bearer ${sandbox.keys.ayla}` } });
  expect(lower.status).toBe(200);
});

test('Ayla keys must carry a test or live prefix', async () => {
  for (const [key, status] of [['ayla_test_sk_abc', 200], ['ayla_live_sk_abc', 200], ['ayla_prod_sk_abc', 401], ['sk_live_abc', 401]] as const) {
    const res = await call(sandbox, 'ayla', 'GET', '/carriers/health', { key });
    expect({ key, status: res.status }).toEqual({ key, status });
  }
});

describe('read-only keys, where the provider documents permissions', () => {
  test('Ayra: reads pass, writes are 403 naming the missing permission', async () => {
    const key = sandbox.readOnlyKeys.ayra;
    expect((await call(sandbox, 'ayra', 'GET', '/agents', { key })).status).toBe(200);
    const res = await call(sandbox, 'ayra', 'POST', '/agents', { key, body: { name: 'Nope' } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: 'forbidden', message: 'This API key lacks the agents:write permission', details: expect.any(String) } });
    const contact = await call(sandbox, 'ayra', 'PATCH', '/contacts/contact_abc123', { key, body: { company: 'X' } });
    expect(contact.body).toMatchObject({ error: { message: expect.stringContaining('contacts:write') } });
  });

  test('Aila: reads pass, uploads are 403 FORBIDDEN', async () => {
    const key = sandbox.readOnlyKeys.aila;
    expect((await call(sandbox, 'aila', 'GET', '/contacts', { key })).status).toBe(200);
    const res = await call(sandbox, 'aila', 'POST', '/calls/upload', { key, body: { recording_url: 'https://x.example/a.mp3' } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } });
  });
});
