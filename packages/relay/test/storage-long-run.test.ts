import type { ClaimRequest, ConfigChange, DeliveryOutcome, RelayStorage } from '../src/storage/types';
import { storageBackends, storagePerTest, testEvent as event } from './support/backends';
import { dropTestSchemas } from './support/postgres';

/**
 * What the long-run issue added to storage, on every backend: filters and sources at
 * fan-out, editing and disabling subscriptions, secret rotation, test deliveries, rate
 * limits in claims, auto-disable, retention, sources, tokens, scopes and secret fields.
 */
const backends = storageBackends();
afterAll(dropTestSchemas);

async function subscription(s: RelayStorage, id: string, extra: Partial<Parameters<RelayStorage['createSubscription']>[0]> = {}): Promise<void> {
  await s.createSubscription({
    id,
    targetUrl: `http://127.0.0.1:9/${id}`,
    events: ['*'],
    headers: {},
    secret: `whsec_${id}`,
    createdAt: '2026-01-01T00:00:00Z',
    ...extra,
  });
}

const claim = (s: RelayStorage, now: number, extra: Partial<ClaimRequest> = {}) =>
  s.claimDue({ now, limit: 100, leaseMs: 10_000, owner: 'w', perSubscriptionLimit: 100, inFlight: new Map(), ...extra });

function outcome(deliveryId: number, subscriptionId: string, kind: DeliveryOutcome['kind'], startedAt: number): DeliveryOutcome {
  return {
    deliveryId,
    subscriptionId,
    owner: 'w',
    kind,
    ...(kind === 'retry' ? { nextAttemptAt: startedAt + 1 } : {}),
    attempt: { attempt: 1, startedAt, durationMs: 1, status: kind === 'success' ? 200 : 500, error: null, responseBody: null },
  };
}

async function pendingFor(s: RelayStorage, subscriptionId: string): Promise<string[]> {
  return (await s.listDeliveries({ subscriptionId, state: 'pending', limit: 100 })).items.map((d) => d.eventId);
}

