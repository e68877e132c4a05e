import { CallbridgeError, normalizeWebhook, verifyWebhook } from '@callbridge/core';
import type { RunningSandbox } from '@callbridge/sandbox';
import { call, clientFor, rejection, request, start, startReceiver, type Receiver } from './helpers';

const SECRET = 'vyora_whsec_lifecycle_test';
const TRIGGER = { phone_number: '+919876543210', agent_name: 'Home Loan Agent', custom_args: { name: 'Rahul Sharma', product: 'Home Loan' } };

function parsed(r: { body: string }): Record<string, unknown> {
  return JSON.parse(r.body) as Record<string, unknown>;
}

describe('a Vyora call, end to end: trigger through core, three signed webhooks, analysis after processing', () => {
  let sandbox: RunningSandbox;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    sandbox = await start({ vyoraWebhook: { url: receiver.url, secret: SECRET } });
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });

  test('the three documented events arrive in order, signed as documented, and verify with core', async () => {
    const client = clientFor(sandbox, 'vyora');
    const triggered = (await client.call('calls.trigger', TRIGGER)) as { call_id: string; status: string };
    expect(triggered).toEqual({ call_id: expect.stringMatching(/^[a-z0-9]{9}$/), status: 'registered' });

    const hooks = await receiver.waitFor(3);
    expect(hooks.map((h) => h.headers['x-vyora-event'])).toEqual(['call_started', 'call_completed', 'all_processing_completed']);
    for (const h of hooks) {
      expect(h.headers['user-agent']).toBe('Vyora-Webhooks/1.0');
      expect(h.headers['content-type']).toBe('application/json');
      expect(h.headers['x-vyora-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifyWebhook('vyora', { rawBody: h.body, headers: h.headers, secret: SECRET })).toEqual({ ok: true });
      expect(verifyWebhook('vyora', { rawBody: h.body, headers: h.headers, secret: 'not-the-secret' })).toMatchObject({ ok: false, reason: 'signature_mismatch' });
      const body = parsed(h);
      expect(body['event']).toBe(h.headers['x-vyora-event']);
      expect(body['call_id']).toBe(triggered.call_id);
      expect(body).toMatchObject({ phone_number: '+919876543210', agent_name: 'Home Loan Agent', contact_name: 'Rahul Sharma', direction: 'outbound', custom_args: TRIGGER.custom_args });
      const event = normalizeWebhook('vyora', { rawBody: h.body, headers: h.headers });
      expect(event.type).toBe(`vyora.${String(body['event'])}`);
      expect(event.dedupeKey).toBe(`${String(body['event'])}:${triggered.call_id}`);
    }
    const [started, completed, processed] = hooks.map(parsed) as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    expect(started).toMatchObject({ status: 'in_progress', duration_seconds: null, transcript: null, analysis: null });
    // The call has ended, but transcript and analysis exist only once processing completes.
    expect(completed).toMatchObject({ status: 'completed', transcript: null, analysis: null });
    expect(completed['duration_seconds']).toEqual(expect.any(Number));
    expect(completed['recording_url']).toBe(`https://cdn.vyora.ai/recordings/${triggered.call_id}.mp3`);
    expect(processed['status']).toBe('completed');
    expect(processed['transcript']).toEqual(expect.arrayContaining([{ bot: expect.stringContaining('Rahul') }]));
    expect(processed['analysis']).toEqual({ summary: expect.any(String), classification: expect.any(String) });

    const fetched = (await client.call('calls.get', { call_id: triggered.call_id })) as Record<string, unknown>;
    expect(fetched).toMatchObject({ call_id: triggered.call_id, status: 'completed', analysis: processed['analysis'], transcript: processed['transcript'] });
    expect(sandbox.deliveries().filter((d) => d.provider === 'vyora').every((d) => d.state === 'delivered' && d.attempts.length === 1)).toBe(true);
  });

  test("core's calls.waitForAnalysis polls the sandbox until the analysis is there", async () => {
    const client = clientFor(sandbox, 'vyora');
    const { call_id } = (await client.call('calls.trigger', { phone_number: '+919812345678', agent_name: 'Payment Reminder' })) as { call_id: string };
    const done = (await client.call('calls.waitForAnalysis', { call_id, interval_seconds: 0.1, timeout_seconds: 10 })) as Record<string, unknown>;
    expect(done).toMatchObject({ call_id, status: 'completed', agent_name: 'Payment Reminder' });
    expect(done['analysis']).not.toBeNull();
  });
});

