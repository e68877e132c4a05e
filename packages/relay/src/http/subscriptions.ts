import { randomBytes } from 'node:crypto';
import { generateWebhookSecret } from '@callbridge/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from './app';
import { deliveryBody } from '../delivery/payload';
import { compileFilter, compileStoredFilter } from '../filters/compile';
import { checkTargetUrl } from '../security/ssrf';
import type { Subscription as StoredSubscription, SubscriptionPatch } from '../storage/types';
import { HttpError } from './replies';
import { canSeeEvent, canSeeSubscription, scopeOf } from './scope';
import { answer, cursorQuery, failure, idParams, INVALID, limitQuery, noContent, page } from './schemas/common';
import {
  FilterTestAnswer,
  FilterTestBody,
  RotateSecretAnswer,
  Subscription,
  SubscriptionCreateBody,
  SubscriptionPatchBody,
  SubscriptionTestAnswer,
  SubscriptionTestBody,
} from './schemas/subscriptions';
import { sampleEvent } from './test-events';
import { invalid } from './validate';

export { eventPatternProblem } from './schemas/subscriptions';

/**
 * `/v1/subscriptions`: where Make instant triggers, Zapier REST hooks and n8n trigger
 * nodes attach and detach, and where an operator edits, pauses, filters, rate-limits,
 * rotates and tests them. The signing secret is shown on creation, on a GET of the one
 * subscription and by rotate-secret, never in listings; header values are never shown.
 */
export const SubscriptionAnswer = Subscription.meta({ id: 'Subscription' });
const ListQuery = z.object({ cursor: cursorQuery, limit: limitQuery(100, 500) });
const Params = idParams('Subscription id (sub_…)');
const NOT_FOUND = failure('No such subscription (or not one this token may see).');
const TARGET_REFUSED = failure('target_url resolves to a loopback, private, link-local or metadata address.');

function newSubscriptionId(): string {
  return `sub_${randomBytes(12).toString('base64url')}`;
}

/** The public form. Header values may be credentials (Make's x-make-apikey): only names are shown. */
export function subscriptionJson(sub: StoredSubscription, secret: string | null, now: number): z.output<typeof SubscriptionAnswer> {
  const overlap = sub.previousSecretExpiresAt;
  return {
    id: sub.id,
    ...(secret !== null ? { secret } : {}),
    target_url: sub.targetUrl,
    events: [...sub.events],
    headers: Object.fromEntries(Object.keys(sub.headers).map((k) => [k, '********' as const])),
    description: sub.description,
    status: sub.status,
    disabled_reason: sub.disabledReason,
    filter: sub.filter === null ? null : (JSON.parse(sub.filter) as Record<string, unknown>),
    rate_limit_per_second: sub.rateLimitPerSecond,
    sources: sub.sources,
    previous_secret_expires_at: overlap !== null && sub.previousSecret !== null && overlap > now ? new Date(overlap).toISOString() : null,
    created_at: sub.createdAt,
    updated_at: sub.updatedAt,
  };
}

