import { createHash } from 'node:crypto';
import { normalizeWebhook, vyora, WebhookPayloadError, type NormalizedEvent, type ProviderSpec, type WebhookSpec } from '@callbridge/core';
import { ailaExample, ayraExample, vyoraExample } from './payloads';

const NOW = Date.UTC(2026, 4, 25, 8, 0, 0);
const nowIso = new Date(NOW).toISOString();

/** The documented id rule, computed independently: the first 130 bits of the hash in Crockford base32. */
function expectedId(provider: string, dedupeKey: string): string {
  const digest = createHash('sha256').update(`${provider}:${dedupeKey}`).digest('hex');
  const bits = BigInt('0x' + digest.slice(0, 34)) >> 6n; // 136 bits down to 130
  const plain = bits.toString(32).padStart(26, '0');
  const crockford = '0123456789abcdefghjkmnpqrstvwxyz';
  const base32hex = '0123456789abcdefghijklmnopqrstuv';
  return 'evt_' + [...plain].map((c) => crockford[base32hex.indexOf(c)]).join('');
}

function thrown(fn: () => unknown): WebhookPayloadError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WebhookPayloadError) return e;
    throw e;
  }
  throw new Error('expected a WebhookPayloadError');
}

describe('Vyora', () => {
  const raw = JSON.stringify(vyoraExample);
  const headers = { 'x-vyora-event': 'call_completed', 'x-vyora-signature': 'sha256=…' };

  test('normalises the documented example payload', () => {
    const e: NormalizedEvent = normalizeWebhook('vyora', { rawBody: raw, headers, now: NOW });
    expect(e).toEqual({
      id: expectedId('vyora', 'call_completed:abc123xyz'),
      type: 'vyora.call_completed',
      provider: 'vyora',
      event: 'call_completed',
      created_at: '2026-05-24T10:31:15Z',
      data: vyoraExample,
      dedupeKey: 'call_completed:abc123xyz',
    });
    expect(e.id).toMatch(/^evt_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  test('the same event twice, even re-serialised, gets the same id', () => {
    const first = normalizeWebhook('vyora', { rawBody: raw, headers, now: NOW });
    const again = normalizeWebhook('vyora', { rawBody: Buffer.from(JSON.stringify(vyoraExample, null, 2)), headers, now: NOW + 60_000 });
    expect(again.id).toBe(first.id);
  });

  test('a different event for the same call gets a different id', () => {
    const done = normalizeWebhook('vyora', { rawBody: raw, headers, now: NOW });
    const body = JSON.stringify({ ...vyoraExample, event: 'all_processing_completed' });
    const processed = normalizeWebhook('vyora', { rawBody: body, headers: { 'X-Vyora-Event': 'all_processing_completed' }, now: NOW });
    expect(processed.dedupeKey).toBe('all_processing_completed:abc123xyz');
    expect(processed.type).toBe('vyora.all_processing_completed');
    expect(processed.id).not.toBe(done.id);
  });

  test('the signed body decides the event; the unsigned header may only agree with it', () => {
    const body = JSON.stringify({ ...vyoraExample, event: 'call_started' });
    expect(normalizeWebhook('vyora', { rawBody: body, headers: {} }).event).toBe('call_started');
    expect(normalizeWebhook('vyora', { rawBody: body, headers: { 'x-vyora-event': [' call_started '] } }).event).toBe('call_started');
    // One captured signed body re-posted under each other event name must not become three events.
    for (const other of ['call_completed', 'all_processing_completed', 'call_exploded']) {
      const err = thrown(() => normalizeWebhook('vyora', { rawBody: body, headers: { 'x-vyora-event': other } }));
      expect(err.reason).toBe('event_mismatch');
      expect(err.field).toBe('header x-vyora-event');
      expect(err.message).toBe(
        `header x-vyora-event: says "${other}" but the signed body.event says "call_started"; the signature covers only the body, so the two must agree`,
      );
    }
  });

  test('the header names the event only when the body does not', () => {
    const { event: _dropped, ...rest } = vyoraExample;
    expect(normalizeWebhook('vyora', { rawBody: JSON.stringify(rest), headers: { 'x-vyora-event': 'call_started' } }).type).toBe('vyora.call_started');
  });

  test('without call_id the raw body\'s hash is the dedupe key', () => {
    const { call_id: _dropped, ...rest } = vyoraExample;
    const body = JSON.stringify(rest);
    const e = normalizeWebhook('vyora', { rawBody: body, headers, now: NOW });
    expect(e.dedupeKey).toBe('sha256:' + createHash('sha256').update(body).digest('hex'));
    expect(e.id).toBe(expectedId('vyora', e.dedupeKey));
  });

  test('an unknown event is rejected: the event set is closed', () => {
    const { event: _dropped, ...noEvent } = vyoraExample;
    const err = thrown(() => normalizeWebhook('vyora', { rawBody: JSON.stringify(noEvent), headers: { 'x-vyora-event': 'call_exploded' } }));
    expect(err.reason).toBe('unknown_event');
    expect(err.field).toBe('header x-vyora-event');
    const inBody = thrown(() => normalizeWebhook('vyora', { rawBody: JSON.stringify({ ...vyoraExample, event: 'call_exploded' }), headers: {} }));
    expect(inBody.field).toBe('body.event');
    expect(err.message).toMatch(/"call_exploded" is not a Vyora event; expected one of call_started, call_completed, all_processing_completed/);
  });
});

describe('Aila', () => {
  const aila = 'aila';
  const raw = JSON.stringify(ailaExample);

  test('normalises its payload, keeping the whole body as data', () => {
    const e = normalizeWebhook(aila, { rawBody: raw, headers: { 'x-aila-event': 'call.completed' }, now: NOW });
    expect(e).toEqual({
      id: expectedId('aila', 'evt_aila_0001'),
      type: 'aila.call.completed',
      provider: 'aila',
      event: 'call.completed',
      created_at: '2026-05-24T11:00:00Z',
      data: ailaExample,
      dedupeKey: 'evt_aila_0001',
    });
  });

  test('dedupes by its event id, whatever else differs', () => {
    const a = normalizeWebhook(aila, { rawBody: raw, headers: {} });
    const retried = normalizeWebhook(aila, { rawBody: JSON.stringify({ ...ailaExample, created_at: '2026-05-24T11:05:00Z' }), headers: {} });
    const other = normalizeWebhook(aila, { rawBody: JSON.stringify({ ...ailaExample, id: 'evt_aila_0002' }), headers: {} });
    expect(retried.id).toBe(a.id);
    expect(other.id).not.toBe(a.id);
  });

  test('a header that disagrees with the signed body is refused', () => {
    const err = thrown(() => normalizeWebhook(aila, { rawBody: raw, headers: { 'x-aila-event': 'task.created' } }));
    expect(err.reason).toBe('event_mismatch');
    expect(err.field).toBe('header x-aila-event');
  });

  test('an unknown event is rejected', () => {
    const err = thrown(() => normalizeWebhook(aila, { rawBody: JSON.stringify({ ...ailaExample, event: 'call.deleted' }), headers: {} }));
    expect(err.reason).toBe('unknown_event');
    expect(err.field).toBe('body.event');
  });
});

describe('Ayra', () => {
  const ayra = 'ayra';

  test('normalises its payload; any event name is accepted (open set)', () => {
    const e = normalizeWebhook(ayra, { rawBody: JSON.stringify(ayraExample), headers: {}, now: NOW });
    expect(e).toMatchObject({ type: 'ayra.conversation.completed', dedupeKey: 'evt_ayra_0001', created_at: '2026-05-24T12:00:00Z', data: ayraExample });
    const novel = normalizeWebhook(ayra, { rawBody: JSON.stringify({ ...ayraExample, event: 'agent.retrained' }), headers: { 'x-ayra-event': 'agent.retrained' } });
    expect(novel.type).toBe('ayra.agent.retrained');
  });

  test('an open event set still refuses a header that disagrees with the body', () => {
    const err = thrown(() => normalizeWebhook(ayra, { rawBody: JSON.stringify(ayraExample), headers: { 'x-ayra-event': 'agent.retrained' } }));
    expect(err.reason).toBe('event_mismatch');
  });

  test('without an id, the body hash dedupes', () => {
    const { id: _dropped, ...rest } = ayraExample;
    const raw = Buffer.from(JSON.stringify(rest));
    const e = normalizeWebhook(ayra, { rawBody: raw, headers: {} });
    expect(e.dedupeKey).toBe('sha256:' + createHash('sha256').update(raw).digest('hex'));
  });
});

describe('a hand-built ProviderSpec', () => {
  test('its own dedupe fields and event set are used', () => {
    const hooks = vyora.webhooks as WebhookSpec;
    const custom: ProviderSpec = { ...vyora, webhooks: { ...hooks, eventHeader: undefined, events: ['call_completed'], dedupeFields: ['call_id', 'duration_seconds'] } };
    const e = normalizeWebhook(custom, { rawBody: JSON.stringify(vyoraExample), headers: { 'x-vyora-event': 'call_started' } });
    expect(e.dedupeKey).toBe('call_completed:abc123xyz:47');
    expect(() => normalizeWebhook(custom, { rawBody: JSON.stringify({ ...vyoraExample, event: 'call_started' }), headers: {} })).toThrow(WebhookPayloadError);
  });
});

describe('created_at', () => {
  const at = (timestamp: unknown) =>
    normalizeWebhook('vyora', { rawBody: JSON.stringify({ ...vyoraExample, timestamp }), headers: {}, now: NOW }).created_at;

  test('keeps a valid ISO 8601 timestamp as sent', () => {
    expect(at('2026-05-24T10:31:15.123+05:30')).toBe('2026-05-24T10:31:15.123+05:30');
    expect(at('2024-02-29T23:59:59Z')).toBe('2024-02-29T23:59:59Z');
  });

  test.each([['no zone', '2026-05-24T10:31:15'], ['an impossible date', '2026-02-30T10:00:00Z'], ['hour 24', '2026-05-24T24:00:00Z'], ['words', 'yesterday'], ['a number', 1779618675], ['a date only', '2026-05-24']])(
    'falls back to now for %s',
    (_label, value) => {
      expect(at(value)).toBe(nowIso);
    },
  );

  test('uses the real clock when now is not given', () => {
    const before = Date.now();
    const e = normalizeWebhook('vyora', { rawBody: JSON.stringify({ event: 'call_started', call_id: 'x' }), headers: {} });
    expect(Date.parse(e.created_at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(e.created_at)).toBeLessThanOrEqual(Date.now());
  });
});

describe('bad payloads', () => {
  test.each([
    ['malformed JSON', '{"event":', 'malformed_json'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'malformed_json'],
    ['an array', '[{"event":"call_started"}]', 'not_an_object'],
    ['null', 'null', 'not_an_object'],
    ['a string', '"call_started"', 'not_an_object'],
  ])('%s is rejected as %s, naming the body', (_label, rawBody, reason) => {
    const err = thrown(() => normalizeWebhook('vyora', { rawBody, headers: { 'x-vyora-event': 'call_started' } }));
    expect(err.reason).toBe(reason);
    expect(err.field).toBe('body');
    expect(err.message).toMatch(/^body: must be/);
  });

  test('a missing event name names both places it was looked for', () => {
    const err = thrown(() => normalizeWebhook('vyora', { rawBody: '{"call_id":"x","event":""}', headers: { 'x-vyora-event': ' ' } }));
    expect(err.reason).toBe('missing_event');
    expect(err.field).toBe('header x-vyora-event / body.event');
  });

  test('a provider without webhooks is refused', () => {
    expect(() => normalizeWebhook('ayla', { rawBody: '{}', headers: {} })).toThrow(/sends no webhooks/);
  });
});
