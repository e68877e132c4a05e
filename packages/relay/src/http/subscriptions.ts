import { randomBytes } from 'node:crypto';
import { generateWebhookSecret } from '@callbridge/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from './app';
import { checkTargetUrl } from '../security/ssrf';
import type { Subscription as StoredSubscription } from '../storage/types';
import { HttpError } from './replies';
import { answer, cursorQuery, failure, idParams, INVALID, limitQuery, noContent, page } from './schemas/common';
import { Subscription, SubscriptionCreateBody } from './schemas/subscriptions';

export { eventPatternProblem } from './schemas/subscriptions';

/**
 * `/v1/subscriptions`: where Make instant triggers, Zapier REST hooks and n8n trigger
 * nodes attach and detach. The signing secret is shown on creation and on a GET of the one
 * subscription, never in listings.
 *
 * The contract's newer fields (description, filter, rate limit, sources, rotation) have
 * their schemas in ./schemas/subscriptions; these routes take and answer the fields storage
 * holds today, picked from those schemas so that each field is still defined once.
 */
export const SubscriptionAnswer = Subscription.pick({
  id: true,
  secret: true,
  target_url: true,
  events: true,
  headers: true,
  status: true,
  disabled_reason: true,
  created_at: true,
}).meta({ id: 'Subscription' });
const CreateBody = SubscriptionCreateBody.pick({ target_url: true, events: true, headers: true });
const ListQuery = z.object({ cursor: cursorQuery, limit: limitQuery(100, 500) });
const Params = idParams('Subscription id (sub_…)');
const NOT_FOUND = failure('No such subscription.');

function newSubscriptionId(): string {
  return `sub_${randomBytes(12).toString('base64url')}`;
}

/** The public form. Header values may be credentials (Make's x-make-apikey): only names are shown. */
export function subscriptionJson(sub: StoredSubscription, withSecret: boolean): z.output<typeof SubscriptionAnswer> {
  return {
    id: sub.id,
    ...(withSecret ? { secret: sub.secret } : {}),
    target_url: sub.targetUrl,
    events: [...sub.events],
    headers: Object.fromEntries(Object.keys(sub.headers).map((k) => [k, '********' as const])),
    status: sub.status,
    disabled_reason: sub.disabledReason,
    created_at: sub.createdAt,
  };
}

export function registerSubscriptionRoutes(app: FastifyInstance, deps: AppDeps): void {
  const v1 = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['subscriptions'];

  v1.post(
    '/subscriptions',
    {
      schema: {
        tags,
        summary: 'Subscribe a URL to events',
        body: CreateBody,
        response: {
          201: answer('Created; keep the secret to verify deliveries.', SubscriptionAnswer),
          400: INVALID,
          422: failure('target_url is, or resolves to, an address that is not global unicast (loopback, private, link-local, metadata, reserved, or an IPv6 form of one), or does not resolve.'),
        },
      },
    },
    async (req, reply) => {
      const { target_url: target, events, headers } = req.body;
      // After the schema: only a well-formed URL is worth a DNS lookup.
      const checked = await checkTargetUrl(target, { allowPrivate: deps.config.allowPrivateTargets });
      if (!checked.ok) {
        const status = checked.kind === 'forbidden' ? 422 : 400;
        const code = checked.kind === 'forbidden' ? 'target_not_allowed' : 'validation_error';
        throw new HttpError(status, code, `target_url ${checked.message}`, [{ field: 'target_url', message: checked.message }]);
      }
      const sub = await deps.storage.createSubscription({
        id: newSubscriptionId(),
        targetUrl: checked.url.toString(),
        events,
        headers: headers ?? {},
        secret: generateWebhookSecret(),
        createdAt: new Date(deps.clock.now()).toISOString(),
      });
      req.log.info({ subscriptionId: sub.id, events }, 'subscription created');
      return reply.code(201).send(subscriptionJson(sub, true));
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
      const page = await deps.storage.listSubscriptions(req.query.limit, req.query.cursor);
      return { data: page.items.map((s) => subscriptionJson(s, false)), next_cursor: page.nextCursor };
    },
  );

  v1.get(
    '/subscriptions/:id',
    {
      schema: {
        tags,
        summary: 'Get a subscription, with its secret',
        params: Params,
        response: { 200: answer('Found.', SubscriptionAnswer), 404: NOT_FOUND },
      },
    },
    async (req) => {
      const { id } = req.params;
      const sub = await deps.storage.getSubscription(id);
      if (!sub) throw new HttpError(404, 'not_found', `no subscription ${id}`);
      return subscriptionJson(sub, true);
    },
  );

  v1.delete(
    '/subscriptions/:id',
    {
      schema: {
        tags,
        summary: 'Unsubscribe; pending deliveries are cancelled',
        params: Params,
        response: { 204: noContent('Deleted.'), 404: NOT_FOUND },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      if (!(await deps.storage.deleteSubscription(id))) throw new HttpError(404, 'not_found', `no subscription ${id}`);
      req.log.info({ subscriptionId: id }, 'subscription deleted');
      return reply.code(204).send();
    },
  );
}
