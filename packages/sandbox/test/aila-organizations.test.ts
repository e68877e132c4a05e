import { verifyWebhook } from '@callbridge/core';
import { AILA_ORGANIZATION_ID, SandboxOptionError, startSandbox, type RunningSandbox } from '@callbridge/sandbox';
import { call, request, start, startReceiver, type Receiver } from './helpers';

const B = 'aila_test_callbridge_org_sandbox2';

describe('several Aila organizations, each reached by its own key', () => {
  let sandbox: RunningSandbox;
  let hookA: Receiver;
  let hookB: Receiver;
  beforeAll(async () => {
    [hookA, hookB] = await Promise.all([startReceiver(), startReceiver()]);
    sandbox = await start({ timings: { ringMs: 60_000, processingMs: 60_000 }, ailaOrganizations: [{ name: 'Client B' }] });
  });
  afterAll(async () => {
    await sandbox.close();
    await Promise.all([hookA.close(), hookB.close()]);
  });

  test('each organization has its own id and key; the default is the demo key\'s', () => {
    expect(sandbox.aila.organizations).toEqual([
      { id: AILA_ORGANIZATION_ID, name: 'Default organization', apiKey: sandbox.keys.aila },
      { id: 'org_sandbox2', name: 'Client B', apiKey: B },
    ]);
  });

  test('team, contacts and calls are per organization: the documented examples live in the default one only', async () => {
    type Page = { data: Array<{ id: string }>; meta: { total: number } };
    const callsA = (await call(sandbox, 'aila', 'GET', '/calls?limit=100')).body as Page;
    const callsB = (await call(sandbox, 'aila', 'GET', '/calls?limit=100', { key: B })).body as Page;
    expect(callsB.meta.total).toBeGreaterThan(100);
    expect(callsB.data.filter((c) => callsA.data.some((a) => a.id === c.id))).toEqual([]);
    expect((await call(sandbox, 'aila', 'GET', '/calls/call_8f3k2m', { key: B })).status).toBe(404);
    expect((await call(sandbox, 'aila', 'GET', '/contacts/ct_77xy', { key: B })).status).toBe(404);
    // A key of no organization reaches the default one, as every aila_ key did before.
    expect((await call(sandbox, 'aila', 'GET', '/calls/call_8f3k2m', { key: 'aila_live_0123456789' })).status).toBe(200);

    const up = await call(sandbox, 'aila', 'POST', '/calls/upload', { key: B, body: { recording_url: 'https://s.example/b.mp3' } });
    expect(up.status).toBe(201);
    const id = (up.body as { data: { id: string } }).data.id;
    expect((await call(sandbox, 'aila', 'GET', `/calls/${id}`, { key: B })).status).toBe(200);
    expect((await call(sandbox, 'aila', 'GET', `/calls/${id}`)).status).toBe(404);
    // A team member of the default organization is not one of B's.
    const wrongUser = await call(sandbox, 'aila', 'POST', '/calls/upload', { key: B, body: { recording_url: 'https://s.example/c.mp3', user_id: 'usr_12ab' } });
    expect(wrongUser).toMatchObject({ status: 400, body: { error: { details: { field: 'user_id' } } } });
  });

  test("webhook endpoints belong to an organization: another's is 403, and each gets only its own organization's events", async () => {
    const denied = await call(sandbox, 'aila', 'POST', `/organizations/${AILA_ORGANIZATION_ID}/webhooks`, { key: B, body: { url: hookB.url, events: ['call.completed'] } });
    expect(denied.status).toBe(403);
    const a = await call(sandbox, 'aila', 'POST', `/organizations/${AILA_ORGANIZATION_ID}/webhooks`, { body: { url: hookA.url, events: ['call.completed', 'task.created'] } });
    const b = await call(sandbox, 'aila', 'POST', '/organizations/org_sandbox2/webhooks', { key: B, body: { url: hookB.url, events: ['call.completed', 'task.created'] } });
    expect([a.status, b.status]).toEqual([201, 201]);
    const secretB = (b.body as { data: { secret: string } }).data.secret;
    expect(((await call(sandbox, 'aila', 'GET', '/organizations/org_sandbox2/webhooks', { key: B })).body as { data: unknown[] }).data).toHaveLength(1);

    const up = await call(sandbox, 'aila', 'POST', '/calls/upload', { key: B, body: { recording_url: 'https://s.example/hooked.mp3' } });
    const id = (up.body as { data: { id: string } }).data.id;
    sandbox.calls.fastForward();
    await sandbox.settle();
    const got = hookB.received.find((r) => r.body.includes(id) && r.headers['x-aila-event'] === 'call.completed');
    expect(got).toBeDefined();
    for (const r of hookB.received) {
      expect(verifyWebhook('aila', { rawBody: r.body, headers: r.headers, secret: secretB })).toEqual({ ok: true });
      const callId = (JSON.parse(r.body) as { data: { call_id: string } }).data.call_id;
      expect((await call(sandbox, 'aila', 'GET', `/calls/${callId}`, { key: B })).status).toBe(200);
    }
    expect(hookA.received).toEqual([]);

    const emitted = await request(`${sandbox.url}/_sandbox/aila/events`, { method: 'POST', body: { event: 'task.created', organization_id: 'org_sandbox2', data: { task_id: 't1' } } });
    expect(emitted).toMatchObject({ status: 200, body: [{ url: hookB.url }] });
    await sandbox.settle();
    expect(hookA.received).toEqual([]);
    expect(hookB.received.at(-1)?.headers['x-aila-event']).toBe('task.created');
    expect(sandbox.aila.emit('task.created', {})).toEqual([expect.objectContaining({ url: hookA.url })]);
    expect(() => sandbox.aila.emit('task.created', {}, 'org_nope')).toThrow(SandboxOptionError);
  });

  test('reset() rebuilds every organization\'s data and keeps the organizations', async () => {
    sandbox.reset();
    expect(sandbox.aila.organizations.map((o) => o.id)).toEqual([AILA_ORGANIZATION_ID, 'org_sandbox2']);
    expect(((await call(sandbox, 'aila', 'GET', '/organizations/org_sandbox2/webhooks', { key: B })).body as { data: unknown[] }).data).toEqual([]);
  });
});