describe('call stages under test control', () => {
  let sandbox: RunningSandbox;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    // Stages that would take a minute: only `advance` moves them.
    sandbox = await start({ timings: { ringMs: 60_000, inProgressMs: 60_000, processingMs: 60_000 }, vyoraWebhook: { url: receiver.url, secret: SECRET } });
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });
  beforeEach(() => {
    sandbox.reset();
    receiver.received.length = 0;
  });

  test('a new call is registered with nothing to show; each advance moves one stage and fires its webhook', async () => {
    const client = clientFor(sandbox, 'vyora');
    const { call_id } = (await client.call('calls.trigger', TRIGGER)) as { call_id: string };
    expect(await client.call('calls.get', { call_id })).toMatchObject({ status: 'registered', duration_seconds: null, recording_url: null, transcript: null, analysis: null });

    expect(sandbox.calls.advance(call_id, 'in_progress')).toMatchObject({ status: 'in_progress' });
    expect((await receiver.waitFor(1)).map((r) => r.headers['x-vyora-event'])).toEqual(['call_started']);

    expect(sandbox.calls.advance(call_id, 'completed')).toMatchObject({ status: 'completed', analysis: null });
    const afterCompleted = (await client.call('calls.get', { call_id })) as Record<string, unknown>;
    expect(afterCompleted['analysis']).toBeNull();
    expect(afterCompleted['transcript']).toBeNull();

    // The admin endpoint does the same over HTTP.
    const res = await call(sandbox, 'vyora', 'GET', '/v1/calls/' + call_id);
    expect(res.status).toBe(200);
    const admin = await request(`${sandbox.url}/_sandbox/vyora/calls/${call_id}/advance`, { method: 'POST', body: {} });
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ status: 'completed', analysis: { classification: expect.any(String) } });
    expect((await receiver.waitFor(3)).map((r) => r.headers['x-vyora-event'])).toEqual(['call_started', 'call_completed', 'all_processing_completed']);
  });

  test('fastForward finishes every call under way', async () => {
    const client = clientFor(sandbox, 'vyora');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(((await client.call('calls.trigger', { ...TRIGGER, phone_number: `+91987654321${i}` })) as { call_id: string }).call_id);
    expect(sandbox.calls.fastForward()).toBe(3);
    for (const call_id of ids) expect(await client.call('calls.get', { call_id })).toMatchObject({ status: 'completed', analysis: expect.any(Object) });
    await receiver.waitFor(9);
    expect(sandbox.calls.fastForward()).toBe(0);
  });

  test('only the subscribed events are delivered', async () => {
    sandbox.vyora.setWebhook({ url: receiver.url, secret: SECRET, events: ['all_processing_completed'] });
    try {
      const { call_id } = (await clientFor(sandbox, 'vyora').call('calls.trigger', TRIGGER)) as { call_id: string };
      sandbox.calls.advance(call_id);
      await sandbox.settle();
      expect(receiver.received.map((r) => r.headers['x-vyora-event'])).toEqual(['all_processing_completed']);
    } finally {
      sandbox.vyora.setWebhook({ url: receiver.url, secret: SECRET });
    }
  });

  test('an invalid stage or unknown call is refused by name', () => {
    expect(() => sandbox.calls.advance('nope_call')).toThrow(/call_id/);
    expect(() => sandbox.calls.advance('abc123xyz', 'ringing' as 'completed')).toThrow(/to: .*in_progress, completed, processed/);
    expect(() => sandbox.vyora.setWebhook({ url: 'ftp://x', secret: SECRET })).toThrow(/webhook\.url/);
    expect(() => sandbox.vyora.setWebhook({ url: receiver.url, secret: SECRET, events: ['call_ended'] })).toThrow(/webhook\.events\.0/);
  });

  test('calls belong to the workspace (key) that made them: another key gets "Call not found"', async () => {
    const { call_id } = (await clientFor(sandbox, 'vyora').call('calls.trigger', TRIGGER)) as { call_id: string };
    const other = await call(sandbox, 'vyora', 'GET', `/v1/calls/${call_id}`, { key: 'vya_live_another_workspace' });
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ error: 'Call not found' });
    const mine = await call(sandbox, 'vyora', 'GET', `/v1/calls/${call_id}`);
    expect(mine.status).toBe(200);
  });

  test('no credits left: "Insufficient credits", as documented', async () => {
    sandbox.vyora.setCredits(1);
    const client = clientFor(sandbox, 'vyora', { retry: { maxAttempts: 1 } });
    await client.call('calls.trigger', TRIGGER);
    const err = await rejection(client.call('calls.trigger', TRIGGER));
    expect(err).toBeInstanceOf(CallbridgeError);
    expect(err).toMatchObject({ status: 402, code: 'insufficient_credits', message: 'Insufficient credits', retryable: false });
  });
});

