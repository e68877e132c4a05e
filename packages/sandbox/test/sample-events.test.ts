import { getProvider, normalizeWebhook, verifyWebhook, type ProviderId } from '@callbridge/core';
import { buildSampleEvent, SampleEventError, sendSampleEvent } from '@callbridge/sandbox';
import { startReceiver } from './helpers';

const SECRET = 'sample_secret_0001';
const WITH_WEBHOOKS: ProviderId[] = ['vyora', 'aila', 'ayra'];

const ALL = WITH_WEBHOOKS.flatMap((p) => (getProvider(p).webhooks?.events ?? []).map((e) => [p, e] as const));

test.each(ALL)('%s %s: a signed sample that core verifies and normalizes', (provider, event) => {
  const sample = buildSampleEvent(provider, event, { secret: SECRET });
  expect(verifyWebhook(provider, { rawBody: sample.body, headers: sample.headers, secret: SECRET })).toEqual({ ok: true });
  expect(verifyWebhook(provider, { rawBody: sample.body, headers: sample.headers, secret: 'other' }).ok).toBe(false);
  const normalized = normalizeWebhook(provider, { rawBody: sample.body, headers: sample.headers });
  expect(normalized).toMatchObject({ provider, event, type: `${provider}.${event}` });
  const eventHeader = Object.entries(sample.headers).find(([k]) => k.toLowerCase() === `x-${provider}-event`)?.[1];
  expect(eventHeader).toBe(event);
  expect(sample.headers['Content-Type']).toBe('application/json');
  expect(buildSampleEvent(provider, event, { secret: SECRET })).toEqual(sample);
});

test.each(ALL)("%s %s: the body is core's sample, as the sandbox sends it", (provider, event) => {
  const core = getProvider(provider).webhooks?.samples?.[event];
  expect(core).toBeDefined();
  const body = buildSampleEvent(provider, event).body;
  if (provider === 'vyora' && event === 'call_completed') {
    // The one departure (README "Provider notes"): no transcript or analysis before processing.
    expect(JSON.parse(body)).toEqual({ ...core, transcript: null, analysis: null });
    expect((core as { transcript: unknown }).transcript).not.toBeNull();
  } else {
    expect(body).toBe(JSON.stringify(core));
  }
});

test('Vyora samples carry the documented headers; unsigned without a secret', () => {
  const sample = buildSampleEvent('vyora', 'call_started');
  expect(sample.headers).toEqual({ 'Content-Type': 'application/json', 'X-Vyora-Event': 'call_started', 'User-Agent': 'Vyora-Webhooks/1.0' });
  expect(JSON.parse(sample.body)).toMatchObject({ event: 'call_started', call_id: 'abc123xyz', status: 'in_progress', analysis: null });
});

test('bad requests for samples are refused by name', () => {
  const fails = (p: string, e: string): SampleEventError => {
    try {
      buildSampleEvent(p, e);
    } catch (err) {
      return err as SampleEventError;
    }
    throw new Error('expected a refusal');
  };
  expect(fails('ayla', 'anything')).toMatchObject({ field: 'provider', message: expect.stringContaining('sends no webhooks') });
  expect(fails('twilio', 'x')).toMatchObject({ field: 'provider' });
  expect(fails('vyora', 'call_ended')).toMatchObject({ field: 'event', message: expect.stringContaining('call_started, call_completed, all_processing_completed') });
});

test('sendSampleEvent posts the signed sample and reports the receiver\'s answer', async () => {
  const receiver = await startReceiver((n) => (n === 1 ? 200 : 401));
  try {
    const ok = await sendSampleEvent('aila', 'call.completed', { to: receiver.url, secret: SECRET });
    expect(ok.status).toBe(200);
    const [got] = await receiver.waitFor(1);
    expect(got?.headers['x-aila-event']).toBe('call.completed');
    expect(verifyWebhook('aila', { rawBody: got?.body ?? '', headers: got?.headers ?? {}, secret: SECRET })).toEqual({ ok: true });
    expect((await sendSampleEvent('aila', 'call.completed', { to: receiver.url })).status).toBe(401);
  } finally {
    await receiver.close();
  }
  const unreachable = await sendSampleEvent('vyora', 'call_started', { to: receiver.url, timeoutMs: 500 });
  expect(unreachable).toMatchObject({ status: null, error: expect.any(String) });
});
