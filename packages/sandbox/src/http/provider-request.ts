import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProviderId } from '@callbridge/core';
import type { Caller, HandlerContext, ProviderProfile, Reply } from '../providers/types';
import type { Runtime } from '../runtime';
import { ApiFailure, BadInput } from '../support/failure';
import type { Faults } from '../support/faults';
import type { IdempotencyStore } from '../support/idempotency';
import type { RateDecision, RateLimits, RateRule } from '../support/rate-limit';
import { BodyTooLarge, queryRecord, readBody, sendJson } from './io';
import type { RouteTable } from './routes';

/** What answering a provider request needs beyond the request itself. */
export interface ProviderEnv {
  runtime: Runtime;
  limits: RateLimits;
  faults: Faults;
  idempotency: IdempotencyStore;
  rateRules: Record<ProviderId, readonly RateRule[] | false>;
  /** Resolves after `ms`, or never once the sandbox closes (its timers are cleared). */
  wait: (ms: number) => Promise<void>;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Outcome = { kind: 'reply'; status: number; body: unknown; headers: Record<string, string> } | { kind: 'hang' };

/**
 * One provider request, in the order a real API gateway takes it: authenticate, route,
 * count against the key's rate limit, apply any injected fault, parse the body, replay an
 * idempotent repeat, then run the operation. Every refusal is the provider's own error body.
 */
export async function answerProviderRequest(
  env: ProviderEnv,
  profile: ProviderProfile,
  routes: RouteTable,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  url: URL,
  publicBase: string,
): Promise<{ status: number | null; operation: string | null }> {
  const requestId = env.runtime.world.ids.requestId();
  const rawBody = readBody(req);
  // Answered early (a 401, a 404) the body is never awaited; its failure must not go unhandled.
  rawBody.catch(() => undefined);
  let operation: string | null = null;
  let rateHeaders: Record<string, string> = {};

  const fail = (f: ApiFailure): Outcome => ({
    kind: 'reply',
    status: f.status,
    body: profile.errorBody(f, requestId),
    headers: { ...rateHeaders, ...f.headers },
  });

  const run = async (): Promise<Outcome> => {
    const caller: Caller = profile.authenticate(req.headers);
    const method = (req.method ?? 'GET').toUpperCase();
    const route = routes.match(method, path);
    if (!route) {
      const f = profile.failureFor(404);
      return fail(new ApiFailure(404, f.code, `No route for ${method} ${path}`));
    }
    operation = route.operation;

    const rules = env.rateRules[profile.id];
    if (rules) {
      const decision: RateDecision = env.limits.take(profile.id, caller.key, rules);
      rateHeaders = profile.rateLimitHeaders(decision);
      if (!decision.allowed) {
        const f = profile.failureFor(429);
        const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
        return fail(new ApiFailure(429, f.code, f.message, null, { 'Retry-After': retryAfter }));
      }
    }

    const fault = env.faults.take(profile.id, route.operation);
    if (fault) {
      if (fault.delayMs) await env.wait(fault.delayMs);
      if (fault.hang) return { kind: 'hang' };
      if (fault.status !== undefined) {
        const headers = { ...rateHeaders, ...(fault.status === 429 ? { 'Retry-After': '1' } : {}), ...fault.headers };
        if (fault.body !== undefined) return { kind: 'reply', status: fault.status, body: fault.body, headers };
        const f = profile.failureFor(fault.status);
        return { kind: 'reply', status: fault.status, body: profile.errorBody(f, requestId), headers };
      }
    }

    let body: unknown;
    let text: string;
    try {
      text = await rawBody;
    } catch (e) {
      if (e instanceof BodyTooLarge) return fail(new ApiFailure(413, 'payload_too_large', 'Request body too large'));
      throw e;
    }
    if (WRITES.has(method) && text.trim() !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        throw new BadInput('body', 'must be valid JSON');
      }
    }

    const idemKey = method === 'POST' ? req.headers['idempotency-key'] : undefined;
    const idemScope = `${profile.id}|${caller.key}|${route.operation}`;
    if (typeof idemKey === 'string' && idemKey) {
      const stored = env.idempotency.get(idemScope, idemKey);
      if (stored) return { kind: 'reply', status: stored.status, body: stored.body, headers: { ...rateHeaders, 'Idempotent-Replayed': 'true' } };
    }

    const handler = profile.handlers[route.operation];
    if (!handler) return fail(new ApiFailure(404, profile.failureFor(404).code, `${route.operation} is not simulated by the sandbox`));
    const ctx: HandlerContext = {
      operation: route.operation,
      params: route.params,
      query: queryRecord(url.searchParams),
      body,
      caller,
      now: env.runtime.clock.now(),
      requestId,
      publicBase,
      runtime: env.runtime,
    };
    const reply: Reply = handler(ctx);
    const status = reply.status ?? 200;
    if (typeof idemKey === 'string' && idemKey && status >= 200 && status < 300) env.idempotency.put(idemScope, idemKey, { status, body: reply.body });
    return { kind: 'reply', status, body: reply.body, headers: { ...rateHeaders, ...reply.headers } };
  };

  let outcome: Outcome;
  try {
    outcome = await run();
  } catch (e) {
    if (e instanceof ApiFailure) outcome = fail(e);
    else if (e instanceof BadInput) outcome = fail(profile.fromBadInput(e));
    else {
      env.runtime.log(`${profile.id} ${operation ?? path}: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
      outcome = fail(profile.failureFor(500));
    }
  }
  if (outcome.kind === 'hang') return { status: null, operation };
  const headers: Record<string, string> = { ...outcome.headers, 'X-Request-Id': requestId };
  if (outcome.status === 401 && profile.id !== 'vyora') headers['WWW-Authenticate'] = `Bearer realm="${profile.id}"`;
  sendJson(res, outcome.status, outcome.body, headers);
  return { status: outcome.status, operation };
}