describe('webhook delivery retries like a real provider', () => {
  test('a receiver that fails twice gets the same signed event a third time', async () => {
    const receiver = await startReceiver((n) => (n <= 2 ? 500 : 200));
    const sandbox = await start({ vyoraWebhook: { url: receiver.url, secret: SECRET, events: ['call_started'] } });
    try {
      const { call_id } = (await clientFor(sandbox, 'vyora').call('calls.trigger', TRIGGER)) as { call_id: string };
      const got = await receiver.waitFor(3);
      expect(new Set(got.map((r) => r.body)).size).toBe(1);
      expect(new Set(got.map((r) => r.headers['x-vyora-signature'])).size).toBe(1);
      expect(JSON.parse(got[0]?.body ?? '{}')).toMatchObject({ event: 'call_started', call_id });
      expect(await sandbox.settle()).toBe(true);
      const [d] = sandbox.deliveries();
      expect(d).toMatchObject({ event: 'call_started', state: 'delivered' });
      expect(d?.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    } finally {
      await sandbox.close();
      await receiver.close();
    }
  });

  test('a receiver that never answers 2xx is given up after the configured attempts; an unreachable one too', async () => {
    const receiver = await startReceiver(() => 503);
    const sandbox = await start({ vyoraWebhook: { url: receiver.url, secret: SECRET, events: ['call_started'] }, webhookRetry: { attempts: 3, baseDelayMs: 10 } });
    try {
      await clientFor(sandbox, 'vyora').call('calls.trigger', TRIGGER);
      await receiver.waitFor(3);
      expect(await sandbox.settle()).toBe(true);
      const [d] = sandbox.deliveries();
      expect(d).toMatchObject({ state: 'failed' });
      expect(d?.attempts.map((a) => a.status)).toEqual([503, 503, 503]);

      await receiver.close();
      sandbox.vyora.setWebhook({ url: receiver.url, secret: SECRET, events: ['call_started'] });
      await clientFor(sandbox, 'vyora').call('calls.trigger', TRIGGER);
      await new Promise((r) => setTimeout(r, 50));
      expect(await sandbox.settle()).toBe(true);
      const last = sandbox.deliveries().at(-1);
      expect(last?.state).toBe('failed');
      expect(last?.attempts).toHaveLength(3);
      expect(last?.attempts.every((a) => a.status === null && typeof a.error === 'string')).toBe(true);
    } finally {
      await sandbox.close();
      await receiver.close();
    }
  });
});