export function registerSubscriptionRoutes(app: FastifyInstance, deps: AppDeps): void {
  const v1 = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['subscriptions'];
  const { storage, secrets, clock } = deps;

  /** The target after the SSRF check (at create and on every change of it). */
  const checkedTarget = async (target: string): Promise<string> => {
    const checked = await checkTargetUrl(target, { allowPrivate: deps.config.allowPrivateTargets });
    if (!checked.ok) {
      const status = checked.kind === 'forbidden' ? 422 : 400;
      const code = checked.kind === 'forbidden' ? 'target_not_allowed' : 'validation_error';
      throw new HttpError(status, code, `target_url ${checked.message}`, [{ field: 'target_url', message: checked.message }]);
    }
    return checked.url.toString();
  };

  /**
   * The sources a subscription may be limited to: each must exist; a scoped token may name
   * only its own, and its subscriptions are limited to its sources (never "every source").
   */
  const checkedSources = (req: FastifyRequest, sources: readonly string[] | null | undefined, creating: boolean): readonly string[] | null | undefined => {
    const scope = scopeOf(req);
    if (sources === undefined) return creating && scope !== null ? scope : undefined;
    if (sources === null) {
      if (scope !== null) throw invalid([{ field: 'sources', message: "must list sources: this token's subscriptions are limited to its own sources" }]);
      return null;
    }
    const issues = sources.flatMap((s, i) =>
      (scope === null || scope.includes(s)) && deps.sources.exists(s) ? [] : [{ field: `sources.${i}`, message: `there is no source ${s}` }],
    );
    if (issues.length) throw invalid(issues);
    return sources;
  };

  /** The stored filter text: compiled once here (the schema already refused a bad one). */
  const filterText = (filter: Record<string, unknown> | null | undefined): string | null | undefined => {
    if (filter === undefined || filter === null) return filter;
    const compiled = compileFilter(filter);
    if (!compiled.ok) throw invalid([{ field: 'filter', message: compiled.message }]);
    return compiled.filter.text;
  };

  const visible = async (req: FastifyRequest, id: string): Promise<StoredSubscription> => {
    const sub = await storage.getSubscription(id);
    if (!sub || !canSeeSubscription(req, sub)) throw new HttpError(404, 'not_found', `no subscription ${id}`);
    return sub;
  };

  v1.post(
    '/subscriptions',
    {
      schema: {
        tags,
        summary: 'Subscribe a URL to events',
        body: SubscriptionCreateBody,
        response: { 201: answer('Created; keep the secret to verify deliveries.', SubscriptionAnswer), 400: INVALID, 422: TARGET_REFUSED },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const sources = checkedSources(req, body.sources, true);
      const filter = filterText(body.filter);
      // After the schema: only a well-formed URL is worth a DNS lookup.
      const targetUrl = await checkedTarget(body.target_url);
      const secret = generateWebhookSecret();
      const sub = await storage.createSubscription({
        id: newSubscriptionId(),
        targetUrl,
        events: body.events,
        headers: secrets.sealHeaders(body.headers ?? {}),
        secret: secrets.seal(secret),
        createdAt: new Date(clock.now()).toISOString(),
        description: body.description ?? null,
        filter: filter ?? null,
        rateLimitPerSecond: body.rate_limit_per_second ?? null,
        sources: sources ?? null,
      });
      req.log.info({ subscriptionId: sub.id, events: sub.events }, `subscription ${sub.id} created for ${sub.events.join(', ')}`);
      return reply.code(201).send(subscriptionJson(sub, secret, clock.now()));
    },
  );

  v1.get(
    '/subscriptions',
    {
      schema: {
        tags,
        summary: 'List subscriptions (without their secrets)',
        querystring: ListQuery,
        response: { 200: answer('A page.', page(SubscriptionAnswer)), 400: INVALID },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const result = await storage.listSubscriptions(req.query.limit, req.query.cursor, scope ?? undefined);
      return { data: result.items.map((s) => subscriptionJson(s, null, clock.now())), next_cursor: result.nextCursor };
    },
  );

  v1.get(
    '/subscriptions/:id',
    {
      schema: { tags, summary: 'Get a subscription, with its secret', params: Params, response: { 200: answer('Found.', SubscriptionAnswer), 404: NOT_FOUND } },
    },
    async (req) => {
      const sub = await visible(req, req.params.id);
      return subscriptionJson(sub, secrets.reveal(sub.secret), clock.now());
    },
  );

  v1.patch(
    '/subscriptions/:id',
    {
      schema: {
        tags,
        summary: 'Change a subscription: any of its fields; disable or enable it',
        description:
          'Disabling cancels its pending deliveries (state `cancelled`, replayable by `POST /v1/deliveries/replay {"state":"cancelled"}`); enabling applies to events that arrive from then on. `filter`, `rate_limit_per_second` and `description` take null to clear.',
        params: Params,
        body: SubscriptionPatchBody,
        response: { 200: answer('The subscription as changed.', SubscriptionAnswer), 400: INVALID, 404: NOT_FOUND, 422: TARGET_REFUSED },
      },
    },
    async (req) => {
      const before = await visible(req, req.params.id);
      const body = req.body;
      const patch: SubscriptionPatch = {};
      const sources = checkedSources(req, body.sources, false);
      if (sources !== undefined) patch.sources = sources;
      const filter = filterText(body.filter);
      if (filter !== undefined) patch.filter = filter;
      if (body.target_url !== undefined) patch.targetUrl = await checkedTarget(body.target_url);
      if (body.events !== undefined) patch.events = body.events;
      if (body.headers !== undefined) patch.headers = secrets.sealHeaders(body.headers);
      if (body.description !== undefined) patch.description = body.description;
      if (body.rate_limit_per_second !== undefined) patch.rateLimitPerSecond = body.rate_limit_per_second;
      if (body.status === 'disabled' && before.status !== 'disabled') patch.status = { status: 'disabled', reason: 'disabled by PATCH' };
      if (body.status === 'active' && before.status !== 'active') patch.status = { status: 'active' };
      const sub = await storage.updateSubscription(before.id, patch, clock.now());
      if (!sub) throw new HttpError(404, 'not_found', `no subscription ${before.id}`);
      req.log.info({ subscriptionId: sub.id, fields: Object.keys(body) }, `subscription ${sub.id} changed: ${Object.keys(body).join(', ')}`);
      return subscriptionJson(sub, null, clock.now());
    },
  );

  v1.delete(
    '/subscriptions/:id',
    {
      schema: { tags, summary: 'Unsubscribe; pending deliveries are cancelled', params: Params, response: { 204: noContent('Deleted.'), 404: NOT_FOUND } },
    },
    async (req, reply) => {
      const sub = await visible(req, req.params.id);
      if (!(await storage.deleteSubscription(sub.id))) throw new HttpError(404, 'not_found', `no subscription ${sub.id}`);
      req.log.info({ subscriptionId: sub.id }, `subscription ${sub.id} deleted`);
      return reply.code(204).send();
    },
  );

  v1.post(
    '/subscriptions/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'Rotate the signing secret, keeping the old one valid for RELAY_SECRET_OVERLAP',
        description: 'Until `previous_secret_expires_at` each delivery carries two signatures, `v1,<new> v1,<old>`, so a receiver can switch whenever it likes.',
        params: Params,
        response: { 200: answer('The new secret.', RotateSecretAnswer), 404: NOT_FOUND },
      },
    },
    async (req) => {
      const sub = await visible(req, req.params.id);
      const secret = generateWebhookSecret();
      const until = clock.now() + deps.config.secretOverlapMs;
      const rotated = await storage.rotateSecret(sub.id, secrets.seal(secret), until, clock.now());
      if (!rotated) throw new HttpError(404, 'not_found', `no subscription ${sub.id}`);
      req.log.info({ subscriptionId: sub.id }, `subscription ${sub.id}: secret rotated; the previous one signs too until ${new Date(until).toISOString()}`);
      return { secret, previous_secret_expires_at: new Date(until).toISOString() };
    },
  );

  v1.post(
    '/subscriptions/:id/test',
    {
      schema: {
        tags,
        summary: "Send the provider documents' sample of an event type, marked test",
        description:
          'Stored as a test event (source `test`, never fanned out or streamed) with one delivery to this subscription, signed and retried like any other, its attempts recorded. The body carries `"test": true`.',
        params: Params,
        body: SubscriptionTestBody,
        response: {
          202: answer('Queued.', SubscriptionTestAnswer),
          400: INVALID,
          404: NOT_FOUND,
          409: failure('The subscription is disabled.'),
        },
      },
    },
    async (req, reply) => {
      const sub = await visible(req, req.params.id);
      const { type } = req.body;
      const provider = type.slice(0, type.indexOf('.'));
      if (!sub.events.some((p) => p === '*' || p === type || p === `${provider}.*`)) {
        // Input the subscription cannot take, as CONTRACT names it: a 400 naming `type`.
        throw invalid([{ field: 'type', message: `is not among this subscription's events (${sub.events.join(', ')})` }]);
      }
      if (sub.status !== 'active') throw new HttpError(409, 'subscription_disabled', `subscription ${sub.id} is disabled: ${sub.disabledReason ?? ''}`);
      const now = clock.now();
      const made = await storage.addTestDelivery(sampleEvent(type, now), sub.id, now);
      if (!made) throw new HttpError(409, 'subscription_disabled', `subscription ${sub.id} is disabled`);
      req.log.info({ subscriptionId: sub.id, eventId: made.eventId, type }, `test ${type} queued for subscription ${sub.id}`);
      return reply.code(202).send({ event_id: made.eventId, delivery_id: made.deliveryId });
    },
  );

  v1.post(
    '/subscriptions/:id/filter-test',
    {
      schema: {
        tags,
        summary: 'Try a filter on a stored event or a delivery body, before saving it',
        params: Params,
        body: FilterTestBody,
        response: { 200: answer('Whether it matches.', FilterTestAnswer), 400: INVALID, 404: failure('No such subscription or event.') },
      },
    },
    async (req) => {
      const sub = await visible(req, req.params.id);
      const { event_id: eventId, payload, filter: unsaved } = req.body;
      let body: unknown = payload;
      if (eventId !== undefined) {
        const event = await storage.getEvent(eventId);
        if (!event || !canSeeEvent(req, event)) throw new HttpError(404, 'not_found', `no event ${eventId}`);
        body = JSON.parse(deliveryBody({ ...event, createdAt: event.createdAt })) as unknown;
      }
      const text = unsaved !== undefined && unsaved !== null ? filterText(unsaved) : unsaved === null ? null : sub.filter;
      if (text === null || text === undefined) return { matches: true };
      const compiled = compileStoredFilter(text);
      return { matches: compiled ? compiled.matches(body) : false };
    },
  );
}
