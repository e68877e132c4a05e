import { z } from 'zod';
import { cursorQuery, LISTED_SOURCE_ID, limitQuery, optionalText, timestamp } from './common';

/**
 * `/v1/events` and `/v1/deliveries`: what arrived, what happened to each delivery, replays;
 * and the delivery body receivers get, each with the source it arrived through.
 */
export const DELIVERY_STATES = ['pending', 'succeeded', 'dead', 'cancelled'] as const;
export const DeliveryState = z.enum(DELIVERY_STATES);

const EventSource = z.string().describe('The source it arrived through: "default", a src_… id, or "test" for test events.');

export const Event = z
  .object({
    id: z.string().meta({ examples: ['evt_01HZX3K8Q9V6T2M4N7P5R1S0AB'] }),
    type: z.string().meta({ examples: ['vyora.call_completed'] }),
    provider: z.string(),
    source: EventSource,
    created_at: timestamp.describe("When the provider says it happened."),
    received_at: timestamp,
    test: z.literal(true).optional().describe('Present on test events (POST /v1/subscriptions/<id>/test).'),
    data: z.unknown().describe("The provider's payload."),
  });

export const Delivery = z
  .object({
    id: z.number().int(),
    event_id: z.string(),
    type: z.string(),
    provider: z.string(),
    source: EventSource,
    subscription_id: z.string(),
    state: DeliveryState,
    attempts: z.number().int(),
    next_attempt_at: timestamp.nullable(),
    last_status: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  });

export const Attempt = z
  .object({
    delivery_id: z.number().int(),
    subscription_id: z.string(),
    attempt: z.number().int(),
    started_at: timestamp,
    duration_ms: z.number().describe('How long the attempt took, in milliseconds.'),
    status: z.number().int().nullable(),
    outcome: z.enum(['success', 'retry', 'dead', 'gone']),
    error: z.string().nullable(),
    response_body: z.string().nullable().describe("An excerpt of the receiver's answer."),
  })
  .meta({ id: 'Attempt' });

export const ReplayResult = z
  .object({
    replayed: z.number().int(),
    skipped: z.number().int().describe('Deliveries whose subscription is disabled or deleted.'),
  })
  .meta({ id: 'ReplayResult' });

/** What a subscription's target_url receives (and the SSE stream's `data:`). */
export const DeliveryBody = z
  .object({
    id: z.string().describe('The event id; also the webhook-id header, the same on every attempt and replay.'),
    type: z.string(),
    provider: z.string(),
    source: EventSource,
    created_at: timestamp,
    test: z.literal(true).optional().describe("Only on a subscription's test delivery: the provider documents' sample of the type asked for."),
    data: z.unknown().describe("The provider's payload."),
  });

const ProviderFilter = optionalText(40, 'e.g. vyora');
const TypeFilter = optionalText(200, 'e.g. vyora.call_completed');
const IdFilter = optionalText(100);
const SourceFilter = z
  .preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().regex(LISTED_SOURCE_ID, 'must be "default", "test" or a source id (src_…)').optional(),
  )
  .describe('A source id, or "test".');

export const EventsQuery = z.object({
  provider: ProviderFilter,
  type: TypeFilter,
  source: SourceFilter,
  cursor: cursorQuery,
  limit: limitQuery(25, 100),
});

export const DeliveriesQuery = z.object({
  state: z.preprocess((v) => (v === '' ? undefined : v), DeliveryState.optional()),
  subscription_id: IdFilter,
  provider: ProviderFilter,
  type: TypeFilter,
  event_id: IdFilter,
  source: SourceFilter,
  cursor: cursorQuery,
  limit: limitQuery(25, 100),
});

export const EventReplayBody = z
  .strictObject({ subscription_id: IdFilter.describe('Only to this subscription (also one subscribed after the event arrived).') })
  .optional();

export const DeliveriesReplayBody = z
  .strictObject({
    // Replaying succeeded deliveries in bulk would resend everything: dead is the default.
    state: DeliveryState.default('dead'),
    subscription_id: IdFilter,
    provider: ProviderFilter,
    type: TypeFilter,
    event_id: IdFilter,
    source: SourceFilter,
  })
  .default({ state: 'dead' });

export const EventDetail = Event.extend({ deliveries: z.array(Delivery), attempts: z.array(Attempt) });

export const DeliveryIdParams = z.object({
  id: z.string().regex(/^\d{1,15}$/, 'must be a delivery id (a number)').describe('Delivery id'),
});
