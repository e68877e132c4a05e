import { createHash } from 'node:crypto';
import type { ProviderId, ProviderSpec, WebhookSpec } from '../spec/types';
import { webhookEventId } from './event-id';
import { headerValue } from './headers';
import { isIsoDateTime } from './iso-time';
import { resolveSpec, webhookSpec } from './provider';
import type { WebhookHeaders } from './types';

/** A provider webhook in the relay's and the wrappers' one envelope. */
export interface NormalizedEvent {
  /** `evt_` + 26 chars, derived from provider and dedupeKey: the same provider event always gets the same id. */
  id: string;
  /** `<provider>.<event>`, e.g. `vyora.call_completed`, `aila.call.completed`. */
  type: string;
  provider: ProviderId;
  /** The provider's own event name. */
  event: string;
  /** ISO 8601: the payload's timestamp field when valid, else the injected now. */
  created_at: string;
  /** The provider's payload as sent (for Aila the whole body, which carries its `data`). */
  data: unknown;
  /** Vyora `${event}:${call_id}`; the provider's event id where it sends one; else `sha256:<hex of raw body>`. */
  dedupeKey: string;
}

export type WebhookPayloadFailure = 'malformed_json' | 'not_an_object' | 'missing_event' | 'unknown_event' | 'event_mismatch';

/** A webhook body that cannot become an event; `field` names what was wrong. */
export class WebhookPayloadError extends Error {
  readonly reason: WebhookPayloadFailure;
  readonly field: string;

  constructor(reason: WebhookPayloadFailure, field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'WebhookPayloadError';
    this.reason = reason;
    this.field = field;
  }
}

export interface NormalizeWebhookInput {
  rawBody: string | Uint8Array;
  headers: WebhookHeaders;
  /** Unix milliseconds, for created_at when the payload carries no valid timestamp; default Date.now(). */
  now?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseBody(rawBody: string | Uint8Array): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof rawBody === 'string' ? rawBody : utf8.decode(rawBody));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new WebhookPayloadError('malformed_json', 'body', `must be UTF-8 JSON (${why})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const got = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed;
    throw new WebhookPayloadError('not_an_object', 'body', `must be a JSON object (got ${got})`);
  }
  return parsed as Record<string, unknown>;
}

/** A value usable as part of a dedupe key: a non-empty string or a finite number. */
function keyPart(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * Turns a verified provider webhook into a NormalizedEvent. Call it after verifyWebhook:
 * it checks shape, not authenticity.
 */
export function normalizeWebhook(provider: ProviderId | ProviderSpec, input: NormalizeWebhookInput): NormalizedEvent {
  const spec = resolveSpec(provider);
  const hooks = webhookSpec(spec);
  const body = parseBody(input.rawBody);

  const event = eventName(spec, hooks, body, input.headers);
  const dedupeKey = dedupeKeyOf(hooks.idField, hooks.dedupeFields, event, body, input.rawBody);
  const stamp = hooks.timestampField ? body[hooks.timestampField] : undefined;
  const now = input.now ?? Date.now();
  if (!Number.isFinite(now)) throw new Error(`now: must be unix milliseconds (got ${String(input.now)})`);

  return {
    id: webhookEventId(spec.id, dedupeKey),
    type: `${spec.id}.${event}`,
    provider: spec.id,
    event,
    created_at: isIsoDateTime(stamp) ? stamp : new Date(now).toISOString(),
    data: body,
    dedupeKey,
  };
}

/**
 * The provider's event name. The signature covers the body only, so where the body names
 * the event, the body decides: a header that says otherwise is refused, or one captured
 * signed body could be re-posted under every other event name. The header names the event
 * only when the body does not.
 */
function eventName(spec: ProviderSpec, hooks: WebhookSpec, body: Record<string, unknown>, headers: WebhookHeaders): string {
  const fromHeader = hooks.eventHeader ? headerValue(headers, hooks.eventHeader.toLowerCase())?.trim() || undefined : undefined;
  const bodyValue = hooks.eventField ? body[hooks.eventField] : undefined;
  const fromBody = typeof bodyValue === 'string' && bodyValue.length > 0 ? bodyValue : undefined;
  if (fromBody !== undefined && fromHeader !== undefined && fromHeader !== fromBody) {
    throw new WebhookPayloadError(
      'event_mismatch',
      `header ${hooks.eventHeader}`,
      `says "${fromHeader}" but the signed body.${hooks.eventField} says "${fromBody}"; the signature covers only the body, so the two must agree`,
    );
  }
  const event = fromBody ?? fromHeader;
  if (!event) {
    const where = [hooks.eventHeader && `header ${hooks.eventHeader}`, hooks.eventField && `body.${hooks.eventField}`].filter(Boolean);
    throw new WebhookPayloadError('missing_event', where.join(' / ') || 'event', `${spec.name} webhooks must name their event (a non-empty string)`);
  }
  if (!hooks.open && !hooks.events.includes(event)) {
    throw new WebhookPayloadError(
      'unknown_event',
      fromBody !== undefined ? `body.${hooks.eventField}` : `header ${hooks.eventHeader}`,
      `"${event}" is not a ${spec.name} event; expected one of ${hooks.events.join(', ')}`,
    );
  }
  return event;
}

function dedupeKeyOf(
  idField: string | undefined,
  dedupeFields: readonly string[] | undefined,
  event: string,
  body: Record<string, unknown>,
  rawBody: string | Uint8Array,
): string {
  const providerId = idField ? keyPart(body[idField]) : undefined;
  if (providerId) return providerId;
  if (dedupeFields && dedupeFields.length > 0) {
    const parts = dedupeFields.map((f) => keyPart(body[f]));
    if (parts.every((p) => p !== undefined)) return `${event}:${parts.join(':')}`;
  }
  return 'sha256:' + createHash('sha256').update(rawBody).digest('hex');
}
