import { z } from 'zod';
import { HttpError } from '../src/http/replies';
import { DeliveriesQuery, DeliveriesReplayBody, Delivery, DeliveryBody, Event, EventsQuery } from '../src/http/schemas/events';
import { Source, SourceCreateBody, SourcePatchBody, SourceList } from '../src/http/schemas/sources';
import { Stats, StatsQuery } from '../src/http/schemas/stats';
import {
  FilterTestAnswer,
  FilterTestBody,
  RotateSecretAnswer,
  Subscription,
  SubscriptionCreateBody,
  SubscriptionPatchBody,
  SubscriptionTestAnswer,
  SubscriptionTestBody,
} from '../src/http/schemas/subscriptions';
import { Me, Token, TokenCreateBody, TokenCreated, TokenList } from '../src/http/schemas/tokens';
import { validatorCompiler, type Issue } from '../src/http/validate';

type Checked = { ok: true; value: unknown } | { ok: false; status: number; message: string; issues: Issue[] };

/** Runs a schema through the relay's own validator, as a route would. */
function check(schema: z.core.$ZodType, data: unknown, httpPart = 'body'): Checked {
  const validate = validatorCompiler({ schema, method: 'POST', url: '/test', httpPart }) as (d: unknown) => { value?: unknown; error?: unknown };
  const result = validate(data);
  if (!result.error) return { ok: true, value: result.value };
  const e = result.error as HttpError;
  expect(e).toBeInstanceOf(HttpError);
  expect(e.code).toBe('validation_error');
  return { ok: false, status: e.status, message: e.message, issues: e.details as Issue[] };
}

function value(schema: z.core.$ZodType, data: unknown, httpPart = 'body'): unknown {
  const r = check(schema, data, httpPart);
  if (!r.ok) throw new Error(`expected valid, got ${r.message}`);
  return r.value;
}

