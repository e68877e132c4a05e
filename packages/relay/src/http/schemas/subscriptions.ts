import { isProviderId, providers, type ProviderSpec } from '@callbridge/core';
import { z } from 'zod';
import { headerNameProblem, headerValueProblem, MAX_SUBSCRIPTION_HEADERS as MAX_HEADERS } from '../../delivery/subscription-headers';
import { compileFilter } from '../../filters/compile';
import { SourceId, timestamp } from './common';

/**
 * `/v1/subscriptions`: the subscription object, its create and PATCH bodies and the bodies
 * and answers of rotate-secret, test and filter-test.
 */
const registry = providers as Partial<Record<string, ProviderSpec>>;

export const MAX_EVENTS = 100;
export { MAX_SUBSCRIPTION_HEADERS as MAX_HEADERS, MAX_HEADER_VALUE_LENGTH as MAX_HEADER_VALUE } from '../../delivery/subscription-headers';
export const MAX_DESCRIPTION = 500;
export const MAX_RATE_PER_SECOND = 1000;
export const MAX_SOURCES = 100;

/** Why an event filter entry is not valid, or null. */
/** The providers an event pattern can name: those whose webhooks the relay takes in. */
const WEBHOOK_PROVIDERS = Object.entries(registry)
  .filter(([, spec]) => spec?.webhooks)
  .map(([id]) => id);

export function eventPatternProblem(pattern: string): string | null {
  if (pattern === '*') return null;
  const dot = pattern.indexOf('.');
  if (dot < 1) return 'must be "*", "<provider>.*" or "<provider>.<event>", e.g. vyora.call_completed';
  const provider = pattern.slice(0, dot);
  const event = pattern.slice(dot + 1);
  const spec = isProviderId(provider) ? registry[provider] : undefined;
  if (!spec) return `"${provider}" is not a provider that sends webhooks; known: ${WEBHOOK_PROVIDERS.join(', ')}`;
  const hooks = spec.webhooks;
  if (!hooks) return `${spec.name} does not send webhooks`;
  if (event === '*' || hooks.open) return event === '' ? 'names no event' : null;
  if (!hooks.events.includes(event)) {
    return `"${event}" is not a ${spec.name} event; known: ${hooks.events.map((e) => `${provider}.${e}`).join(', ')}`;
  }
  return null;
}

/** Why a test event type is not one the provider documents (a sample exists only for those), or null. */
export function concreteEventTypeProblem(type: string): string | null {
  if (type.endsWith('*')) return 'must be one event type, not a pattern, e.g. vyora.call_completed';
  const problem = eventPatternProblem(type);
  if (problem) return problem;
  const dot = type.indexOf('.');
  const spec = registry[type.slice(0, dot)];
  if (!spec?.webhooks?.events.includes(type.slice(dot + 1))) {
    const known = spec?.webhooks?.events.map((e) => `${spec.id}.${e}`).join(', ');
    return `is not an event type the provider documents, so there is no sample of it${known ? `; documented: ${known}` : ''}`;
  }
  return null;
}

// What a delivery can carry as a header: one rule for every route and schema (see there).
export { headerNameProblem, headerValueProblem } from '../../delivery/subscription-headers';

/**
 * Where a subscription's `filter` is judged beyond being a JSON object, so the schema stays
 * the one place a filter is refused, as `filter: <why>`: the filters module's own check
 * (operators, `$where`, regex safety, size and depth caps).
 */
export function validateFilter(filter: Record<string, unknown>): string | null {
  const compiled = compileFilter(filter);
  return compiled.ok ? null : compiled.message;
}

// --- Fields, each defined once and shared by the bodies below -----------------------------

const TARGET_URL_RULE = 'is required: an http or https URL of at most 2048 characters';
export const TargetUrl = z
  .string({ error: TARGET_URL_RULE })
  .min(1, TARGET_URL_RULE)
  .max(2048, TARGET_URL_RULE)
  .meta({ format: 'uri', description: 'Where deliveries are POSTed; it must reach a global unicast address, checked after DNS and again at every connection.' });

const EVENTS_RULE = `must be a list of 1 to ${MAX_EVENTS} event types, or ["*"] for all`;
const EventPattern = z
  .string({ error: 'must be a string' })
  .superRefine((pattern, ctx) => {
    const problem = eventPatternProblem(pattern);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ examples: ['vyora.call_completed', 'vyora.*', '*'] });
/** Event types and patterns, duplicates dropped in order. */
export const Events = z
  .array(EventPattern, { error: EVENTS_RULE })
  .min(1, EVENTS_RULE)
  .max(MAX_EVENTS, EVENTS_RULE)
  .overwrite((list) => [...new Set(list)])
  .describe('Event types (`vyora.call_completed`), a provider\'s every type (`vyora.*`) or everything (`*`).');

