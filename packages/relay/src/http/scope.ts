import type { FastifyRequest } from 'fastify';
import type { Principal } from '../security/principals';
import type { StoredEvent, Subscription } from '../storage/types';
import { HttpError } from './replies';

/**
 * What a `/v1` caller may see. The admin sees everything; a scoped token sees the events,
 * deliveries and actions of its sources and the subscriptions limited to them, and anything
 * else answers 404 exactly as if it did not exist (so a token cannot probe another client's
 * ids). Source and token management answer 403: they are the admin's.
 */
declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the /v1 auth hook before any route runs. */
    principal: Principal;
  }
}

export const ADMIN: Principal = { kind: 'admin' };

/** The caller's sources, or null for every source (the admin). */
export function scopeOf(req: FastifyRequest): readonly string[] | null {
  return req.principal.kind === 'admin' ? null : req.principal.sources;
}

export function requireAdmin(req: FastifyRequest, what: string): void {
  if (req.principal.kind !== 'admin') throw new HttpError(403, 'forbidden', `${what} needs the admin token (RELAY_API_TOKEN); this token is scoped to some sources`);
}

/** A scoped caller sees a subscription only when it is limited to sources all within the token's. */
export function canSeeSubscription(req: FastifyRequest, sub: Subscription): boolean {
  const scope = scopeOf(req);
  return scope === null || (sub.sources !== null && sub.sources.every((s) => scope.includes(s)));
}

export function canSeeSource(req: FastifyRequest, source: string): boolean {
  const scope = scopeOf(req);
  return scope === null || scope.includes(source);
}

/** A provider event is seen through its source; a test event through its one subscription (the caller checks that). */
export function canSeeEvent(req: FastifyRequest, event: StoredEvent): boolean {
  return canSeeSource(req, event.source);
}
