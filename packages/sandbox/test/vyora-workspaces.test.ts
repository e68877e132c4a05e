import { verifyWebhook } from '@callbridge/core';
import { MAX_VYORA_WORKSPACES, SandboxOptionError, startSandbox, VYORA_DEMO_WEBHOOK_SECRET, type RunningSandbox, type VyoraWorkspaceInfo } from '@callbridge/sandbox';
import { call, request, start, startReceiver, type Receiver } from './helpers';

const TRIGGER = { phone_number: '+919876543210', agent_name: 'Home Loan Agent' };
/** Stages that would take a minute: only `advance` moves them, so each test decides when webhooks fire. */
const SLOW = { ringMs: 60_000, inProgressMs: 60_000, processingMs: 60_000 };

async function trigger(sandbox: RunningSandbox, key: string, body: object = TRIGGER): Promise<{ status: number; call_id: string; body: unknown }> {
  const res = await call(sandbox, 'vyora', 'POST', '/v1/calls', { key, body });
  return { status: res.status, call_id: (res.body as { call_id: string }).call_id, body: res.body };
}

function events(r: Receiver): string[] {
  return r.received.map((h) => `${h.headers['x-vyora-event']}:${(JSON.parse(h.body) as { call_id: string }).call_id}`);
}

describe('workspaces given at start', () => {
  let sandbox: RunningSandbox;
  let hookA: Receiver;
  let hookB: Receiver;
  const SECRET_A = 'workspace-a-secret';
  const ws = (i: number): VyoraWorkspaceInfo => {
    const found = sandbox.vyora.workspaces[i];
    if (!found) throw new Error(`no workspace at ${i}`);
    return found;
  };

  beforeAll(async () => {
    [hookA, hookB] = await Promise.all([startReceiver(), startReceiver()]);
    sandbox = await start({ timings: SLOW, vyoraWebhook: { url: hookA.url, secret: SECRET_A }, vyoraWorkspaces: [{ name: 'Acme Loans', webhookUrl: hookB.url }, {}] });
  });
  afterAll(async () => {
    await sandbox.close();
    await Promise.all([hookA.close(), hookB.close()]);
  });

  test('each has an id, a name, its own key and secret; the default is the demo key', () => {
    const [a, b, c] = sandbox.vyora.workspaces;
    expect(sandbox.vyora.workspaces).toHaveLength(3);
    expect(a).toEqual({ id: 'default', name: 'Default workspace', apiKey: sandbox.keys.vyora, webhookSecret: SECRET_A, webhookUrl: hookA.url, events: ['call_started', 'call_completed', 'all_processing_completed'] });
    expect(b).toMatchObject({ id: 'ws_2', name: 'Acme Loans', apiKey: 'vya_test_callbridge_ws_2', webhookUrl: hookB.url });
    expect(c).toMatchObject({ id: 'ws_3', name: 'Workspace 3', apiKey: 'vya_test_callbridge_ws_3', webhookUrl: null });
    const secrets = sandbox.vyora.workspaces.map((w) => w.webhookSecret);
    expect(new Set(secrets).size).toBe(3);
  });

  test("a call is visible only to its workspace's key: another workspace's key gets Call not found", async () => {
    const [a, b, c] = [ws(0), ws(1), ws(2)];
    const fromA = await trigger(sandbox, a.apiKey);
    const fromB = await trigger(sandbox, b.apiKey);
    expect([fromA.status, fromB.status]).toEqual([200, 200]);
    for (const [id, owner] of [[fromA.call_id, a], [fromB.call_id, b], ['abc123xyz', a]] as const) {
      for (const ws of [a, b, c]) {
        const res = await call(sandbox, 'vyora', 'GET', `/v1/calls/${id}`, { key: ws.apiKey });
        const expected = ws === owner ? 200 : 404;
        expect({ id, key: ws.apiKey, status: res.status }).toEqual({ id, key: ws.apiKey, status: expected });
        if (expected === 404) expect(res.body).toEqual({ error: 'Call not found' });
      }
    }
  });

  test('agents are per workspace: the same names, ids of their own', async () => {
    const [a, b] = [ws(0), ws(1)];
    type Agents = { agents: Array<{ id: string; name: string }>; total: number };
    const listA = (await call(sandbox, 'vyora', 'GET', '/v1/agents?limit=100', { key: a.apiKey })).body as Agents;
    const listB = (await call(sandbox, 'vyora', 'GET', '/v1/agents?limit=100', { key: b.apiKey })).body as Agents;
    expect(listB.agents.map((x) => x.name)).toEqual(listA.agents.map((x) => x.name));
    expect(listA.agents[0]?.id).toBe('abc123de-7f41-4c2a-9b1e-5d8f0a6c3e21');
    expect(listB.agents.filter((x) => listA.agents.some((y) => y.id === x.id))).toEqual([]);
    const aAgent = listA.agents[0]?.id as string;
    const wrong = await trigger(sandbox, b.apiKey, { phone_number: '+919876543210', agent_id: aAgent });
    expect(wrong).toMatchObject({ status: 404, body: { error: 'Agent not found' } });
    expect((await trigger(sandbox, b.apiKey, { phone_number: '+919876543210', agent_id: listB.agents[0]?.id })).status).toBe(200);
  });

  test("each workspace's call events go to its own URL, signed with its own secret only", async () => {
    const [a, b, c] = [ws(0), ws(1), ws(2)];
    await sandbox.settle();
    const [beforeA, beforeB] = [hookA.received.length, hookB.received.length];
    const fromA = await trigger(sandbox, a.apiKey);
    const fromB = await trigger(sandbox, b.apiKey);
    const fromC = await trigger(sandbox, c.apiKey);
    for (const id of [fromA.call_id, fromB.call_id, fromC.call_id]) sandbox.calls.advance(id);
    await sandbox.settle();
    const newA = hookA.received.slice(beforeA);
    const newB = hookB.received.slice(beforeB);
    expect(events({ ...hookA, received: newA })).toEqual(['call_started', 'call_completed', 'all_processing_completed'].map((e) => `${e}:${fromA.call_id}`));
    expect(events({ ...hookB, received: newB })).toEqual(['call_started', 'call_completed', 'all_processing_completed'].map((e) => `${e}:${fromB.call_id}`));
    for (const [hooks, own, other] of [[newA, a.webhookSecret, b.webhookSecret], [newB, b.webhookSecret, a.webhookSecret]] as const) {
      for (const h of hooks) {
        expect(verifyWebhook('vyora', { rawBody: h.body, headers: h.headers, secret: own })).toEqual({ ok: true });
        expect(verifyWebhook('vyora', { rawBody: h.body, headers: h.headers, secret: other }).ok).toBe(false);
      }
    }
    // Workspace 3 has no webhook URL: its call fired nothing anywhere.
    expect(sandbox.deliveries().filter((d) => d.body.includes(fromC.call_id))).toEqual([]);
  });

  test("credits are per workspace; a key of no workspace keeps its own calls and shares the default's credits and webhook", async () => {
    const [a, b] = [ws(0), ws(1)];
    sandbox.vyora.setCredits(0, 'ws_2');
    expect(await trigger(sandbox, b.apiKey)).toMatchObject({ status: 402, body: { error: 'Insufficient credits' } });
    expect((await trigger(sandbox, a.apiKey)).status).toBe(200);

    const loose = 'vya_live_not_a_workspace';
    const before = hookA.received.length;
    const fromLoose = await trigger(sandbox, loose);
    expect(fromLoose.status).toBe(200);
    expect((await call(sandbox, 'vyora', 'GET', `/v1/calls/${fromLoose.call_id}`, { key: a.apiKey })).status).toBe(404);
    expect((await call(sandbox, 'vyora', 'GET', `/v1/calls/${fromLoose.call_id}`, { key: loose })).status).toBe(200);
    sandbox.calls.advance(fromLoose.call_id, 'in_progress');
    await hookA.waitFor(before + 1);
    expect(events(hookA).at(-1)).toBe(`call_started:${fromLoose.call_id}`);

    sandbox.vyora.setCredits(1);
    expect((await trigger(sandbox, loose)).status).toBe(200);
    expect((await trigger(sandbox, a.apiKey)).status).toBe(402);
  });

  test('reset() rebuilds the data (credits, calls) and keeps the workspaces and their webhooks', async () => {
    const b = ws(1);
    const made = await trigger(sandbox, sandbox.keys.vyora);
    sandbox.reset();
    expect(sandbox.vyora.workspaces.map((w) => [w.id, w.webhookUrl])).toEqual([['default', hookA.url], ['ws_2', hookB.url], ['ws_3', null]]);
    expect((await trigger(sandbox, b.apiKey)).status).toBe(200);
    expect((await call(sandbox, 'vyora', 'GET', `/v1/calls/${made.call_id}`)).status).toBe(404);
  });

  test('library mistakes are refused by name', () => {
    const refused = (f: () => unknown): unknown => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(refused(() => sandbox.vyora.setCredits(5, 'ws_99'))).toMatchObject({ field: 'workspaceId' });
    expect(refused(() => sandbox.vyora.setWebhook({ url: 'nope' }, 'ws_2'))).toMatchObject({ field: 'webhook.url' });
    expect(refused(() => sandbox.vyora.addWorkspace({ apiKey: sandbox.keys.vyora }))).toMatchObject({ field: 'workspace.apiKey' });
    expect(refused(() => sandbox.vyora.setCredits(-1, 'ws_2'))).toBeInstanceOf(SandboxOptionError);
    expect(sandbox.vyora.workspaces).toHaveLength(3);
    expect(sandbox.vyora.workspaces[1]?.webhookUrl).toBe(hookB.url);
  });
});

