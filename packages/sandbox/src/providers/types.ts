import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderId } from '@callbridge/core';
import { ApiFailure, type BadInput } from '../support/failure';
import type { RateDecision, RateRule } from '../support/rate-limit';
import type { Runtime } from '../runtime';

/** Who sent a request, once its key is accepted. */
export interface Caller {
  key: string;
  /** A read-only key (contains `readonly`): refused with 403 on writes where the provider documents permissions. */
  readOnly: boolean;
}

export interface HandlerContext {
  operation: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** The parsed JSON body, or undefined when none was sent. */
  body: unknown;
  caller: Caller;
  now: number;
  requestId: string;
  /** This provider's base URL as the caller reached it, e.g. http://127.0.0.1:4010/ayra (for links). */
  publicBase: string;
  runtime: Runtime;
}

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: HandlerContext) => Reply;

/**
 * Everything the server needs to speak as one provider: how it authenticates, how its
 * errors and rate-limit headers look, and a handler per core operation.
 */
export interface ProviderProfile {
  id: ProviderId;
  /** The fixed demo key, printed at start. */
  demoKey: string;
  /** A demo key that may read but not write, where the provider documents permissions. */
  readOnlyKey?: string;
  /** Which keys are accepted, in words (for the banner and the admin info). */
  keyRule: string;
  /** Returns the caller or throws the provider's 401. */
  authenticate(headers: IncomingHttpHeaders): Caller;
  /** The provider's documented error body for a failure. */
  errorBody(failure: ApiFailure, requestId: string): unknown;
  /** The provider's answer to a bad field: status, code and wording. */
  fromBadInput(e: BadInput): ApiFailure;
  /** The provider's failure for a bare status (injected faults, 404 routes, 429s). */
  failureFor(status: number): ApiFailure;
  /** The documented rate-limit headers, sent on every authenticated answer (none where undocumented). */
  rateLimitHeaders(decision: RateDecision): Record<string, string>;
  /** The documented plan default. */
  defaultRateRules: RateRule[];
  handlers: Record<string, Handler>;
}

/** Reads a bearer token: `Authorization: Bearer <key>`, scheme case-insensitive. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const h = headers['authorization'];
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(h);
  return m ? m[1] : undefined;
}

/** A request header's first value. */
export function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Sandbox convention, so 403s can be tried: a key containing "readonly" has read permissions only. */
export function isReadOnlyKey(key: string): boolean {
  return key.toLowerCase().includes('readonly');
}

/** Sandbox convention, so a well-shaped but dead key can be tried: one containing "revoked" gets 401. */
export function isRevokedKey(key: string): boolean {
  return key.toLowerCase().includes('revoked');
}

/**
 * A provider's failure for a bare status: its own code and wording from `table`, and for a
 * status it never documented, `fallback(status)`.
 */
export function failureTable(
  table: Record<number, readonly [code: string, message: string]>,
  fallback: (status: number) => readonly [code: string, message: string],
): (status: number) => ApiFailure {
  return (status) => {
    const [code, message] = table[status] ?? fallback(status);
    return new ApiFailure(status, code, message);
  };
}

/** ISO 8601 in UTC; whole seconds print as the documents print them (…:00Z, not …:00.000Z). */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}
