import { randomBytes } from 'node:crypto';
import { generateWebhookSecret, isProviderId, providers, type ProviderSpec } from '@callbridge/core';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from './app';
import { checkTargetUrl } from '../security/ssrf';
import type { Subscription } from '../storage/types';
import { HttpError } from './replies';
import { asObject, invalid, limitParam, rejectUnknown, type Issue } from './validate';

/**
 * `/v1/subscriptions`: where Make instant triggers, Zapier REST hooks and n8n trigger
 * nodes attach and detach. The signing secret is shown on creation and on a GET of the one
 * subscription, never in listings.
 */
const registry = providers as Partial<Record<string, ProviderSpec>>;

const RESERVED = new Set([
  'content-type',
  'content-length',
  'host',
  'connection',
  'transfer-encoding',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const MAX_EVENTS = 100;
const MAX_HEADERS = 20;

/** Why an event filter entry is not valid, or null. */
export function eventPatternProblem(pattern: string): string | null {
  if (pattern === '*') return null;
  const dot = pattern.indexOf('.');
  if (dot < 1) return 'must be "*", "<provider>.*" or "<provider>.<event>", e.g. vyora.call_completed';
  const provider = pattern.slice(0, dot);
  const event = pattern.slice(dot + 1);
  const spec = isProviderId(provider) ? registry[provider] : undefined;
  if (!spec) return `"${provider}" is not a provider this relay knows; known: ${Object.keys(registry).join(', ')}`;
  const hooks = spec.webhooks;
  if (!hooks) return `${spec.name} does not send webhooks`;
  if (event === '*' || hooks.open) return event === '' ? 'names no event' : null;
  if (!hooks.events.includes(event)) {
    return `"${event}" is not a ${spec.name} event; known: ${hooks.events.map((e) => `${provider}.${e}`).join(', ')}`;
  }
  return null;
}

function parseEvents(raw: unknown, issues: Issue[]): string[] {
  if (raw === undefined) return ['*'];
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_EVENTS) {
    issues.push({ field: 'events', message: `must be a list of 1 to ${MAX_EVENTS} event types, or ["*"] for all` });
    return [];
  }
  const out: string[] = [];
  raw.forEach((e, i) => {
    if (typeof e !== 'string') return issues.push({ field: `events.${i}`, message: 'must be a string' });
    const problem = eventPatternProblem(e);
    if (problem) return issues.push({ field: `events.${i}`, message: problem });
    if (!out.includes(e)) out.push(e);
  });
  return out;
}

function parseHeaders(raw: unknown, issues: Issue[]): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push({ field: 'headers', message: 'must be an object of header names to string values' });
    return {};
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_HEADERS) issues.push({ field: 'headers', message: `must have at most ${MAX_HEADERS} headers` });
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    const field = `headers.${name}`;
    if (!HEADER_NAME.test(name)) issues.push({ field, message: 'is not a valid HTTP header name' });
    else if (RESERVED.has(name.toLowerCase())) issues.push({ field, message: 'is set by the relay and cannot be overridden' });
    else if (typeof value !== 'string' || value.length > 4096 || /[\r\n\0]/.test(value)) {
      issues.push({ field, message: 'must be a string of at most 4096 characters without line breaks' });
    } else out[name.toLowerCase()] = value;
  }
  return out;
}

function newSubscriptionId(): string {
  return `sub_${randomBytes(12).toString('base64url')}`;
}

/** The public form. Header values may be credentials (Make's x-make-apikey): only names are shown. */
export function subscriptionJson(sub: Subscription, withSecret: boolean): Record<string, unknown> {
  return {
    id: sub.id,
    ...(withSecret ? { secret: sub.secret } : {}),
    target_url: sub.targetUrl,
    events: sub.events,
    headers: Object.fromEntries(Object.keys(sub.headers).map((k) => [k, '********'])),
    status: sub.status,
    ...(sub.disabledReason ? { disabled_reason: sub.disabledReason } : {}),
    created_at: sub.createdAt,
  };
}

export function registerSubscriptionRoutes(v1: FastifyInstance, deps: AppDeps): void {
  v1.post('/subscriptions', async (req, reply) => {
    const body = asObject(req.body, true);
    rejectUnknown(body, ['target_url', 'events', 'headers']);
    const issues: Issue[] = [];
    const target = body['target_url'];
    if (typeof target !== 'string' || target.length === 0 || target.length > 2048) {
      issues.push({ field: 'target_url', message: 'is required: an http or https URL of at most 2048 characters' });
    }
    const events = parseEvents(body['events'], issues);
    const headers = parseHeaders(body['headers'], issues);
    if (issues.length) throw invalid(issues);

    const checked = await checkTargetUrl(target as string, { allowPrivate: deps.config.allowPrivateTargets });
    if (!checked.ok) {
      const status = checked.kind === 'forbidden' ? 422 : 400;
      const code = checked.kind === 'forbidden' ? 'target_not_allowed' : 'validation_error';
      throw new HttpError(status, code, `target_url ${checked.message}`, [{ field: 'target_url', message: checked.message }]);
    }
    const sub = await deps.storage.createSubscription({
      id: newSubscriptionId(),
      targetUrl: checked.url.toString(),
      events,
      headers,
      secret: generateWebhookSecret(),
      createdAt: new Date(deps.clock.now()).toISOString(),
    });
    req.log.info({ subscriptionId: sub.id, events }, 'subscription created');
    return reply.code(201).send(subscriptionJson(sub, true));
  });

  v1.get('/subscriptions', async (req) => {
    const q = req.query as Record<string, unknown>;
    const limit = limitParam(q, 100, 500);
    const cursor = typeof q['cursor'] === 'string' && q['cursor'] !== '' ? q['cursor'] : undefined;
    const page = await deps.storage.listSubscriptions(limit, cursor);
    return { data: page.items.map((s) => subscriptionJson(s, false)), next_cursor: page.nextCursor };
  });

  v1.get('/subscriptions/:id', async (req) => {
    const { id } = req.params as { id: string };
    const sub = await deps.storage.getSubscription(id);
    if (!sub) throw new HttpError(404, 'not_found', `no subscription ${id}`);
    return subscriptionJson(sub, true);
  });

  v1.delete('/subscriptions/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!(await deps.storage.deleteSubscription(id))) throw new HttpError(404, 'not_found', `no subscription ${id}`);
    req.log.info({ subscriptionId: id }, 'subscription deleted');
    return reply.code(204).send();
  });
}