function issues(schema: z.core.$ZodType, data: unknown, httpPart = 'body'): Issue[] {
  const r = check(schema, data, httpPart);
  if (r.ok) throw new Error(`expected invalid, got ${JSON.stringify(r.value)}`);
  expect(r.status).toBe(400);
  expect(r.message).toBe(`Invalid request: ${r.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
  return r.issues;
}

const fields = (list: Issue[]): string[] => list.map((i) => i.field);

/** An answer as the route's serializer would write it (untyped: tests send wrong shapes too). */
function encoded(schema: z.core.$ZodType, data: unknown): unknown {
  const r = z.safeEncode(schema as z.core.$ZodType<unknown, unknown>, data);
  if (!r.success) throw new Error(`expected it to encode: ${r.error.message}`);
  return r.data;
}
const refusedOut = (schema: z.core.$ZodType, data: unknown): boolean => !z.safeEncode(schema as z.core.$ZodType<unknown, unknown>, data).success;
const SRC = 'src_Xk2pQ9vLm4Rt';
const NOW = '2025-01-31T09:30:00.000Z';

describe('the relay validator', () => {
  test('names unknown fields where they are, with the fields known there', () => {
    const schema = z.strictObject({ a: z.strictObject({ b: z.string() }), c: z.number().optional() });
    expect(issues(schema, { a: { b: 'x', z: 1 }, y: 2 })).toEqual([
      { field: 'a.z', message: 'is not a field of this request; known: b' },
      { field: 'y', message: 'is not a field of this request; known: a, c' },
    ]);
  });

  test('words rules that have no message of their own; a missing or non-object body is said plainly', () => {
    const schema = z.strictObject({ n: z.number().max(3), s: z.string(), e: z.enum(['x', 'y']).optional(), l: z.array(z.string()).max(1).optional() });
    expect(issues(schema, { n: 5, e: 'z', l: ['a', 'b'] })).toEqual([
      { field: 'n', message: 'must be at most 3' },
      { field: 's', message: 'is required' },
      { field: 'e', message: 'must be one of x, y' },
      { field: 'l', message: 'must have at most 1 items' },
    ]);
    expect(issues(schema, null)).toEqual([{ field: '(body)', message: 'must be a JSON object' }]);
    expect(issues(schema, [1])).toEqual([{ field: '(body)', message: 'must be a JSON object' }]);
    expect(issues(z.object({ limit: z.number() }), {}, 'querystring')).toEqual([{ field: 'limit', message: 'is required' }]);
  });
});

describe('subscription create and PATCH bodies (every field of the contract)', () => {
  const full = {
    target_url: 'https://hook.eu1.make.com/abc',
    events: ['vyora.call_completed', 'vyora.*', 'vyora.call_completed'],
    headers: { 'X-Make-ApiKey': 'k' },
    description: 'Client A: qualified leads',
    filter: { 'data.analysis.classification': 'Interested' },
    rate_limit_per_second: 0.5,
    sources: [SRC, 'default', SRC],
  };

  test('takes every field; drops duplicate events and sources; lower-cases header names', () => {
    expect(value(SubscriptionCreateBody, full)).toEqual({
      ...full,
      events: ['vyora.call_completed', 'vyora.*'],
      headers: { 'x-make-apikey': 'k' },
      sources: [SRC, 'default'],
    });
    expect(value(SubscriptionCreateBody, { target_url: 'http://x/', filter: null, rate_limit_per_second: null, sources: null, description: null })).toMatchObject({
      events: ['*'],
      filter: null,
      rate_limit_per_second: null,
      sources: null,
      description: null,
    });
    expect(value(SubscriptionCreateBody, { target_url: 'http://x/', rate_limit_per_second: 1000 })).toMatchObject({ rate_limit_per_second: 1000 });
  });

  test.each([
    ['description', 'x'.repeat(501), 'at most 500 characters'],
    ['description', 5, 'at most 500 characters'],
    ['filter', [], 'must be a JSON object'],
    ['filter', 'data.x = 1', 'must be a JSON object'],
    ['rate_limit_per_second', 0, 'above 0'],
    ['rate_limit_per_second', -1, 'above 0'],
    ['rate_limit_per_second', 1000.5, 'at most 1000'],
    ['rate_limit_per_second', '5', 'above 0'],
    ['sources', [], '1 to 100 source ids'],
    ['sources', Array.from({ length: 101 }, (_, i) => `src_abcdefgh${i}`), '1 to 100 source ids'],
    ['sources', 'default', '1 to 100 source ids'],
  ])('refuses %s = %j, naming it', (field, bad, why) => {
    const found = issues(SubscriptionCreateBody, { target_url: 'http://x/', [field]: bad });
    expect(fields(found)).toEqual([field]);
    expect(found[0]?.message).toContain(why);
  });

  test('a source id must be "default" or src_ with 8 to 40 id characters, named by its index', () => {
    const found = issues(SubscriptionCreateBody, { target_url: 'http://x/', sources: ['default', 'src_short', 'src_bad id!x', `src_${'a'.repeat(41)}`] });
    expect(fields(found)).toEqual(['sources.1', 'sources.2', 'sources.3']);
    expect(found[0]?.message).toBe('must be "default" or a source id (src_…)');
  });

  test('an unknown provider in an event pattern is named, with the providers that send webhooks', () => {
    const found = issues(SubscriptionCreateBody, { target_url: 'http://x/', events: ['vyra.call_completed'] });
    expect(found).toEqual([{ field: 'events.0', message: '"vyra" is not a provider that sends webhooks; known: ayra, vyora, aila' }]);
  });

  test('listings filter on "default", "test" or a source id, and say all three when refusing', () => {
    for (const query of [EventsQuery, DeliveriesQuery]) {
      for (const ok of ['default', 'test', 'src_aaaaaaaaaa']) expect(value(query, { source: ok }, 'querystring')).toMatchObject({ source: ok });
      const found = issues(query, { source: 'tests' }, 'querystring');
      expect([fields(found), found[0]?.message]).toEqual([['source'], 'must be "default", "test" or a source id (src_…)']);
    }
  });

  test('unknown fields are named with every known one', () => {
    expect(issues(SubscriptionCreateBody, { target_url: 'http://x/', secret: 'mine' })).toEqual([
      { field: 'secret', message: 'is not a field of this request; known: target_url, events, headers, description, filter, rate_limit_per_second, sources' },
    ]);
  });

  test('PATCH takes any subset, null clears, an empty body is refused', () => {
    expect(value(SubscriptionPatchBody, { status: 'disabled' })).toEqual({ status: 'disabled' });
    expect(value(SubscriptionPatchBody, { filter: null, rate_limit_per_second: null, sources: null, headers: null })).toEqual({
      filter: null,
      rate_limit_per_second: null,
      sources: null,
      headers: {},
    });
    expect(value(SubscriptionPatchBody, { events: ['aila.*'], target_url: 'http://y/' })).toEqual({ events: ['aila.*'], target_url: 'http://y/' });
    expect(issues(SubscriptionPatchBody, {})).toEqual([
      { field: '(body)', message: 'must change at least one of target_url, events, headers, description, filter, rate_limit_per_second, sources, status' },
    ]);
    expect(issues(SubscriptionPatchBody, undefined)).toEqual([{ field: '(body)', message: 'must be a JSON object' }]);
    expect(issues(SubscriptionPatchBody, { status: 'paused' })).toEqual([{ field: 'status', message: 'must be one of active, disabled' }]);
    expect(fields(issues(SubscriptionPatchBody, { events: [], headers: { host: 'x' } }))).toEqual(['events', 'headers.host']);
    expect(fields(issues(SubscriptionPatchBody, { id: 'sub_1' }))).toEqual(['id']);
  });
});

describe('rotate-secret, test and filter-test', () => {
  test('test takes one documented event type, not a pattern or an unknown one', () => {
    expect(value(SubscriptionTestBody, { type: 'vyora.call_completed' })).toEqual({ type: 'vyora.call_completed' });
    expect(value(SubscriptionTestBody, { type: 'aila.call.completed' })).toEqual({ type: 'aila.call.completed' });
    expect(issues(SubscriptionTestBody, { type: 'vyora.*' })).toEqual([{ field: 'type', message: 'must be one event type, not a pattern, e.g. vyora.call_completed' }]);
    expect(issues(SubscriptionTestBody, { type: '*' })[0]?.field).toBe('type');
    expect(issues(SubscriptionTestBody, { type: 'vyora.call_exploded' })[0]?.message).toContain('vyora.call_completed');
    expect(issues(SubscriptionTestBody, { type: 'ayla.anything' })[0]?.message).toBe('Ayla does not send webhooks');
    expect(issues(SubscriptionTestBody, {})).toEqual([{ field: 'type', message: 'is required: a documented event type, e.g. vyora.call_completed' }]);
  });

  test('filter-test takes exactly one of event_id and payload, and an optional filter', () => {
    expect(value(FilterTestBody, { event_id: 'evt_1' })).toEqual({ event_id: 'evt_1' });
    expect(value(FilterTestBody, { payload: { data: { x: 1 } }, filter: { 'data.x': { $gte: 1 } } })).toEqual({
      payload: { data: { x: 1 } },
      filter: { 'data.x': { $gte: 1 } },
    });
    expect(issues(FilterTestBody, { event_id: 'evt_1', payload: {} })).toEqual([{ field: 'payload', message: 'send exactly one of event_id and payload' }]);
    expect(issues(FilterTestBody, { filter: {} })).toEqual([{ field: 'event_id', message: 'send exactly one of event_id and payload' }]);
    expect(fields(issues(FilterTestBody, { payload: [1] }))).toEqual(['payload']);
    expect(fields(issues(FilterTestBody, { event_id: 'evt_1', filter: 'x' }))).toEqual(['filter']);
  });

  test('answers: the subscription with every contract field, rotate-secret, test and filter-test', () => {
    const sub = {
      id: 'sub_1',
      secret: 'whsec_abc',
      target_url: 'https://x/',
      events: ['*'],
      headers: { 'x-make-apikey': '********' },
      description: null,
      status: 'disabled',
      disabled_reason: 'the receiver answered 410 Gone',
      filter: null,
      rate_limit_per_second: 5,
      sources: null,
      previous_secret_expires_at: null,
      created_at: NOW,
      updated_at: NOW,
    };
    expect(encoded(Subscription, sub)).toEqual(sub);
    // A header value is never an answer: anything but the mask is refused on the way out.
    expect(refusedOut(Subscription, { ...sub, headers: { 'x-make-apikey': 'the-real-key' } })).toBe(true);
    expect(refusedOut(Subscription, { ...sub, updated_at: undefined })).toBe(true);
    expect(encoded(RotateSecretAnswer, { secret: 'whsec_new', previous_secret_expires_at: NOW })).toEqual({ secret: 'whsec_new', previous_secret_expires_at: NOW });
    expect(refusedOut(SubscriptionTestAnswer, { event_id: 'evt_1', delivery_id: 1.5 })).toBe(true);
    expect(encoded(FilterTestAnswer, { matches: true })).toEqual({ matches: true });
  });
});

describe('sources', () => {
  test('create: provider and name; the webhook secret is required exactly when the provider sends webhooks', () => {
    expect(value(SourceCreateBody, { provider: 'vyora', name: 'Client A', webhook_secret: 'whsec_1', api_key: 'vya_key', base_url: 'https://api.vyora.ai' })).toEqual({
      provider: 'vyora',
      name: 'Client A',
      webhook_secret: 'whsec_1',
      api_key: 'vya_key',
      base_url: 'https://api.vyora.ai',
    });
    expect(issues(SourceCreateBody, { provider: 'vyora', name: 'A' })).toEqual([{ field: 'webhook_secret', message: 'is required: Vyora signs its webhooks with it' }]);
    expect(value(SourceCreateBody, { provider: 'ayla', name: 'A', api_key: 'ayla_live_sk_1' })).toMatchObject({ provider: 'ayla' });
    expect(issues(SourceCreateBody, { provider: 'ayla', name: 'A', webhook_secret: 's' })).toEqual([{ field: 'webhook_secret', message: 'Ayla sends no webhooks; leave it out' }]);
    expect(issues(SourceCreateBody, { provider: 'nobody', name: 'A' })).toEqual([{ field: 'provider', message: 'must be one of ayra, vyora, aila, ayla' }]);
    const bad = issues(SourceCreateBody, { provider: 'aila', name: '', webhook_secret: 'has space', base_url: 'ftp://x', organization_id: 5 });
    expect(fields(bad)).toEqual(['name', 'webhook_secret', 'base_url', 'organization_id']);
    // Secrets are never echoed in a refusal.
    expect(JSON.stringify(bad)).not.toContain('has space');
  });

  test('PATCH: any of the fields; api_key, base_url and organization_id clear with null; an empty body is refused', () => {
    expect(value(SourcePatchBody, { api_key: null, base_url: null, organization_id: null })).toEqual({ api_key: null, base_url: null, organization_id: null });
    expect(value(SourcePatchBody, { webhook_secret: 'rotated' })).toEqual({ webhook_secret: 'rotated' });
    expect(fields(issues(SourcePatchBody, { webhook_secret: null }))).toEqual(['webhook_secret']);
    expect(fields(issues(SourcePatchBody, { provider: 'aila' }))).toEqual(['provider']);
    expect(issues(SourcePatchBody, {})[0]).toEqual({ field: '(body)', message: 'must change at least one of name, webhook_secret, api_key, base_url, organization_id' });
  });

  test('the source answer says whether secrets are set, never what they are', () => {
    const source = {
      id: SRC,
      provider: 'vyora',
      name: 'Client A',
      hook_url: `https://relay.example.com/hooks/vyora/${SRC}`,
      base_url: null,
      organization_id: null,
      has_api_key: true,
      has_webhook_secret: true,
      managed_by: 'api',
      created_at: NOW,
      updated_at: NOW,
    };
    expect(encoded(SourceList, { data: [source] })).toEqual({ data: [source] });
    expect(encoded(Source, { ...source, webhook_secret: 'whsec_1', api_key: 'k' })).toEqual(source);
    expect(refusedOut(Source, { ...source, managed_by: 'someone' })).toBe(true);
  });
});