describe('Aila organizations over the admin API', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await start();
  });
  afterAll(() => sandbox.close());
  const admin = (path: string, init: Parameters<typeof request>[1] = {}) => request(`${sandbox.url}/_sandbox${path}`, init);

  test('create answers 201 with the key; the key reaches the new organization', async () => {
    const created = await admin('/aila/organizations', { method: 'POST', body: { name: 'Client C', organization_id: 'org_c1', api_key: 'aila_live_client_c' } });
    expect(created).toMatchObject({ status: 201, body: { id: 'org_c1', name: 'Client C', default: false, api_key: 'aila_live_client_c' } });
    expect((await admin('/aila/organizations', { method: 'POST', body: {} })).body).toEqual({ id: 'org_sandbox3', name: 'Organization 3', default: false, api_key: 'aila_test_callbridge_org_sandbox3' });
    expect(((await admin('/aila/organizations')).body as Array<{ id: string }>).map((o) => o.id)).toEqual([AILA_ORGANIZATION_ID, 'org_c1', 'org_sandbox3']);
    const hooks = await call(sandbox, 'aila', 'GET', '/organizations/org_c1/webhooks', { key: 'aila_live_client_c' });
    expect(hooks.status).toBe(200);
  });

  test('a generated id or key never clashes with one given earlier', async () => {
    const s = await startSandbox();
    try {
      s.aila.addOrganization({ organizationId: 'org_sandbox3', apiKey: 'aila_test_callbridge_org_sandbox4' });
      const next = await request(`${s.url}/_sandbox/aila/organizations`, { method: 'POST', body: {} });
      expect(next).toMatchObject({ status: 201, body: { id: 'org_sandbox4', name: 'Organization 3', api_key: 'aila_test_callbridge_org_sandbox4_2' } });
    } finally {
      await s.close();
    }
  });

  test('bad input is refused naming the field, and changes nothing', async () => {
    const before = (await admin('/aila/organizations')).body;
    const cases: Array<[string, unknown, number, string]> = [
      ['/aila/organizations', { name: '' }, 400, 'name'],
      ['/aila/organizations', { api_key: 'vya_test_x' }, 400, 'api_key'],
      ['/aila/organizations', { api_key: 'aila_revoked_x' }, 400, 'api_key'],
      ['/aila/organizations', { api_key: sandbox.keys.aila }, 409, 'api_key'],
      ['/aila/organizations', { organization_id: 'acme' }, 400, 'organization_id'],
      ['/aila/organizations', { organization_id: AILA_ORGANIZATION_ID }, 409, 'organization_id'],
      ['/aila/organizations', { organization_id: 'org_ok', apiKey: 'aila_x' }, 400, 'apiKey'],
      ['/aila/events', { event: 'test.ping', organization_id: 'org_nope' }, 404, 'organization_id'],
      ['/aila/events', { event: 'test.ping', organization_id: 7 }, 400, 'organization_id'],
    ];
    for (const [path, body, status, field] of cases) {
      const res = await admin(path, { method: 'POST', body });
      expect({ path, body, status: res.status, res: res.body }).toMatchObject({ path, body, status, res: { error: { field } } });
    }
    expect((await admin('/aila/organizations')).body).toEqual(before);
  });
});

test('organization options the sandbox cannot start with are refused by name', async () => {
  const bad: Array<[object, string]> = [
    [{ ailaOrganizations: {} }, 'ailaOrganizations'],
    [{ ailaOrganizations: ['x'] }, 'ailaOrganizations.0'],
    [{ ailaOrganizations: [{ apiKey: 'nope' }] }, 'ailaOrganizations.0.apiKey'],
    [{ ailaOrganizations: [{}, { organizationId: 'org_sandbox2' }] }, 'ailaOrganizations.1.organizationId'],
  ];
  for (const [options, field] of bad) {
    const err = await startSandbox(options as never).then(
      (s) => s.close().then(() => undefined),
      (e: unknown) => e,
    );
    expect({ field, err }).toMatchObject({ field, err: expect.any(SandboxOptionError) });
    expect((err as SandboxOptionError).field).toBe(field);
  }
});
