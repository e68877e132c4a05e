import { startSandbox, SandboxOptionError, sandboxBanner, type RunningSandbox } from '@callbridge/sandbox';
import { request, start, startReceiver } from './helpers';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await start({ timings: { ringMs: 60_000 } });
});
afterAll(() => sandbox.close());

test('the info endpoint and the banner tell where each provider is and which keys it takes', async () => {
  const info = await request(`${sandbox.url}/_sandbox`);
  expect(info.status).toBe(200);
  expect(info.body).toMatchObject({
    url: sandbox.url,
    providers: {
      vyora: { base_url: `${sandbox.url}/vyora`, demo_key: sandbox.keys.vyora, keys: expect.stringContaining('vya_') },
      ayla: { base_url: `${sandbox.url}/ayla`, rate_limit: [{ requests: 10, perMs: 1000 }, { requests: 10000, perMs: 86400000 }] },
      ayra: { read_only_key: sandbox.readOnlyKeys.ayra },
    },
    aila: { organization_id: 'org_5tq81' },
  });
  expect((await request(`${sandbox.url}/healthz`)).body).toEqual({ ok: true });
  const banner = sandboxBanner(sandbox);
  for (const id of ['ayra', 'vyora', 'aila', 'ayla'] as const) expect(banner).toContain(`${id.toUpperCase()}_BASE_URL=${sandbox.urls[id]}`);
  expect(banner).toContain(`VYORA_API_KEY=${sandbox.keys.vyora}`);
});

test("Vyora's workspace webhook is set over HTTP; the secret is never shown back", async () => {
  const receiver = await startReceiver();
  try {
    const set = await request(`${sandbox.url}/_sandbox/vyora/webhook`, { method: 'PUT', body: { url: receiver.url, secret: 'shh-secret', events: ['call_started'] } });
    expect(set).toMatchObject({ status: 200, body: { url: receiver.url, events: ['call_started'], secret_set: true } });
    expect(set.text).not.toContain('shh-secret');
    expect((await request(`${sandbox.url}/_sandbox`)).text).not.toContain('shh-secret');
    const bad = await request(`${sandbox.url}/_sandbox/vyora/webhook`, { method: 'PUT', body: { url: receiver.url } });
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'secret' } } });
    const badEvent = await request(`${sandbox.url}/_sandbox/vyora/webhook`, { method: 'PUT', body: { url: receiver.url, secret: 's', events: ['nope'] } });
    expect(badEvent).toMatchObject({ status: 400, body: { error: { field: 'events.0' } } });

    const { call_id } = (await request(`${sandbox.urls.vyora}/v1/calls`, {
      method: 'POST',
      headers: { 'x-api-key': sandbox.keys.vyora },
      body: { phone_number: '+919876543210', agent_name: 'Home Loan Agent' },
    })).body as { call_id: string };
    expect((await request(`${sandbox.url}/_sandbox/vyora/calls/${call_id}/advance`, { method: 'POST', body: { to: 'in_progress' } })).body).toMatchObject({ status: 'in_progress' });
    await receiver.waitFor(1);
    await sandbox.settle();
    const deliveries = (await request(`${sandbox.url}/_sandbox/deliveries`)).body as Array<Record<string, unknown>>;
    expect(deliveries.at(-1)).toMatchObject({ provider: 'vyora', event: 'call_started', state: 'delivered', url: receiver.url });
    expect((await request(`${sandbox.url}/_sandbox/fast-forward`, { method: 'POST' })).body).toEqual({ advanced: 1 });
    expect((await request(`${sandbox.url}/_sandbox/vyora/webhook`, { method: 'DELETE' })).body).toBeNull();
  } finally {
    await receiver.close();
  }
});

test('admin mistakes are named: unknown endpoint, bad JSON, unknown call or stage, bad credits, unknown Aila event', async () => {
  const cases: Array<[string, string, unknown, number, string]> = [
    ['GET', '/_sandbox/nothing-here', undefined, 404, 'path'],
    ['POST', '/_sandbox/vyora/calls/nope/advance', {}, 404, 'call_id'],
    ['POST', '/_sandbox/vyora/calls/abc123xyz/advance', { to: 'ringing' }, 400, 'to'],
    ['POST', '/_sandbox/ayra/executions/exec_nope/advance', {}, 404, 'id'],
    ['PUT', '/_sandbox/vyora/credits', { credits: -1 }, 400, 'credits'],
    ['POST', '/_sandbox/aila/events', { event: 'call.done' }, 400, 'event'],
    ['POST', '/_sandbox/faults', { provider: 'nobody', operation: '*', status: 500 }, 400, 'provider'],
  ];
  for (const [method, path, body, status, field] of cases) {
    const res = await request(`${sandbox.url}${path}`, { method, ...(body !== undefined ? { body } : {}) });
    expect({ path, status: res.status, body: res.body }).toMatchObject({ path, status, body: { error: { field } } });
  }
  const raw = await request(`${sandbox.url}/_sandbox/reset`, { method: 'POST', rawBody: '{oops' });
  expect(raw).toMatchObject({ status: 400, body: { error: { field: 'body' } } });
});

test('options the sandbox cannot start with are refused by name, and nothing is left listening', async () => {
  const bad: Array<[object, string]> = [
    [{ port: 70000 }, 'port'],
    [{ timings: { ringMs: -1 } }, 'timings.ringMs'],
    [{ timings: { ringTime: 5 } }, 'timings.ringTime'],
    [{ rateLimits: { vyora: { requests: 0, perMs: 1000 } } }, 'rateLimits.vyora.requests'],
    [{ rateLimits: { twilio: false } }, 'rateLimits.twilio'],
    [{ vyoraWebhook: { url: 'localhost:3000', secret: 's' } }, 'vyoraWebhook.url'],
    [{ vyoraWebhook: { url: 'http://127.0.0.1:1/x', secret: '' } }, 'vyoraWebhook.secret'],
    [{ webhookRetry: { attempts: 0 } }, 'webhookRetry.attempts'],
    [{ seed: 'one' }, 'seed'],
  ];
  for (const [options, field] of bad) {
    const err = await startSandbox(options as never).then(
      (s) => s.close().then(() => undefined),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SandboxOptionError);
    expect((err as SandboxOptionError).field).toBe(field);
  }
});

test('close() is idempotent and refuses new connections', async () => {
  const s = await startSandbox();
  await Promise.all([s.close(), s.close()]);
  await expect(request(`${s.url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
});
