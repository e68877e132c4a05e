import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from './app';
import type { AttemptRecord, DeliveryRecord, StoredEvent } from '../storage/types';
import { HttpError } from './replies';
import { canSeeEvent, canSeeSubscription, scopeOf } from './scope';
import { answer, failure, idParams, INVALID, page } from './schemas/common';
import {
  Attempt,
  DeliveriesQuery,
  DeliveriesReplayBody,
  Delivery,
  DeliveryIdParams,
  Event,
  EventReplayBody,
  EventsQuery,
  ReplayResult,
} from './schemas/events';
import { given } from './given';

/**
 * `/v1/events` and `/v1/deliveries`: what arrived, what happened to each delivery, and
 * replays — of one event, one delivery, or every delivery a filter selects (the usual
 * case: every dead delivery of one subscription once its receiver is fixed). A scoped
 * token sees its sources' events and deliveries only; a test event it sees when it sees
 * the subscription the test was sent to.
 */
export const EventAnswer = Event.meta({ id: 'Event' });
export const DeliveryAnswer = Delivery.meta({ id: 'Delivery' });
const EventDetailAnswer = EventAnswer.extend({ deliveries: z.array(DeliveryAnswer), attempts: z.array(Attempt) });
const BulkReplayBody = DeliveriesReplayBody;
const EventParams = idParams('Event id (evt_…)');
const QUEUED = answer('Queued.', ReplayResult);

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function eventJson(e: StoredEvent): z.output<typeof EventAnswer> {
  return {
    id: e.id,
    type: e.type,
    provider: e.provider,
    source: e.source,
    ...(e.test ? { test: true as const } : {}),
    created_at: e.createdAt,
    received_at: iso(e.receivedAt),
    data: JSON.parse(e.data) as unknown,
  };
}

export function deliveryJson(d: DeliveryRecord): z.output<typeof DeliveryAnswer> {
  return {
    id: d.id,
    event_id: d.eventId,
    type: d.eventType,
    provider: d.provider,
    source: d.source,
    subscription_id: d.subscriptionId,
    state: d.state,
    attempts: d.attempts,
    next_attempt_at: isoOrNull(d.nextAttemptAt),
    last_status: d.lastStatus,
    last_error: d.lastError,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
  };
}

function attemptJson(a: AttemptRecord): z.output<typeof Attempt> {
  return {
    delivery_id: a.deliveryId,
    subscription_id: a.subscriptionId,
    attempt: a.attempt,
    started_at: iso(a.startedAt),
    duration_ms: a.durationMs,
    status: a.status,
    outcome: a.outcome,
    error: a.error,
    response_body: a.responseBody,
  };
}

