import type { ZObject } from 'zapier-platform-core';
import { CallbridgeError, ValidationError, type OperationSpec, type ProviderSpec } from './core';

/**
 * Core's one error model in the terms Zapier acts on:
 *   429                      → ThrottledError with the provider's wait, so Zapier retries later;
 *   401                      → ExpiredAuthError, so the user is asked to fix the connection;
 *   invalid input            → an error naming each field by its label and key;
 *   anything else            → the provider's own code, message and status.
 */

/** How long Zapier waits when a provider says 429 without saying for how long. */
export const DEFAULT_THROTTLE_SECONDS = 60;

function fieldLabel(op: OperationSpec | undefined, path: string): string {
  const top = path.split('.')[0] ?? path;
  const label = op?.fields[top]?.meta.label;
  return label ? `${label} (${path})` : path;
}

/** "Phone Number (phone_number) must be an E.164 phone number …; Agent ID (agent_id) …". */
export function describeIssues(e: ValidationError, op?: OperationSpec): string {
  return e.issues.map((i) => `${fieldLabel(op, i.field)} ${i.message}`).join('; ');
}

function authMessage(spec: ProviderSpec, e: CallbridgeError): string {
  return (
    `${spec.name} rejected the API key (HTTP 401${e.code ? ` ${e.code}` : ''}: ${e.message}). ` +
    `Check the key and reconnect. ${spec.keyHelp}`
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** What a provider's error details add: the field it names (Aila's `{field, expected}`) or its hint (Ayra's text). */
function detailText(details: unknown, op: OperationSpec | undefined): string | undefined {
  if (typeof details === 'string' && details.trim() !== '') return details.trim();
  const items = Array.isArray(details) ? details : [details];
  const parts = items.filter(isRecord).flatMap((d) => {
    const field = typeof d['field'] === 'string' ? d['field'] : undefined;
    if (!field) return [];
    const why = typeof d['message'] === 'string' ? d['message'] : typeof d['expected'] === 'string' ? `expected ${d['expected']}` : undefined;
    return [`${fieldLabel(op, field)}${why ? `: ${why}` : ''}`];
  });
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function providerMessage(spec: ProviderSpec, e: CallbridgeError, op: OperationSpec | undefined): string {
  const where = e.status !== null ? `HTTP ${e.status}` : e.kind;
  const request = e.requestId ? `, request ${e.requestId}` : '';
  const detail = detailText(e.details, op);
  return `${spec.name}: ${e.message}${detail ? ` (${detail})` : ''} (${where}${request})`;
}

/** The Zapier error for anything a step threw; errors that are already Zapier's pass through. */
export function toZapierError(z: ZObject, spec: ProviderSpec, e: unknown, op?: OperationSpec): Error {
  if (e instanceof ValidationError) {
    return new z.errors.Error(`Invalid input for ${spec.name}: ${describeIssues(e, op)}`, e.code, 400);
  }
  if (e instanceof CallbridgeError) {
    if (e.status === 429) {
      const seconds = e.retryAfterMs !== null ? Math.max(1, Math.ceil(e.retryAfterMs / 1000)) : DEFAULT_THROTTLE_SECONDS;
      return new z.errors.ThrottledError(`${spec.name} is rate limiting requests: ${e.message}`, seconds);
    }
    if (e.status === 401) return new z.errors.ExpiredAuthError(authMessage(spec, e));
    return new z.errors.Error(providerMessage(spec, e, op), e.code, e.status ?? undefined);
  }
  return e instanceof Error ? e : new Error(String(e));
}

/** Runs a step and rethrows whatever it throws as a Zapier error. */
export async function zapierErrors<T>(z: ZObject, spec: ProviderSpec, op: OperationSpec | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw toZapierError(z, spec, e, op);
  }
}
