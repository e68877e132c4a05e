import { Webhook } from 'standardwebhooks';
import {
  api,
  eventually,
  get,
  postHook,
  startReceiver,
  startTestRelay,
  subscribe,
  vyoraEvent,
  type Receiver,
  type TestRelay,
} from './support/harness';

let t: TestRelay;
const receivers: Receiver[] = [];

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

async function ingest(body: string): Promise<string> {
  const res = await postHook(t.url, 'vyora', body);
  expect(res.status).toBe(200);
  return get(res.body, 'id') as string;
}

async function eventDetail(id: string): Promise<unknown> {
  return (await api(t.url, 'GET', `/v1/events/${id}`)).body;
}

/** Waits until the event's delivery to `subId` is in `state`, and returns that delivery. */
async function deliveryIn(eventId: string, subId: string, state: string, timeoutMs = 8000): Promise<unknown> {
  return eventually(async () => {
    const detail = await eventDetail(eventId);
    const d = (get(detail, 'deliveries') as unknown[]).find((x) => get(x, 'subscription_id') === subId);
    return d && get(d, 'state') === state ? d : undefined;
  }, timeoutMs);
}

beforeAll(async () => {
  t = await startTestRelay({ RELAY_RETRY_SCHEDULE: '0.1s,0.2s', RELAY_DELIVERY_TIMEOUT: '0.5s' });
});
afterAll(async () => {
  await t.close();
  await Promise.all(receivers.map((r) => r.close()));
});