export function registerEventRoutes(app: FastifyInstance, deps: AppDeps): void {
  const v1 = app.withTypeProvider<ZodTypeProvider>();
  const { storage, clock } = deps;

  /** The event, if this caller may see it; otherwise 404 as if it did not exist. */
  const visibleEvent = async (req: FastifyRequest, id: string): Promise<StoredEvent> => {
    const event = await storage.getEvent(id);
    if (event && canSeeEvent(req, event)) return event;
    if (event?.test) {
      // A test event is seen through the one subscription it was sent to.
      const [delivery] = (await storage.listDeliveries({ eventId: id, limit: 1 })).items;
      const sub = delivery ? await storage.getSubscription(delivery.subscriptionId) : null;
      if (sub && canSeeSubscription(req, sub)) return event;
    }
    throw new HttpError(404, 'not_found', `no event ${id}`);
  };

  v1.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'List events, newest first',
        querystring: EventsQuery,
        response: { 200: answer('A page.', page(EventAnswer)), 400: INVALID },
      },
    },
    async (req) => {
      const { provider, type, source, cursor, limit } = req.query;
      const scope = scopeOf(req);
      const page = await storage.listEvents({ limit, ...given({ provider, type, source, scope, cursor }) });
      return { data: page.items.map(eventJson), next_cursor: page.nextCursor };
    },
  );

  v1.get(
    '/events/:id',
    {
      schema: {
        tags: ['events'],
        summary: 'Get an event with its deliveries and attempts',
        params: EventParams,
        response: { 200: answer('Found.', EventDetailAnswer), 404: failure('No such event.') },
      },
    },
    async (req) => {
      const { id } = req.params;
      const event = await visibleEvent(req, id);
      const [deliveries, attempts] = await Promise.all([
        storage.listDeliveries({ eventId: id, limit: 1000 }),
        storage.listAttempts(id),
      ]);
      return { ...eventJson(event), deliveries: deliveries.items.map(deliveryJson), attempts: attempts.map(attemptJson) };
    },
  );

  v1.post(
    '/events/:id/replay',
    {
      schema: {
        tags: ['events'],
        summary: 'Send an event again, to every subscription it went to or to one',
        params: EventParams,
        body: EventReplayBody,
        response: {
          202: QUEUED,
          400: INVALID,
          404: failure('No such event or subscription.'),
          409: failure('The subscription is disabled.'),
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const subscriptionId = req.body?.subscription_id;
      await visibleEvent(req, id);
      const now = clock.now();
      if (subscriptionId) {
        const sub = await storage.getSubscription(subscriptionId);
        if (!sub || !canSeeSubscription(req, sub)) throw new HttpError(404, 'not_found', `no subscription ${subscriptionId}`);
        if (sub.status !== 'active') {
          throw new HttpError(409, 'subscription_disabled', `subscription ${subscriptionId} is disabled: ${sub.disabledReason ?? ''}`);
        }
        // An event that arrived before the subscription existed gets its first delivery.
        if (await storage.addDelivery(id, subscriptionId, now)) return reply.code(202).send({ replayed: 1, skipped: 0 });
        return reply.code(202).send(await storage.replayDeliveries({ eventId: id, subscriptionId }, now));
      }
      return reply.code(202).send(await storage.replayDeliveries({ eventId: id }, now));
    },
  );

  v1.get(
    '/deliveries',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'List deliveries, e.g. the dead ones',
        querystring: DeliveriesQuery,
        response: { 200: answer('A page.', page(DeliveryAnswer)), 400: INVALID },
      },
    },
    async (req) => {
      const { state, subscription_id: subscriptionId, provider, type, event_id: eventId, source, cursor, limit } = req.query;
      const scope = scopeOf(req);
      const page = await storage.listDeliveries({ limit, ...given({ state, source, scope, subscriptionId, provider, type, eventId, cursor }) });
      return { data: page.items.map(deliveryJson), next_cursor: page.nextCursor };
    },
  );

  v1.post(
    '/deliveries/replay',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Replay every delivery a filter selects (default: state dead)',
        body: BulkReplayBody,
        response: { 202: QUEUED, 400: INVALID },
      },
    },
    async (req, reply) => {
      const { state, subscription_id: subscriptionId, provider, type, event_id: eventId, source } = req.body;
      const scope = scopeOf(req);
      const result = await storage.replayDeliveries({ state, ...given({ source, scope, subscriptionId, provider, type, eventId }) }, clock.now());
      req.log.info({ state, subscriptionId, provider, type, source, ...result }, `bulk replay of ${state} deliveries: ${result.replayed} queued, ${result.skipped} skipped`);
      return reply.code(202).send(result);
    },
  );

  v1.post(
    '/deliveries/:id/replay',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Replay one delivery',
        params: DeliveryIdParams,
        response: {
          202: QUEUED,
          400: INVALID,
          404: failure('No such delivery.'),
          409: failure('Its subscription is disabled or deleted, or it is being sent.'),
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const deliveryId = Number(id);
      const scope = scopeOf(req);
      const found = await storage.listDeliveries({ deliveryId, limit: 1, ...given({ scope }) });
      const delivery = found.items[0];
      if (!delivery) throw new HttpError(404, 'not_found', `no delivery ${id}`);
      const result = await storage.replayDeliveries({ deliveryId }, clock.now());
      if (result.replayed === 0) {
        throw new HttpError(409, 'not_replayable', `delivery ${id} cannot be replayed: its subscription is disabled or deleted, or it is being sent`);
      }
      return reply.code(202).send(result);
    },
  );
}