const HeaderName = z.string().superRefine((name, ctx) => {
  const problem = headerNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const HeaderValue = z.string({ error: 'must be a string' }).superRefine((value, ctx) => {
  const problem = headerValueProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
/** Custom delivery headers (Make's x-make-apikey): names lower-cased; null or absent is none. */
export const Headers = z
  .record(HeaderName, HeaderValue, { error: 'must be an object of header names to string values' })
  .superRefine((headers, ctx) => {
    if (Object.keys(headers).length > MAX_HEADERS) ctx.addIssue({ code: 'custom', message: `must have at most ${MAX_HEADERS} headers` });
  })
  .nullish()
  .transform((headers) => Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])))
  .meta({ maxProperties: MAX_HEADERS, description: "Sent with every delivery, e.g. Make's x-make-apikey. Values are never shown back." });

export const Description = z
  .string({ error: `must be a string of at most ${MAX_DESCRIPTION} characters, or null` })
  .max(MAX_DESCRIPTION, `must be a string of at most ${MAX_DESCRIPTION} characters, or null`)
  .nullable();

export const SubscriptionStatus = z.enum(['active', 'disabled']);

/** A MongoDB-style query over the delivery body; its operators are checked by `validateFilter`. */
export const Filter = z
  .record(z.string(), z.unknown(), { error: 'must be a JSON object (a MongoDB-style query over the delivery body), or null' })
  .superRefine((filter, ctx) => {
    const problem = validateFilter(filter);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .nullable()
  .meta({ examples: [{ 'data.analysis.classification': 'Interested' }, { 'data.duration_seconds': { $gte: 30 } }] });

const RATE_RULE = `must be a number above 0 and at most ${MAX_RATE_PER_SECOND} (fractions allowed: 0.5 is one every 2 s), or null`;
export const RateLimitPerSecond = z
  .number({ error: RATE_RULE })
  .gt(0, RATE_RULE)
  .max(MAX_RATE_PER_SECOND, RATE_RULE)
  .nullable()
  .describe('At most this many delivery attempts started per second, across replicas; null is no limit.');

const SOURCES_RULE = `must be a list of 1 to ${MAX_SOURCES} source ids, or null for all sources`;
/** Source ids; null means every source (the default). */
export const Sources = z
  .array(SourceId, { error: SOURCES_RULE })
  .min(1, SOURCES_RULE)
  .max(MAX_SOURCES, SOURCES_RULE)
  .overwrite((list) => [...new Set(list)])
  .nullable();

// --- Bodies ---------------------------------------------------------------------------------

export const SubscriptionCreateBody = z.strictObject({
  target_url: TargetUrl,
  events: Events.default(['*']),
  headers: Headers.optional(),
  description: Description.optional(),
  filter: Filter.optional(),
  rate_limit_per_second: RateLimitPerSecond.optional(),
  sources: Sources.optional(),
});

const PATCHABLE = ['target_url', 'events', 'headers', 'description', 'filter', 'rate_limit_per_second', 'sources', 'status'] as const;
export const SubscriptionPatchBody = z
  .strictObject({
    target_url: TargetUrl.optional(),
    events: Events.optional(),
    headers: Headers.optional().describe('Replaces the whole map; {} or null removes every custom header.'),
    description: Description.optional(),
    filter: Filter.optional().describe('null removes the filter.'),
    rate_limit_per_second: RateLimitPerSecond.optional(),
    sources: Sources.optional().describe('null means every source.'),
    status: SubscriptionStatus.optional().describe('"disabled" cancels pending deliveries; "active" resumes for events that arrive from then on.'),
  })
  // Only once every field is known: an unknown one is its own, clearer, refusal.
  .refine((body) => Object.keys(body).length > 0, { message: `must change at least one of ${PATCHABLE.join(', ')}`, when: (payload) => payload.issues.length === 0 });

export const SubscriptionTestBody = z.strictObject({
  type: z.string({ error: 'is required: a documented event type, e.g. vyora.call_completed' }).superRefine((type, ctx) => {
    const problem = concreteEventTypeProblem(type);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
});

export const FilterTestBody = z
  .strictObject({
    event_id: z.string({ error: 'must be an event id (evt_…)' }).min(1).max(100).optional().describe('Test against the delivery body of this stored event.'),
    payload: z.record(z.string(), z.unknown(), { error: 'must be a JSON object: a delivery body' }).optional().describe('Test against this delivery body.'),
    filter: Filter.optional().describe("An unsaved filter to try; without it, the subscription's own (no filter matches everything)."),
  })
  .superRefine((body, ctx) => {
    if ((body.event_id === undefined) === (body.payload === undefined)) {
      const message = 'send exactly one of event_id and payload';
      ctx.addIssue({ code: 'custom', path: [body.event_id === undefined ? 'event_id' : 'payload'], message });
    }
  });

// --- Answers --------------------------------------------------------------------------------

export const Subscription = z
  .object({
    id: z.string().meta({ examples: ['sub_9yJdKc1mNq2Lr8sT0uVwXyZa'] }),
    secret: z
      .string()
      .optional()
      .describe('Standard Webhooks signing secret (whsec_…): on create, on GET of one subscription and from rotate-secret only.'),
    target_url: z.string(),
    events: z.array(z.string()),
    headers: z.record(z.string(), z.literal('********')).describe('Header names; values are never shown.'),
    description: z.string().nullable(),
    status: SubscriptionStatus,
    disabled_reason: z.string().nullable().meta({ examples: ['the receiver answered 410 Gone'] }),
    filter: z.record(z.string(), z.unknown()).nullable(),
    rate_limit_per_second: z.number().nullable(),
    sources: z.array(z.string()).nullable().describe('null: every source.'),
    previous_secret_expires_at: timestamp.nullable().describe('While a rotation overlap runs, deliveries are signed with both secrets until then.'),
    created_at: timestamp,
    updated_at: timestamp,
  });

export const RotateSecretAnswer = z.object({
  secret: z.string().describe('The new signing secret (whsec_…).'),
  previous_secret_expires_at: timestamp.describe('Until then each delivery carries a signature with the old secret too.'),
});

export const SubscriptionTestAnswer = z.object({
  event_id: z.string().describe('The stored test event (never fanned out or streamed).'),
  delivery_id: z.number().int().describe('Its one delivery, to this subscription, through the normal worker.'),
});

export const FilterTestAnswer = z.object({ matches: z.boolean() });
