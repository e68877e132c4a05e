import type { FastifyInstance } from 'fastify';
import type { AppDeps } from './app';
import type { AttemptRecord, DeliveryRecord, DeliveryState, StoredEvent } from '../storage/types';
import { HttpError } from './replies';
import { asObject, invalid, limitParam, oneOf, optionalString, rejectUnknown } from './validate';

/**
 * `/v1/events` and `/v1/deliveries`: what arrived, what happened to each delivery, and
 * replays — of one event, one delivery, or every delivery a filter selects (the usual
 * case: every dead delivery of one subscription once its receiver is fixed).
 */
const STATES: readonly DeliveryState[] = ['pending', 'succeeded', 'dead', 'cancelled'];

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function eventJson(e: StoredEvent): Record<string, unknown> {
  return {
    id: e.id,
    type: e.type,
    provider: e.provider,
    created_at: e.createdAt,
    received_at: iso(e.receivedAt),
    data: JSON.parse(e.data) as unknown,
  };
}

export function deliveryJson(d: DeliveryRecord): Record<string, unknown> {
  return {
    id: d.id,
    event_id: d.eventId,
    type: d.eventType,
    provider: d.provider,
    subscription_id: d.subscriptionId,
    state: d.state,
    attempts: d.attempts,
    next_attempt_at: iso(d.nextAttemptAt),
    last_status: d.lastStatus,
    last_error: d.lastError,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
  };
}

function attemptJson(a: AttemptRecord): Record<string, unknown> {
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

function cursorOf(q: Record<string, unknown>): string | undefined {
  const c = q['cursor'];
  return typeof c === 'string' && c !== '' ? c : undefined;
}

export function registerEventRoutes(v1: FastifyInstance, deps: AppDeps): void {
  const { storage, clock } = deps;

  v1.get('/events', async (req) => {
    const q = req.query as Record<string, unknown>;
    const provider = optionalString(q, 'provider', 40);
    const type = optionalString(q, 'type', 200);
    const cursor = cursorOf(q);
    const page = await storage.listEvents({
      limit: limitParam(q, 25, 100),
      ...(provider ? { provider } : {}),
      ...(type ? { type } : {}),
      ...(cursor ? { cursor } : {}),
    });
    return { data: page.items.map(eventJson), next_cursor: page.nextCursor };
  });

  v1.get('/events/:id', async (req) => {
    const { id } = req.params as { id: string };
    const event = await storage.getEvent(id);
    if (!event) throw new HttpError(404, 'not_found', `no event ${id}`);
    const [deliveries, attempts] = await Promise.all([
      storage.listDeliveries({ eventId: id, limit: 1000 }),
      storage.listAttempts(id),
    ]);
    return { ...eventJson(event), deliveries: deliveries.items.map(deliveryJson), attempts: attempts.map(attemptJson) };
  });

  v1.post('/events/:id/replay', async (req, reply) => {
    const { id } = req.params as { id: string };
    const body = asObject(req.body, false);
    rejectUnknown(body, ['subscription_id']);
    const subscriptionId = optionalString(body, 'subscription_id', 100);
    if (!(await storage.getEvent(id))) throw new HttpError(404, 'not_found', `no event ${id}`);
    const now = clock.now();
    if (subscriptionId) {
      const sub = await storage.getSubscription(subscriptionId);
      if (!sub) throw new HttpError(404, 'not_found', `no subscription ${subscriptionId}`);
      if (sub.status !== 'active') {
        throw new HttpError(409, 'subscription_disabled', `subscription ${subscriptionId} is disabled: ${sub.disabledReason ?? ''}`);
      }
      // An event that arrived before the subscription existed gets its first delivery.
      if (await storage.addDelivery(id, subscriptionId, now)) return reply.code(202).send({ replayed: 1, skipped: 0 });
      return reply.code(202).send(await storage.replayDeliveries({ eventId: id, subscriptionId }, now));
    }
    return reply.code(202).send(await storage.replayDeliveries({ eventId: id }, now));
  });

  v1.get('/deliveries', async (req) => {
    const q = req.query as Record<string, unknown>;
    const state = oneOf(q, 'state', STATES);
    const subscriptionId = optionalString(q, 'subscription_id', 100);
    const provider = optionalString(q, 'provider', 40);
    const type = optionalString(q, 'type', 200);
    const eventId = optionalString(q, 'event_id', 100);
    const cursor = cursorOf(q);
    const page = await storage.listDeliveries({
      limit: limitParam(q, 25, 100),
      ...(state ? { state } : {}),
      ...(subscriptionId ? { subscriptionId } : {}),
      ...(provider ? { provider } : {}),
      ...(type ? { type } : {}),
      ...(eventId ? { eventId } : {}),
      ...(cursor ? { cursor } : {}),
    });
    return { data: page.items.map(deliveryJson), next_cursor: page.nextCursor };
  });

  v1.post('/deliveries/replay', async (req, reply) => {
    const body = asObject(req.body, false);
    rejectUnknown(body, ['state', 'subscription_id', 'provider', 'type', 'event_id']);
    // Replaying succeeded deliveries in bulk would resend everything: dead is the default.
    const state = oneOf(body, 'state', ['dead', 'pending', 'succeeded'] as const) ?? 'dead';
    const subscriptionId = optionalString(body, 'subscription_id', 100);
    const provider = optionalString(body, 'provider', 40);
    const type = optionalString(body, 'type', 200);
    const eventId = optionalString(body, 'event_id', 100);
    const result = await storage.replayDeliveries(
      {
        state,
        ...(subscriptionId ? { subscriptionId } : {}),
        ...(provider ? { provider } : {}),
        ...(type ? { type } : {}),
        ...(eventId ? { eventId } : {}),
      },
      clock.now(),
    );
    req.log.info({ state, subscriptionId, provider, type, ...result }, 'bulk replay');
    return reply.code(202).send(result);
  });

  v1.post('/deliveries/:id/replay', async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!/^\d{1,15}$/.test(id)) throw invalid([{ field: 'id', message: 'must be a delivery id (a number)' }]);
    const deliveryId = Number(id);
    const found = await storage.listDeliveries({ deliveryId, limit: 1 });
    const delivery = found.items[0];
    if (!delivery) throw new HttpError(404, 'not_found', `no delivery ${id}`);
    const result = await storage.replayDeliveries({ deliveryId }, clock.now());
    if (result.replayed === 0) {
      throw new HttpError(409, 'not_replayable', `delivery ${id} cannot be replayed: its subscription is disabled or deleted, or it is being sent`);
    }
    return reply.code(202).send(result);
  });
}