describe('tokens and /v1/me', () => {
  test('create: a name and 1 to 100 existing-looking source ids', () => {
    expect(value(TokenCreateBody, { name: "Client A's Make", sources: [SRC, SRC] })).toEqual({ name: "Client A's Make", sources: [SRC] });
    expect(fields(issues(TokenCreateBody, { sources: [] }))).toEqual(['name', 'sources']);
    expect(fields(issues(TokenCreateBody, { name: 'x', sources: ['src_x'] }))).toEqual(['sources.0']);
    expect(fields(issues(TokenCreateBody, { name: 'x', sources: [SRC], admin: true }))).toEqual(['admin']);
  });

  test('answers: the token once on create, never in listings; /v1/me for admin and scoped', () => {
    const created = { id: 'tok_1', name: 'n', sources: [SRC], token: 'cbr_secret', created_at: NOW };
    expect(encoded(TokenCreated, created)).toEqual(created);
    const listed = encoded(TokenList, { data: [{ ...created, last_used_at: null }] });
    expect(listed).toEqual({ data: [{ id: 'tok_1', name: 'n', sources: [SRC], created_at: NOW, last_used_at: null }] });
    expect(JSON.stringify(listed)).not.toContain('cbr_secret');
    expect(refusedOut(Token, { id: 'tok_1', name: 'n', sources: [SRC], created_at: NOW })).toBe(true);
    expect(encoded(Me, { kind: 'admin', id: null, name: null, sources: null })).toEqual({ kind: 'admin', id: null, name: null, sources: null });
    expect(encoded(Me, { kind: 'scoped', id: 'tok_1', name: 'n', sources: [SRC] })).toMatchObject({ kind: 'scoped' });
    expect(refusedOut(Me, { kind: 'root', id: null, name: null, sources: null })).toBe(true);
  });
});

