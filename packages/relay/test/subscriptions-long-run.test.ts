import { Webhook } from 'standardwebhooks';
import { api, eventually, get, postHook, startBackendRelay, startReceiver, testBackends, vyoraEvent, type Backend, type Receiver, type TestRelay } from './support/harness';
import { dropTestSchemas, PG_SKIP_NOTE, PG_URL } from './support/postgres';

/**
 * Subscriptions you can live with, through the real relay on each backend: PATCH of every
 * field (and bad input for each, changing nothing), disable and enable, auto-disable, secret
 * rotation checked by the official standardwebhooks package, test deliveries, filters and
 * filter-test, rate limits, and retention.
 */
afterAll(dropTestSchemas);
if (!PG_URL) describe.skip(PG_SKIP_NOTE, () => test('the long-run subscription suite against PostgreSQL', () => undefined));

function verify(secret: string, r: { body: string; headers: Record<string, unknown> }): unknown {
  return new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  });
}

async function create(t: TestRelay, body: Record<string, unknown>): Promise<{ id: string; secret: string; body: unknown }> {
  const res = await api(t.url, 'POST', '/v1/subscriptions', body);
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  return { id: get(res.body, 'id') as string, secret: get(res.body, 'secret') as string, body: res.body };
}

describe.each(testBackends())('%s', (backend: Backend) => {
  let t: TestRelay;
  let rx: Receiver;
  beforeEach(async () => {
    rx = await startReceiver();
    t = await startBackendRelay(backend, { RELAY_SECRET_OVERLAP: '3s', RELAY_RATE_LIMIT: '0' });
  });
  afterEach(async () => {
    await t.close();
    await rx.close();
  });

  test('create and read carry every field; PATCH changes only what it names and answers the result', async () => {
    const sub = await create(t, {
      target_url: `${rx.url}/a`,
      events: ['vyora.*'],
      description: 'Client A leads',
      filter: { 'data.duration_seconds': { $gte: 30 } },
      rate_limit_per_second: 0.5,
      headers: { 'x-make-apikey': 'make-secret' },
    });
    expect(sub.body).toMatchObject({
      description: 'Client A leads',
      filter: { 'data.duration_seconds': { $gte: 30 } },
      rate_limit_per_second: 0.5,
      sources: null,
      status: 'active',
      disabled_reason: null,
      previous_secret_expires_at: null,
      headers: { 'x-make-apikey': '********' },
    });
    const patched = await api(t.url, 'PATCH', `/v1/subscriptions/${sub.id}`, {
      target_url: `${rx.url}/b`,
      events: ['vyora.call_completed'],
      description: null,
      filter: null,
      rate_limit_per_second: null,
      headers: {},
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ target_url: `${rx.url}/b`, events: ['vyora.call_completed'], description: null, filter: null, rate_limit_per_second: null, headers: {} });
    expect(get(patched.body, 'secret')).toBeUndefined();
    const listed = await api(t.url, 'GET', '/v1/subscriptions');
    expect(get(listed.body, 'data.0.target_url')).toBe(`${rx.url}/b`);
  });

  test.each([
    ['target_url', { target_url: 'ftp://example.com/x' }, /target_url/],
    ['events', { events: ['vyora.nope'] }, /events\.0/],
    ['headers', { headers: { 'x-bad': 'a\u0001b' } }, /headers\.x-bad/],
    ['description', { description: 'x'.repeat(501) }, /description/],
    ['filter ($where)', { filter: { $where: 'sleep(1)' } }, /filter: \$where/],
    ['filter (too deep)', { filter: { $and: [{ $and: [{ $and: [{ $and: [{ $and: [{ $and: [{ $and: [{ $and: [{ a: 1 }] }] }] }] }] }] }] }] } }, /filter: .*deeper than 8/],
    ['filter (unsafe regex)', { filter: { 'data.x': { $regex: '(a+)+$' } } }, /filter: .*exponential/],
    ['filter (not an object)', { filter: 'data.x == 1' }, /filter/],
    ['rate_limit_per_second', { rate_limit_per_second: 0 }, /rate_limit_per_second/],
    ['sources', { sources: ['src_doesnotexist'] }, /sources\.0/],
    ['status', { status: 'paused' }, /status/],
    ['an unknown field', { colour: 'blue' }, /colour: is not a field/],
    ['an empty body', {}, /must change at least one/],
  ])('PATCH with a bad %s answers 400 naming it and changes nothing', async (_what, body, message) => {
    const sub = await create(t, { target_url: `${rx.url}/a`, events: ['vyora.*'], description: 'keep me' });
    const before = await api(t.url, 'GET', `/v1/subscriptions/${sub.id}`);
    const res = await api(t.url, 'PATCH', `/v1/subscriptions/${sub.id}`, body);
    expect(res.status).toBe(400);
    expect(get(res.body, 'error.code')).toBe('validation_error');
    expect(get(res.body, 'error.message')).toMatch(message);
    expect((await api(t.url, 'GET', `/v1/subscriptions/${sub.id}`)).body).toEqual(before.body);
  });

  test('disabling cancels pending deliveries, nothing is sent while disabled, enabling takes new events; cancelled ones replay by state', async () => {
    rx.respond = () => ({ status: 503 });
    const sub = await create(t, { target_url: `${rx.url}/d`, events: ['vyora.*'] });
    await postHook(t.url, 'vyora', vyoraEvent());
    await rx.waitFor(1);
    const off = await api(t.url, 'PATCH', `/v1/subscriptions/${sub.id}`, { status: 'disabled' });
    expect(off.body).toMatchObject({ status: 'disabled', disabled_reason: 'disabled by PATCH' });
    const cancelled = await eventually(async () => {
      const r = await api(t.url, 'GET', `/v1/deliveries?subscription_id=${sub.id}&state=cancelled`);
      return (get(r.body, 'data') as unknown[]).length === 1 ? r : undefined;
    });
    expect(get(cancelled.body, 'data.0.last_error')).toBe('subscription disabled: disabled by PATCH');
    await postHook(t.url, 'vyora', vyoraEvent());
    rx.respond = () => ({ status: 200 });
    const on = await api(t.url, 'PATCH', `/v1/subscriptions/${sub.id}`, { status: 'active' });
    expect(on.body).toMatchObject({ status: 'active', disabled_reason: null });
    const fresh = await postHook(t.url, 'vyora', vyoraEvent());
    const got = await rx.waitFor(2);
    expect(JSON.parse(got[1]!.body)).toMatchObject({ id: get(fresh.body, 'id') });
    const replay = await api(t.url, 'POST', '/v1/deliveries/replay', { state: 'cancelled', subscription_id: sub.id });
    expect(replay.body).toEqual({ replayed: 1, skipped: 0 });
    await rx.waitFor(3);
  });

  test('a 410 disables the subscription with its reason', async () => {
    rx.respond = (r) => ({ status: r.url === '/gone' ? 410 : 500 });
    const gone = await create(t, { target_url: `${rx.url}/gone`, events: ['vyora.*'] });
    await postHook(t.url, 'vyora', vyoraEvent());
    const disabled = await eventually(async () => {
      const r = await api(t.url, 'GET', `/v1/subscriptions/${gone.id}`);
      return get(r.body, 'status') === 'disabled' ? r : undefined;
    });
    expect(get(disabled.body, 'disabled_reason')).toBe('the receiver answered 410 Gone');
  });

  test('rotation: during the overlap each delivery verifies with the new secret and with the old one; afterwards with the new only', async () => {
    const sub = await create(t, { target_url: `${rx.url}/r`, events: ['vyora.*'] });
    const rotated = await api(t.url, 'POST', `/v1/subscriptions/${sub.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const next = get(rotated.body, 'secret') as string;
    expect(next).toMatch(/^whsec_/);
    expect(next).not.toBe(sub.secret);
    expect(Date.parse(get(rotated.body, 'previous_secret_expires_at') as string)).toBeGreaterThan(Date.now());
    expect(get((await api(t.url, 'GET', `/v1/subscriptions/${sub.id}`)).body, 'secret')).toBe(next);
    await postHook(t.url, 'vyora', vyoraEvent());
    const [during] = await rx.waitFor(1);
    expect(String(during!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(next, during!)).toMatchObject({ type: 'vyora.call_completed' });
    expect(verify(sub.secret, during!)).toMatchObject({ type: 'vyora.call_completed' });
    await new Promise((r) => setTimeout(r, 3_100));
    await postHook(t.url, 'vyora', vyoraEvent());
    const after = (await rx.waitFor(2))[1]!;
    expect(verify(next, after)).toMatchObject({ type: 'vyora.call_completed' });
    expect(() => verify(sub.secret, after)).toThrow();
    expect(get((await api(t.url, 'GET', `/v1/subscriptions/${sub.id}`)).body, 'previous_secret_expires_at')).toBeNull();
  });

  test("a test delivery sends the documents' sample, marked test, signed, retried, its attempts recorded", async () => {
    rx.respond = (_r, n) => ({ status: n === 1 ? 500 : 200 });
    const sub = await create(t, { target_url: `${rx.url}/t`, events: ['vyora.*'] });
    const res = await api(t.url, 'POST', `/v1/subscriptions/${sub.id}/test`, { type: 'vyora.call_completed' });
    expect(res.status).toBe(202);
    const eventId = get(res.body, 'event_id') as string;
    const [first, second] = await rx.waitFor(2);
    const body = verify(sub.secret, second!) as Record<string, unknown>;
    expect(body).toMatchObject({ id: eventId, type: 'vyora.call_completed', source: 'test', test: true });
    expect(body['data']).toMatchObject({ call_id: 'abc123xyz', analysis: { classification: 'Interested' } });
    expect(first!.headers['webhook-id']).toBe(second!.headers['webhook-id']);
    const detail = await eventually(async () => {
      const r = await api(t.url, 'GET', `/v1/events/${eventId}`);
      return (get(r.body, 'attempts') as unknown[]).length === 2 ? r : undefined;
    });
    expect(get(detail.body, 'test')).toBe(true);
    expect((get(detail.body, 'attempts') as Array<{ status: number }>).map((a) => a.status)).toEqual([500, 200]);
    // Not a documented type, or one the subscription does not take: refused, nothing sent.
    const bad = await api(t.url, 'POST', `/v1/subscriptions/${sub.id}/test`, { type: 'vyora.call_exploded' });
    expect([bad.status, get(bad.body, 'error.details.0.field')]).toEqual([400, 'type']);
    const other = await api(t.url, 'POST', `/v1/subscriptions/${sub.id}/test`, { type: 'aila.call.completed' });
    expect([other.status, get(other.body, 'error.details.0.field')]).toEqual([400, 'type']);
    expect(rx.received).toHaveLength(2);
  });

  test('a filter delivers matching events only, counts the rest, and filter-test tries one on a stored event or a body', async () => {
    const sub = await create(t, {
      target_url: `${rx.url}/f`,
      events: ['vyora.*'],
      filter: { 'data.analysis.classification': { $in: ['Interested'] }, 'data.duration_seconds': { $gte: 30 } },
    });
    const hot = await postHook(t.url, 'vyora', vyoraEvent('all_processing_completed', { duration_seconds: 45, analysis: { classification: 'Interested' } }));
    const cold = await postHook(t.url, 'vyora', vyoraEvent('all_processing_completed', { duration_seconds: 45, analysis: { classification: 'Not interested' } }));
    await rx.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.received.map((r) => (JSON.parse(r.body) as { id: string }).id)).toEqual([get(hot.body, 'id')]);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_events_filtered_total\{provider="vyora",type="vyora.all_processing_completed"\} 1/);
    const tryStored = await api(t.url, 'POST', `/v1/subscriptions/${sub.id}/filter-test`, { event_id: get(cold.body, 'id') });
    expect(tryStored.body).toEqual({ matches: false });
    const tryUnsaved = await api(t.url, 'POST', `/v1/subscriptions/${sub.id}/filter-test`, {
      event_id: get(cold.body, 'id'),
      filter: { 'data.analysis.classification': 'Not interested' },
    });
    expect(tryUnsaved.body).toEqual({ matches: true });
    const tryBody = await api(t.url, 'POST', `/v1/subscriptions/${sub.id}/filter-test`, { payload: { data: { duration_seconds: 99, analysis: { classification: 'Interested' } } } });
    expect(tryBody.body).toEqual({ matches: true });
    const both = await api(t.url, 'POST', `/v1/subscriptions/${sub.id}/filter-test`, { payload: {}, event_id: 'evt_x' });
    expect(both.status).toBe(400);
  });

  test('a rate limit spaces attempts: at most 5 start in any second at 5/s, and waiting is not an attempt', async () => {
    const sub = await create(t, { target_url: `${rx.url}/slow`, events: ['vyora.*'], rate_limit_per_second: 5 });
    const n = 7;
    for (let i = 0; i < n; i++) await postHook(t.url, 'vyora', vyoraEvent());
    const got = await rx.waitFor(n, 15_000);
    // When each attempt started, as the relay recorded it.
    const starts: number[] = [];
    for (const r of got) {
      const detail = await api(t.url, 'GET', `/v1/events/${(JSON.parse(r.body) as { id: string }).id}`);
      starts.push(...(get(detail.body, 'attempts') as Array<{ started_at: string }>).map((a) => Date.parse(a.started_at)));
    }
    starts.sort((x, y) => x - y);
    expect(starts).toHaveLength(n);
    // Slots are 200 ms apart; an attempt starts a few ms after its slot is claimed, so allow
    // that much: never 6 starts within 950 ms, never two within 150 ms.
    for (let i = 0; i + 5 < starts.length; i++) expect(starts[i + 5]! - starts[i]!).toBeGreaterThanOrEqual(950);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(150);
    const attempts = await eventually(async () => {
      const done = await api(t.url, 'GET', `/v1/deliveries?subscription_id=${sub.id}&state=succeeded`);
      const list = (get(done.body, 'data') as Array<{ attempts: number }>).map((d) => d.attempts);
      return list.length === n ? list : undefined;
    });
    expect(attempts).toEqual(new Array(n).fill(1));
  });
});

describe.each(testBackends())('auto-disable on %s', (backend: Backend) => {
  test('a subscription whose every delivery fails for RELAY_DISABLE_AFTER is disabled, with the reason', async () => {
    const rx = await startReceiver((r) => ({ status: r.url === '/down' ? 500 : 200 }));
    const t = await startBackendRelay(backend, { RELAY_DISABLE_AFTER: '1s', RELAY_RETRY_SCHEDULE: '0.3s,0.3s,0.3s,0.3s,0.3s,0.3s,0.3s,0.3s' });
    try {
      const down = await create(t, { target_url: `${rx.url}/down`, events: ['vyora.*'] });
      const up = await create(t, { target_url: `${rx.url}/up`, events: ['vyora.*'] });
      await postHook(t.url, 'vyora', vyoraEvent());
      const off = await eventually(async () => {
        const r = await api(t.url, 'GET', `/v1/subscriptions/${down.id}`);
        return get(r.body, 'status') === 'disabled' ? r : undefined;
      }, 10_000);
      expect(get(off.body, 'disabled_reason')).toBe('every delivery failed for 1s');
      expect(get((await api(t.url, 'GET', `/v1/subscriptions/${up.id}`)).body, 'status')).toBe('active');
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(metrics).toContain('relay_subscriptions_disabled_total{reason="failing"} 1');
    } finally {
      await t.close();
      await rx.close();
    }
  });
});

describe.each(testBackends())('retention on %s', (backend: Backend) => {
  test('events past RELAY_RETENTION go once delivered; one still pending stays', async () => {
    const rx = await startReceiver((r) => ({ status: r.url === '/stuck' ? 500 : 200 }));
    const t = await startBackendRelay(backend, { RELAY_RETENTION: '1s', RELAY_PRUNE_INTERVAL: '200ms', RELAY_RETRY_SCHEDULE: '1h' });
    try {
      await create(t, { target_url: `${rx.url}/ok`, events: ['vyora.call_completed'] });
      await create(t, { target_url: `${rx.url}/stuck`, events: ['vyora.call_started'] });
      const done = await postHook(t.url, 'vyora', vyoraEvent('call_completed'));
      const stuck = await postHook(t.url, 'vyora', vyoraEvent('call_started'));
      await rx.waitFor(2);
      await eventually(async () => ((await api(t.url, 'GET', `/v1/events/${get(done.body, 'id')}`)).status === 404 ? true : undefined), 10_000);
      expect((await api(t.url, 'GET', `/v1/events/${get(stuck.body, 'id')}`)).status).toBe(200);
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(metrics).toMatch(/relay_pruned_total\{table="events"\} [1-9]/);
    } finally {
      await t.close();
      await rx.close();
    }
  });
});