describe('delivery', () => {
  test('is a plain JSON envelope signed with Standard Webhooks (checked by the standardwebhooks package), with the subscription headers', async () => {
    const r = await receiver();
    const sub = await subscribe(t.url, `${r.url}/make`, ['vyora.call_completed'], { 'x-make-apikey': 'make-key-123' });
    const raw = vyoraEvent('call_completed');
    const id = await ingest(raw);
    const [got] = await r.waitFor(1);
    if (!got) throw new Error('no delivery');

    expect(got.url).toBe('/make');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-make-apikey']).toBe('make-key-123');
    expect(got.headers['webhook-id']).toBe(id);
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);

    const verified = new Webhook(sub.secret).verify(got.body, {
      'webhook-id': String(got.headers['webhook-id']),
      'webhook-timestamp': String(got.headers['webhook-timestamp']),
      'webhook-signature': String(got.headers['webhook-signature']),
    });
    expect(verified).toEqual({
      id,
      type: 'vyora.call_completed',
      provider: 'vyora',
      source: 'default',
      created_at: '2026-05-24T10:31:00Z',
      data: JSON.parse(raw),
    });
    expect(Object.keys(JSON.parse(got.body) as object)).toEqual(['id', 'type', 'provider', 'source', 'created_at', 'data']);
    // Another subscription's secret does not verify it.
    const other = await subscribe(t.url, `${r.url}/other`, ['aila.*']);
    expect(() =>
      new Webhook(other.secret).verify(got.body, {
        'webhook-id': String(got.headers['webhook-id']),
        'webhook-timestamp': String(got.headers['webhook-timestamp']),
        'webhook-signature': String(got.headers['webhook-signature']),
      }),
    ).toThrow();
    await deliveryIn(id, sub.id, 'succeeded');
  });

  test('filters by event type and fans out to every matching subscription', async () => {
    const completedOnly = await receiver();
    const allVyora = await receiver();
    const ailaOnly = await receiver();
    await subscribe(t.url, completedOnly.url, ['vyora.call_completed']);
    await subscribe(t.url, allVyora.url, ['vyora.*']);
    await subscribe(t.url, ailaOnly.url, ['aila.call.completed']);

    const started = await ingest(vyoraEvent('call_started'));
    const completed = await ingest(vyoraEvent('call_completed'));
    await allVyora.waitFor(2);
    await completedOnly.waitFor(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(allVyora.received.map((x) => x.headers['webhook-id']).sort()).toEqual([started, completed].sort());
    expect(completedOnly.received.map((x) => x.headers['webhook-id'])).toEqual([completed]);
    expect(ailaOnly.received).toHaveLength(0);
  });

  test('a slow receiver does not delay a fast one', async () => {
    // The slow receiver holds every answer until the fast one has had all five: were its
    // deliveries waiting behind the slow ones, they could not arrive, on a busy machine or an
    // idle one. Its own relay, so that no delivery timeout cuts the held requests short.
    const own = await startTestRelay({ RELAY_DELIVERY_TIMEOUT: '120s' });
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = await receiver(() => ({ status: 200, until: held }));
    const fast = await receiver();
    try {
      await subscribe(own.url, slow.url, ['vyora.all_processing_completed']);
      await subscribe(own.url, fast.url, ['vyora.all_processing_completed']);
      for (let i = 0; i < 5; i++) expect((await postHook(own.url, 'vyora', vyoraEvent('all_processing_completed'))).status).toBe(200);
      await fast.waitFor(5, 30_000);
      release();
      // Released, the slow receiver's five are answered and recorded like any others.
      await slow.waitFor(5, 30_000);
      await eventually(async () => ((get((await api(own.url, 'GET', '/v1/deliveries?state=succeeded')).body, 'data') as unknown[]).length === 10 ? true : undefined), 30_000);
    } finally {
      release();
      await own.close();
    }
  }, 90_000);

  test('retries through 500s and timeouts with the same webhook-id, then succeeds', async () => {
    const r = await receiver((_req, n) => (n === 1 ? { status: 500 } : n === 2 ? { status: 200, delayMs: 800 } : { status: 200 }));
    const sub = await subscribe(t.url, r.url, ['vyora.call_completed']);
    const id = await ingest(vyoraEvent('call_completed'));
    const got = await r.waitFor(3);
    expect(new Set(got.map((g) => g.headers['webhook-id']))).toEqual(new Set([id]));
    const d = await deliveryIn(id, sub.id, 'succeeded');
    expect(get(d, 'attempts')).toBe(3);
    const attempts = (get(await eventDetail(id), 'attempts') as unknown[]).filter((a) => get(a, 'subscription_id') === sub.id);
    expect(attempts.map((a) => get(a, 'outcome'))).toEqual(['retry', 'retry', 'success']);
    expect(attempts.map((a) => get(a, 'status'))).toEqual([500, null, 200]);
    expect(String(get(attempts[1], 'error'))).toContain('ETIMEDOUT');
    // Jittered waits: about 0.1 s then 0.2 s (the second after a 0.5 s timeout).
    const gap1 = (got[1] as { at: number }).at - (got[0] as { at: number }).at;
    expect(gap1).toBeGreaterThanOrEqual(70);
  });

  test("honours a 429's Retry-After over the schedule", async () => {
    const r = await receiver((_req, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const sub = await subscribe(t.url, r.url, ['vyora.call_completed']);
    const id = await ingest(vyoraEvent('call_completed'));
    const got = await r.waitFor(2, 5000);
    const gap = (got[1] as { at: number }).at - (got[0] as { at: number }).at;
    expect(gap).toBeGreaterThanOrEqual(950);
    await deliveryIn(id, sub.id, 'succeeded');
  });

  test('410 Gone disables the subscription and nothing more is sent to it', async () => {
    const r = await receiver(() => ({ status: 410 }));
    const sub = await subscribe(t.url, r.url, ['vyora.call_completed']);
    const id = await ingest(vyoraEvent('call_completed'));
    const d = await deliveryIn(id, sub.id, 'dead');
    expect(get(d, 'last_status')).toBe(410);
    const s = await api(t.url, 'GET', `/v1/subscriptions/${sub.id}`);
    expect(get(s.body, 'status')).toBe('disabled');
    expect(get(s.body, 'disabled_reason')).toContain('410');
    await ingest(vyoraEvent('call_completed'));
    await new Promise((res) => setTimeout(res, 300));
    expect(r.received).toHaveLength(1);
    const replay = await api(t.url, 'POST', `/v1/events/${id}/replay`, { subscription_id: sub.id });
    expect(replay.status).toBe(409);
  });

  test('after the last attempt a delivery is dead, inspectable, and replays one by one or in bulk by filter', async () => {
    let healthy = false;
    const r = await receiver(() => ({ status: healthy ? 200 : 503 }));
    const sub = await subscribe(t.url, r.url, ['vyora.call_started']);
    const ids = [await ingest(vyoraEvent('call_started')), await ingest(vyoraEvent('call_started')), await ingest(vyoraEvent('call_started'))];
    for (const id of ids) await deliveryIn(id, sub.id, 'dead');
    expect(r.received).toHaveLength(9); // 1 + 2 retries each

    const dead = await api(t.url, 'GET', `/v1/deliveries?state=dead&subscription_id=${sub.id}`);
    expect(dead.status).toBe(200);
    const deadList = get(dead.body, 'data') as unknown[];
    expect(deadList.map((d) => get(d, 'event_id')).sort()).toEqual([...ids].sort());
    expect(deadList.every((d) => get(d, 'last_status') === 503 && get(d, 'attempts') === 3)).toBe(true);

    healthy = true;
    const one = await api(t.url, 'POST', `/v1/deliveries/${String(get(deadList[0], 'id'))}/replay`);
    expect(one.status).toBe(202);
    expect(one.body).toEqual({ replayed: 1, skipped: 0 });
    await deliveryIn(get(deadList[0], 'event_id') as string, sub.id, 'succeeded');
    expect(r.received).toHaveLength(10);

    const bulk = await api(t.url, 'POST', '/v1/deliveries/replay', { state: 'dead', subscription_id: sub.id });
    expect(bulk.status).toBe(202);
    expect(bulk.body).toEqual({ replayed: 2, skipped: 0 });
    for (const id of ids) await deliveryIn(id, sub.id, 'succeeded');
    expect(r.received).toHaveLength(12);
    // Each event kept its webhook-id through every attempt and the replay.
    for (const id of ids) expect(r.received.filter((x) => x.headers['webhook-id'] === id)).toHaveLength(4);
    expect((await api(t.url, 'POST', '/v1/deliveries/replay', { state: 'bogus' })).status).toBe(400);
  });

  test('an event replays to every subscription, or to one subscribed after it arrived', async () => {
    const early = await receiver();
    const subEarly = await subscribe(t.url, early.url, ['vyora.call_completed']);
    const id = await ingest(vyoraEvent('call_completed'));
    await deliveryIn(id, subEarly.id, 'succeeded');
    const late = await receiver();
    const subLate = await subscribe(t.url, late.url, ['vyora.call_completed']);

    const all = await api(t.url, 'POST', `/v1/events/${id}/replay`);
    expect(all.status).toBe(202);
    expect(get(all.body, 'replayed')).toBeGreaterThanOrEqual(1);
    await early.waitFor(2);
    expect(late.received).toHaveLength(0);

    const toLate = await api(t.url, 'POST', `/v1/events/${id}/replay`, { subscription_id: subLate.id });
    expect(toLate.body).toEqual({ replayed: 1, skipped: 0 });
    const [got] = await late.waitFor(1);
    expect(got?.headers['webhook-id']).toBe(id);
    expect((await api(t.url, 'POST', '/v1/events/evt_nope/replay')).status).toBe(404);
  });

  test('deleting a subscription cancels its pending deliveries', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const sub = await subscribe(t.url, r.url, ['vyora.call_completed']);
    const id = await ingest(vyoraEvent('call_completed'));
    await r.waitFor(1);
    expect((await api(t.url, 'DELETE', `/v1/subscriptions/${sub.id}`)).status).toBe(204);
    const d = await deliveryIn(id, sub.id, 'cancelled');
    expect(get(d, 'last_error')).toBe('subscription deleted');
    await new Promise((res) => setTimeout(res, 400));
    expect(r.received.length).toBeLessThanOrEqual(2);
  });
});