describe('stats', () => {
  test('?minutes= defaults to 60 and stays within a day', () => {
    expect(value(StatsQuery, {}, 'querystring')).toEqual({ minutes: 60 });
    expect(value(StatsQuery, { minutes: '1440' }, 'querystring')).toEqual({ minutes: 1440 });
    expect(issues(StatsQuery, { minutes: '1441' }, 'querystring')).toEqual([{ field: 'minutes', message: 'must be a whole number from 1 to 1440' }]);
    expect(fields(issues(StatsQuery, { minutes: '1.5' }, 'querystring'))).toEqual(['minutes']);
  });

  test('the answer: per-minute counts, pending and dead', () => {
    const stats = { minutes: [{ t: NOW, received: 3, delivered: 2, failed: 1, dead: 0 }], pending: 4, dead: 1 };
    expect(encoded(Stats, stats)).toEqual(stats);
    expect(refusedOut(Stats, { ...stats, pending: -1 })).toBe(true);
  });
});

describe('source on events, deliveries and their queries', () => {
  test('listing queries take a source id or "test"', () => {
    expect(value(EventsQuery, { source: 'default' }, 'querystring')).toMatchObject({ source: 'default', limit: 25 });
    expect(value(EventsQuery, { source: 'test' }, 'querystring')).toMatchObject({ source: 'test' });
    expect(value(EventsQuery, { source: '' }, 'querystring')).toEqual({ limit: 25 });
    expect(fields(issues(EventsQuery, { source: 'nope' }, 'querystring'))).toEqual(['source']);
    expect(value(DeliveriesQuery, { source: SRC, state: 'cancelled' }, 'querystring')).toMatchObject({ source: SRC, state: 'cancelled' });
  });

  test('bulk replay: cancelled deliveries can be replayed by filter, dead is the default', () => {
    expect(value(DeliveriesReplayBody, undefined)).toEqual({ state: 'dead' });
    expect(value(DeliveriesReplayBody, { state: 'cancelled', subscription_id: 'sub_1', source: SRC })).toEqual({
      state: 'cancelled',
      subscription_id: 'sub_1',
      source: SRC,
    });
  });

  test('events, deliveries and the delivery body carry source, and test: true on test events', () => {
    const event = { id: 'evt_1', type: 'vyora.call_completed', provider: 'vyora', source: 'test', created_at: NOW, received_at: NOW, test: true, data: { x: 1 } };
    expect(encoded(Event, event)).toEqual(event);
    expect(refusedOut(Event, { ...event, test: false })).toBe(true);
    const body = { id: 'evt_1', type: 'vyora.call_completed', provider: 'vyora', source: SRC, created_at: NOW, data: {} };
    expect(encoded(DeliveryBody, body)).toEqual(body);
    const delivery = {
      id: 1,
      event_id: 'evt_1',
      type: 't',
      provider: 'vyora',
      source: 'default',
      subscription_id: 'sub_1',
      state: 'cancelled',
      attempts: 0,
      next_attempt_at: null,
      last_status: null,
      last_error: null,
      created_at: NOW,
      updated_at: NOW,
    };
    expect(encoded(Delivery, delivery)).toEqual(delivery);
  });
});