describe.each(backends)('%s', (_name, open) => {
  const storage = storagePerTest(open);
  let s: RelayStorage;
  beforeEach(() => {
    s = storage();
  });

  test('a filter takes only matching events; the rest count as filtered; changing it applies to the next event', async () => {
    const filter = JSON.stringify({ 'data.analysis.classification': 'Interested', 'data.duration_seconds': { $gte: 30 } });
    await subscription(s, 'sub_f', { filter, events: ['vyora.*'] });
    await subscription(s, 'sub_all');
    const hot = event('vyora.all_processing_completed', 1_000, { data: JSON.stringify({ duration_seconds: 45, analysis: { classification: 'Interested' } }) });
    const short = event('vyora.all_processing_completed', 1_000, { data: JSON.stringify({ duration_seconds: 5, analysis: { classification: 'Interested' } }) });
    const other = event('aila.call.completed', 1_000, { data: JSON.stringify({ duration_seconds: 45 }) });
    const results = await s.ingest([hot, short, other]);
    expect(results.map((r) => [r.deliveries, r.filtered])).toEqual([
      [2, 0],
      [1, 1],
      [1, 0], // aila is not among sub_f's types: not filtered, just not wanted
    ]);
    expect(await pendingFor(s, 'sub_f')).toEqual([hot.id]);
    // The body a filter sees is the delivery body: `source` and `type` are there too.
    await s.updateSubscription('sub_f', { filter: JSON.stringify({ source: 'default', type: 'vyora.call_started' }) }, 2_000);
    const started = event('vyora.call_started');
    expect((await s.ingest([started, event('vyora.call_completed')])).map((r) => r.filtered)).toEqual([0, 1]);
    expect(await pendingFor(s, 'sub_f')).toEqual([started.id, hot.id]);
    await s.updateSubscription('sub_f', { filter: null }, 3_000);
    expect((await s.ingest([event('vyora.call_completed')]))[0]).toMatchObject({ deliveries: 2, filtered: 0 });
  });

  test('sources on a subscription limit its events; events keep their source', async () => {
    await subscription(s, 'sub_a', { sources: ['src_clientaaaa'] });
    await subscription(s, 'sub_default', { sources: ['default'] });
    await subscription(s, 'sub_any');
    const a = event('vyora.call_completed', 1_000, { source: 'src_clientaaaa' });
    const b = event('vyora.call_completed', 1_000, { source: 'src_clientbbbb' });
    const d = event('vyora.call_completed');
    expect((await s.ingest([a, b, d])).map((r) => r.deliveries)).toEqual([2, 1, 2]);
    expect(await pendingFor(s, 'sub_a')).toEqual([a.id]);
    expect(await pendingFor(s, 'sub_default')).toEqual([d.id]);
    expect((await s.getEvent(a.id))?.source).toBe('src_clientaaaa');
    expect((await s.getEvent(d.id))?.source).toBe('default');
    expect((await s.listEvents({ limit: 10, source: 'src_clientbbbb' })).items.map((e) => e.id)).toEqual([b.id]);
    expect((await s.listEvents({ limit: 10, scope: ['src_clientaaaa', 'default'] })).items.map((e) => e.id)).toEqual([d.id, a.id]);
    expect((await s.listDeliveries({ limit: 10, scope: ['src_clientbbbb'] })).items.map((x) => [x.eventId, x.source])).toEqual([[b.id, 'src_clientbbbb']]);
    // A scoped listing shows only subscriptions limited to sources within the scope.
    expect((await s.listSubscriptions(10, undefined, ['src_clientaaaa'])).items.map((x) => x.id)).toEqual(['sub_a']);
    expect((await s.listSubscriptions(10, undefined, ['src_clientaaaa', 'default'])).items.map((x) => x.id)).toEqual(['sub_a', 'sub_default']);
    expect((await s.listSubscriptions(10)).items).toHaveLength(3);
  });

  test('the same provider event from two sources is two events (dedupe keys are per source)', async () => {
    const one = event('vyora.call_completed', 1_000, { source: 'src_clientaaaa', dedupeKey: 'src_clientaaaa:call_completed:c1', id: 'evt_same_call_a' });
    const two = event('vyora.call_completed', 1_000, { source: 'src_clientbbbb', dedupeKey: 'src_clientbbbb:call_completed:c1', id: 'evt_same_call_b' });
    const results = await s.ingest([one, two, { ...one }]);
    expect(results.map((r) => r.duplicate)).toEqual([false, false, true]);
  });

  test('patching changes only the given fields; disabling cancels pending deliveries; enabling takes new events only', async () => {
    await subscription(s, 'sub_p', { description: 'first', rateLimitPerSecond: 2 });
    await s.ingest([event(), event()]);
    const patched = await s.updateSubscription(
      'sub_p',
      { targetUrl: 'https://example.com/new', events: ['vyora.*'], headers: { 'x-a': 'b' }, description: null, rateLimitPerSecond: null, sources: ['default'] },
      5_000,
    );
    expect(patched).toMatchObject({
      targetUrl: 'https://example.com/new',
      events: ['vyora.*'],
      headers: { 'x-a': 'b' },
      description: null,
      rateLimitPerSecond: null,
      sources: ['default'],
      status: 'active',
      secret: 'whsec_sub_p',
      updatedAt: new Date(5_000).toISOString(),
      createdAt: '2026-01-01T00:00:00Z',
    });
    const disabled = await s.updateSubscription('sub_p', { status: { status: 'disabled', reason: 'disabled by PATCH' } }, 6_000);
    expect([disabled?.status, disabled?.disabledReason]).toEqual(['disabled', 'disabled by PATCH']);
    expect(await pendingFor(s, 'sub_p')).toEqual([]);
    const cancelled = await s.listDeliveries({ subscriptionId: 'sub_p', state: 'cancelled', limit: 10 });
    expect(cancelled.items.map((d) => d.lastError)).toEqual(['subscription disabled: disabled by PATCH', 'subscription disabled: disabled by PATCH']);
    expect((await s.ingest([event()]))[0]?.deliveries).toBe(0);
    const enabled = await s.updateSubscription('sub_p', { status: { status: 'active' } }, 7_000);
    expect([enabled?.status, enabled?.disabledReason]).toEqual(['active', null]);
    const fresh = event();
    await s.ingest([fresh]);
    expect(await pendingFor(s, 'sub_p')).toEqual([fresh.id]);
    // The cancelled ones go again only when asked for by state.
    expect(await s.replayDeliveries({ subscriptionId: 'sub_p' }, 8_000)).toEqual({ replayed: 1, skipped: 0 });
    expect(await s.replayDeliveries({ subscriptionId: 'sub_p', state: 'cancelled' }, 8_000)).toEqual({ replayed: 2, skipped: 0 });
    expect(await s.updateSubscription('sub_missing', { description: 'x' }, 1)).toBeNull();
  });

  test('rotation: deliveries carry the new and the previous secret until the overlap ends', async () => {
    await subscription(s, 'sub_r');
    const rotated = await s.rotateSecret('sub_r', 'whsec_new', 50_000, 2_000);
    expect([rotated?.secret, rotated?.previousSecret, rotated?.previousSecretExpiresAt]).toEqual(['whsec_new', 'whsec_sub_r', 50_000]);
    await s.ingest([event('vyora.call_completed', 2_000)]);
    expect((await claim(s, 49_999))[0]?.subscription.secrets).toEqual(['whsec_new', 'whsec_sub_r']);
    await s.ingest([event('vyora.call_completed', 50_000)]);
    expect((await claim(s, 60_000))[0]?.subscription.secrets).toEqual(['whsec_new']);
    expect(await s.rotateSecret('sub_missing', 'x', 1, 1)).toBeNull();
  });

  test('a test delivery goes to one subscription only, as a test event of the test source', async () => {
    await subscription(s, 'sub_t');
    await subscription(s, 'sub_other');
    const sample = event('vyora.call_completed', 3_000, { dedupeKey: 'test:abc' });
    const made = await s.addTestDelivery(sample, 'sub_t', 3_000);
    expect(made?.eventId).toBe(sample.id);
    const stored = await s.getEvent(sample.id);
    expect([stored?.test, stored?.source]).toEqual([true, 'test']);
    const claimed = await claim(s, 3_000);
    expect(claimed.map((c) => [c.id, c.subscription.id, c.event.test, c.event.source])).toEqual([[made?.deliveryId, 'sub_t', true, 'test']]);
    // Later ingests never fan a test event out.
    await s.ingest([event('vyora.call_completed', 4_000)]);
    expect(await pendingFor(s, 'sub_other')).not.toContain(sample.id);
    await s.updateSubscription('sub_t', { status: { status: 'disabled', reason: 'x' } }, 5_000);
    expect(await s.addTestDelivery(event(), 'sub_t', 5_000)).toBeNull();
  });

  test('a rate-limited subscription gets one attempt per slot; the others are not held back; the worker sleeps till the slot', async () => {
    await subscription(s, 'sub_slow', { rateLimitPerSecond: 0.5 });
    await subscription(s, 'sub_fast');
    await s.ingest([event('vyora.call_completed', 1_000), event('vyora.call_completed', 1_000), event('vyora.call_completed', 1_000)]);
    const first = await claim(s, 1_000);
    expect(first.filter((c) => c.subscription.id === 'sub_slow')).toHaveLength(1);
    expect(first.filter((c) => c.subscription.id === 'sub_fast')).toHaveLength(3);
    // The next slot is 2 s later; until then nothing for it, and the worker is told when to look.
    expect(await claim(s, 2_999, { owner: 'w2' })).toHaveLength(0);
    expect(await s.nextDueAt()).toBe(3_000);
    // Claimed 400 ms late: the next slot stays on the schedule (5 s), or 0.5/s would drift lower.
    expect((await claim(s, 3_400, { owner: 'w3' })).map((c) => c.subscription.id)).toEqual(['sub_slow']);
    expect(await s.nextDueAt()).toBe(5_000);
    // Waiting is not an attempt.
    const waiting = (await s.listDeliveries({ subscriptionId: 'sub_slow', state: 'pending', limit: 10 })).items;
    expect(waiting.map((d) => d.attempts)).toEqual([0, 0, 0]);
    // After a long idle spell the schedule restarts from the claim, a whole spacing on: no burst.
    expect((await claim(s, 60_000, { owner: 'w4' })).filter((c) => c.subscription.id === 'sub_slow')).toHaveLength(1);
    expect(await claim(s, 61_999, { owner: 'w5' })).toHaveLength(0);
    expect((await claim(s, 62_000, { owner: 'w6' })).map((c) => c.subscription.id)).toEqual(['sub_slow']);
  });

  test('auto-disable: a subscription failing for RELAY_DISABLE_AFTER is disabled with its reason; a success resets the clock', async () => {
    await subscription(s, 'sub_bad');
    const changes: ConfigChange[] = [];
    s.onConfigChange((c) => changes.push(c));
    await s.ingest([event('vyora.call_completed', 0), event('vyora.call_completed', 0), event('vyora.call_completed', 0)]);
    const [a, b, c] = await claim(s, 1_000, { leaseMs: 1 });
    const opts = { disableAfterMs: 10_000 };
    expect(await s.complete([outcome(a!.id, 'sub_bad', 'retry', 1_000)], 1_001, opts)).toEqual({ disabled: [] });
    expect(await s.complete([outcome(b!.id, 'sub_bad', 'success', 5_000)], 5_001, opts)).toEqual({ disabled: [] });
    // Failing again from 6 s: not yet at 15 s, disabled at 16 s.
    expect(await s.complete([outcome(c!.id, 'sub_bad', 'retry', 6_000)], 15_000, opts)).toEqual({ disabled: [] });
    const [again] = await claim(s, 20_000, { owner: 'w' });
    expect(await s.complete([{ ...outcome(again!.id, 'sub_bad', 'retry', 16_000) }], 16_000, opts)).toEqual({
      disabled: [{ id: 'sub_bad', reason: 'every delivery failed for 10s' }],
    });
    const sub = await s.getSubscription('sub_bad');
    expect([sub?.status, sub?.disabledReason]).toEqual(['disabled', 'every delivery failed for 10s']);
    expect(await pendingFor(s, 'sub_bad')).toEqual([]);
    await new Promise((r) => setTimeout(r, 50));
    expect(changes).toContain('subscriptions');
  });

  test('retention: old events with no pending delivery go with their deliveries and attempts, in batches', async () => {
    await subscription(s, 'sub_r');
    const old = [event('vyora.call_completed', 1_000), event('vyora.call_completed', 1_000), event('vyora.call_completed', 1_000)];
    const keep = event('vyora.call_completed', 1_000);
    const recent = event('vyora.call_completed', 9_000);
    await s.ingest([...old, keep, recent]);
    const claimed = await claim(s, 9_000);
    const byEvent = new Map(claimed.map((c) => [c.event.id, c]));
    // Everything done but `keep`'s delivery, which is still pending (a retry).
    await s.complete(
      claimed.map((c) => outcome(c.id, 'sub_r', c.event.id === keep.id ? 'retry' : 'success', 9_000)),
      9_001,
    );
    expect(byEvent.size).toBe(5);
    const first = await s.prune({ before: 5_000, afterSeq: 0, limit: 2 });
    expect(first).toMatchObject({ reachedCutoff: false, events: 2, deliveries: 2, attempts: 2 });
    const second = await s.prune({ before: 5_000, afterSeq: first.lastSeq as number, limit: 2 });
    expect(second).toMatchObject({ reachedCutoff: false, events: 1, deliveries: 1, attempts: 1 });
    const third = await s.prune({ before: 5_000, afterSeq: second.lastSeq as number, limit: 2 });
    expect(third).toMatchObject({ reachedCutoff: true, events: 0 });
    for (const e of old) expect(await s.getEvent(e.id)).toBeNull();
    expect(await s.getEvent(keep.id)).not.toBeNull();
    expect(await s.getEvent(recent.id)).not.toBeNull();
    expect(await s.listAttempts(keep.id)).toHaveLength(1);
    expect((await s.listDeliveries({ limit: 100 })).items.map((d) => d.eventId).sort()).toEqual([keep.id, recent.id].sort());
    // Once its last delivery is done, a later run takes it; the duplicate window ends with it.
    const [retry] = await claim(s, 20_000, { owner: 'w' });
    await s.complete([outcome(retry!.id, 'sub_r', 'success', 20_000)], 20_001);
    expect((await s.prune({ before: 5_000, afterSeq: 0, limit: 10 })).events).toBe(1);
    expect((await s.ingest([{ ...old[0]! }]))[0]?.duplicate).toBe(false);
    expect(await s.prune({ before: 5_000, afterSeq: 1e12, limit: 10 })).toEqual({ lastSeq: null, reachedCutoff: true, events: 0, deliveries: 0, attempts: 0 });
  });

  test('sources and tokens: create, read, patch, list, delete; each change announced', async () => {
    const changes: ConfigChange[] = [];
    s.onConfigChange((c) => changes.push(c));
    const src = {
      id: 'src_clientaaaa',
      provider: 'vyora',
      name: 'Client A',
      webhookSecret: 'enc:v1:secret',
      apiKey: null,
      baseUrl: null,
      organizationId: null,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    };
    await s.createSource(src);
    await s.createSource({ ...src, id: 'src_clientbbbb', name: 'Client B' });
    expect(await s.getSource('src_clientaaaa')).toEqual(src);
    const patched = await s.updateSource('src_clientaaaa', { name: 'Client A (EU)', apiKey: 'enc:v1:key', baseUrl: 'https://eu.example' }, '2026-02-01T00:00:00Z');
    expect(patched).toEqual({ ...src, name: 'Client A (EU)', apiKey: 'enc:v1:key', baseUrl: 'https://eu.example', updatedAt: '2026-02-01T00:00:00Z' });
    expect(await s.updateSource('src_clientaaaa', { apiKey: null }, '2026-02-02T00:00:00Z')).toMatchObject({ apiKey: null, name: 'Client A (EU)' });
    const page1 = await s.listSources(1);
    expect(page1.items.map((x) => x.id)).toEqual(['src_clientaaaa']);
    expect((await s.listSources(1, page1.nextCursor as string)).items.map((x) => x.id)).toEqual(['src_clientbbbb']);
    expect(await s.deleteSource('src_clientbbbb')).toBe(true);
    expect(await s.deleteSource('src_clientbbbb')).toBe(false);

    const tok = { id: 'tok_1', name: 'Client A Make', tokenHash: 'ab'.repeat(32), sources: ['src_clientaaaa'], createdAt: '2026-01-01T00:00:00Z', lastUsedAt: null };
    await s.createToken(tok);
    await s.touchTokens(['tok_1'], 12_345);
    expect((await s.listTokens(10)).items).toEqual([{ ...tok, lastUsedAt: 12_345 }]);
    expect(await s.deleteToken('tok_1')).toBe(true);
    expect((await s.listTokens(10)).items).toEqual([]);
    await new Promise((r) => setTimeout(r, 50));
    expect(changes.filter((c) => c === 'sources').length).toBeGreaterThanOrEqual(4);
    expect(changes.filter((c) => c === 'tokens')).toHaveLength(2);
  });

  test('secret fields can be read and rewritten in one go (encryption at rest, re-keying)', async () => {
    await subscription(s, 'sub_s', { headers: { 'x-make-apikey': 'plain' } });
    await s.rotateSecret('sub_s', 'whsec_two', 99_000, 1_000);
    await s.createSource({
      id: 'src_clientaaaa',
      provider: 'vyora',
      name: 'A',
      webhookSecret: 'wsec',
      apiKey: 'key',
      baseUrl: null,
      organizationId: null,
      createdAt: 'x',
      updatedAt: 'x',
    });
    const fields = await s.readSecrets();
    expect(fields.map((f) => `${f.table}.${f.column}=${f.value}`).sort()).toEqual(
      [
        'subscriptions.secret=whsec_two',
        'subscriptions.previous_secret=whsec_sub_s',
        'subscriptions.headers={"x-make-apikey":"plain"}',
        'sources.webhook_secret=wsec',
        'sources.api_key=key',
      ].sort(),
    );
    await s.writeSecrets(fields.map((f) => ({ ...f, value: f.column === 'headers' ? '{"x-make-apikey":"ENC"}' : `ENC(${f.value})` })));
    const sub = await s.getSubscription('sub_s');
    expect([sub?.secret, sub?.previousSecret, sub?.headers]).toEqual(['ENC(whsec_two)', 'ENC(whsec_sub_s)', { 'x-make-apikey': 'ENC' }]);
    expect(await s.getSource('src_clientaaaa')).toMatchObject({ webhookSecret: 'ENC(wsec)', apiKey: 'ENC(key)' });
  });
});