describe('workspaces over the admin API', () => {
  let sandbox: RunningSandbox;
  let hook: Receiver;
  const admin = (path: string, init: Parameters<typeof request>[1] = {}) => request(`${sandbox.url}/_sandbox${path}`, init);

  beforeAll(async () => {
    hook = await startReceiver();
    sandbox = await start({ timings: SLOW });
  });
  afterAll(async () => {
    await sandbox.close();
    await hook.close();
  });

  test('create answers 201 with the key and the secret (shown there only); list and get show the rest', async () => {
    const created = await admin('/vyora/workspaces', { method: 'POST', body: { name: 'Client B', webhook_url: hook.url, events: ['call_completed'] } });
    expect(created.status).toBe(201);
    const ws = created.body as { id: string; api_key: string; webhook_secret: string };
    expect(ws).toEqual({ id: 'ws_2', name: 'Client B', default: false, api_key: 'vya_test_callbridge_ws_2', webhook_secret: expect.any(String), webhook_url: hook.url, events: ['call_completed'], credits: 1000 });

    const listed = await admin('/vyora/workspaces');
    expect(listed.body).toEqual([
      { id: 'default', name: 'Default workspace', default: true, api_key: sandbox.keys.vyora, webhook_url: null, events: expect.any(Array), credits: 1000 },
      { id: 'ws_2', name: 'Client B', default: false, api_key: ws.api_key, webhook_url: hook.url, events: ['call_completed'], credits: 1000 },
    ]);
    expect(listed.text).not.toContain(ws.webhook_secret);
    expect((await admin('/')).text).not.toContain(ws.webhook_secret);
    expect((await admin('/vyora/workspaces/ws_2')).body).toEqual((listed.body as unknown[])[1]);

    const made = await trigger(sandbox, ws.api_key);
    sandbox.calls.advance(made.call_id);
    const [got] = await hook.waitFor(1);
    expect(got?.headers['x-vyora-event']).toBe('call_completed');
    expect(verifyWebhook('vyora', { rawBody: got!.body, headers: got!.headers, secret: ws.webhook_secret })).toEqual({ ok: true });
    const given = await admin('/vyora/workspaces', { method: 'POST', body: { api_key: 'vya_live_client_c', webhook_secret: 'c-secret' } });
    expect(given).toMatchObject({ status: 201, body: { id: 'ws_3', name: 'Workspace 3', api_key: 'vya_live_client_c', webhook_secret: 'c-secret', webhook_url: null } });
  });

  test("PUT …/webhook moves a workspace's webhooks and can change its secret; null stops them", async () => {
    const other = await startReceiver();
    try {
      const set = await admin('/vyora/workspaces/ws_3/webhook', { method: 'PUT', body: { url: other.url, secret: 'c-rotated' } });
      expect(set).toMatchObject({ status: 200, body: { id: 'ws_3', webhook_url: other.url, events: ['call_started', 'call_completed', 'all_processing_completed'] } });
      expect(set.text).not.toContain('c-rotated');
      const made = await trigger(sandbox, 'vya_live_client_c');
      sandbox.calls.advance(made.call_id, 'in_progress');
      const [got] = await other.waitFor(1);
      expect(verifyWebhook('vyora', { rawBody: got!.body, headers: got!.headers, secret: 'c-rotated' })).toEqual({ ok: true });

      // Without a secret the workspace keeps its own; the default's is the documented demo secret.
      await admin('/vyora/workspaces/default/webhook', { method: 'PUT', body: { url: other.url, events: ['call_started'] } });
      const fromDefault = await trigger(sandbox, sandbox.keys.vyora);
      sandbox.calls.advance(fromDefault.call_id, 'in_progress');
      const hooks = await other.waitFor(2);
      expect(verifyWebhook('vyora', { rawBody: hooks[1]!.body, headers: hooks[1]!.headers, secret: VYORA_DEMO_WEBHOOK_SECRET })).toEqual({ ok: true });
      expect((await admin('/vyora/webhook')).body).toEqual({ url: other.url, events: ['call_started'], secret_set: true });

      expect(await admin('/vyora/workspaces/ws_3/webhook', { method: 'PUT', body: { url: null } })).toMatchObject({ status: 200, body: { webhook_url: null } });
      await sandbox.settle();
      const before = sandbox.deliveries().length;
      sandbox.calls.advance(made.call_id);
      await sandbox.settle();
      expect(sandbox.deliveries()).toHaveLength(before);
    } finally {
      await other.close();
    }
  });

  test('PUT …/credits sets one workspace\'s credits', async () => {
    expect(await admin('/vyora/workspaces/ws_2/credits', { method: 'PUT', body: { credits: 0 } })).toMatchObject({ status: 200, body: { id: 'ws_2', credits: 0 } });
    expect((await trigger(sandbox, 'vya_test_callbridge_ws_2')).status).toBe(402);
    expect((await trigger(sandbox, 'vya_live_client_c')).status).toBe(200);
    await admin('/vyora/workspaces/ws_2/credits', { method: 'PUT', body: { credits: 10 } });
    expect((await trigger(sandbox, 'vya_test_callbridge_ws_2')).status).toBe(200);
  });

  test('bad input to every workspace route is refused naming the field, and changes nothing', async () => {
    const snapshot = async (): Promise<unknown> => (await admin('/vyora/workspaces')).body;
    const before = await snapshot();
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/vyora/workspaces', { name: '' }, 400, 'name'],
      ['POST', '/vyora/workspaces', { name: 5 }, 400, 'name'],
      ['POST', '/vyora/workspaces', { name: 'x'.repeat(101) }, 400, 'name'],
      ['POST', '/vyora/workspaces', { api_key: 'sk_live_abc' }, 400, 'api_key'],
      ['POST', '/vyora/workspaces', { api_key: 'vya_has space' }, 400, 'api_key'],
      ['POST', '/vyora/workspaces', { api_key: 'vya_live_revoked_1' }, 400, 'api_key'],
      ['POST', '/vyora/workspaces', { api_key: 'vya_test_callbridge_sandbox' }, 409, 'api_key'],
      ['POST', '/vyora/workspaces', { name: 'ok', webhook_secret: '' }, 400, 'webhook_secret'],
      ['POST', '/vyora/workspaces', { webhook_url: 'ftp://example.com/x' }, 400, 'webhook_url'],
      ['POST', '/vyora/workspaces', { webhook_url: 'http://' }, 400, 'webhook_url'],
      ['POST', '/vyora/workspaces', { events: 'all' }, 400, 'events'],
      ['POST', '/vyora/workspaces', { events: ['call_started', 'call_exploded'] }, 400, 'events.1'],
      ['POST', '/vyora/workspaces', { webhookUrl: 'http://127.0.0.1:1/x' }, 400, 'webhookUrl'],
      ['POST', '/vyora/workspaces', ['not', 'an', 'object'], 400, 'body'],
      ['GET', '/vyora/workspaces/ws_99', undefined, 404, 'id'],
      ['PUT', '/vyora/workspaces/ws_99/webhook', { url: 'http://127.0.0.1:1/x' }, 404, 'id'],
      ['PUT', '/vyora/workspaces/ws_2/webhook', {}, 400, 'url'],
      ['PUT', '/vyora/workspaces/ws_2/webhook', { url: 'localhost:3000' }, 400, 'url'],
      ['PUT', '/vyora/workspaces/ws_2/webhook', { url: 'http://127.0.0.1:1/x', secret: '' }, 400, 'secret'],
      ['PUT', '/vyora/workspaces/ws_2/webhook', { url: 'http://127.0.0.1:1/x', events: ['nope'] }, 400, 'events.0'],
      ['PUT', '/vyora/workspaces/ws_2/webhook', { url: 'http://127.0.0.1:1/x', secret: 's', extra: 1 }, 400, 'extra'],
      ['PUT', '/vyora/workspaces/ws_2/credits', { credits: -1 }, 400, 'credits'],
      ['PUT', '/vyora/workspaces/ws_2/credits', { credits: 1.5 }, 400, 'credits'],
      ['PUT', '/vyora/workspaces/ws_2/credits', { credits: '10' }, 400, 'credits'],
      ['PUT', '/vyora/workspaces/ws_2/credits', {}, 400, 'credits'],
      ['PUT', '/vyora/workspaces/ws_2/credits', { credits: 1, workspace: 'ws_3' }, 400, 'workspace'],
      ['PUT', '/vyora/workspaces/ws_99/credits', { credits: 1 }, 404, 'id'],
    ];
    for (const [method, path, body, status, field] of cases) {
      const res = await admin(path, { method, ...(body !== undefined ? { body } : {}) });
      expect({ method, path, body, status: res.status, res: res.body }).toMatchObject({ method, path, body, status, res: { error: { field } } });
    }
    for (const path of ['/vyora/workspaces', '/vyora/workspaces/ws_2/webhook', '/vyora/workspaces/ws_2/credits']) {
      const res = await admin(path, { method: path.endsWith('workspaces') ? 'POST' : 'PUT', rawBody: '{"name": ' });
      expect({ path, status: res.status, res: res.body }).toMatchObject({ path, status: 400, res: { error: { field: 'body' } } });
    }
    expect(await snapshot()).toEqual(before);
  });

  test("a generated key never clashes with one given earlier", async () => {
    const s = await startSandbox();
    try {
      expect(s.vyora.addWorkspace({ apiKey: 'vya_test_callbridge_ws_3' }).id).toBe('ws_2');
      const third = await request(`${s.url}/_sandbox/vyora/workspaces`, { method: 'POST', body: {} });
      expect(third).toMatchObject({ status: 201, body: { id: 'ws_3', api_key: 'vya_test_callbridge_ws_3_2' } });
    } finally {
      await s.close();
    }
  });

  test(`at most ${MAX_VYORA_WORKSPACES} workspaces: the next is refused and nothing is added`, async () => {
    const s = await startSandbox();
    try {
      for (let i = s.vyora.workspaces.length; i < MAX_VYORA_WORKSPACES; i++) s.vyora.addWorkspace();
      const res = await request(`${s.url}/_sandbox/vyora/workspaces`, { method: 'POST', body: {} });
      expect(res).toMatchObject({ status: 409, body: { error: { code: 'conflict', field: 'workspaces' } } });
      expect(s.vyora.workspaces).toHaveLength(MAX_VYORA_WORKSPACES);
    } finally {
      await s.close();
    }
  });
});

test('workspace options the sandbox cannot start with are refused by name', async () => {
  const bad: Array<[object, string]> = [
    [{ vyoraWorkspaces: 'two' }, 'vyoraWorkspaces'],
    [{ vyoraWorkspaces: [null] }, 'vyoraWorkspaces.0'],
    [{ vyoraWorkspaces: [{ apiKey: 'nope' }] }, 'vyoraWorkspaces.0.apiKey'],
    [{ vyoraWorkspaces: [{}, { apiKey: 'vya_test_callbridge_sandbox' }] }, 'vyoraWorkspaces.1.apiKey'],
    [{ vyoraWorkspaces: [{ webhookUrl: 'example.com/hook' }] }, 'vyoraWorkspaces.0.webhookUrl'],
    [{ vyoraWorkspaces: [{ events: ['call_started', 'later'] }] }, 'vyoraWorkspaces.0.events.1'],
    [{ vyoraWebhook: { url: 'http://127.0.0.1:1/x', secret: 's', events: ['x'] } }, 'vyoraWebhook.events.0'],
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
