import {
  normalizeWebhook,
  providers,
  webhookEventId,
  verifyWebhook,
  WebhookPayloadError,
  type ProviderId,
  type ProviderSpec,
  type WebhookHeaders,
} from '@callbridge/core';
import type { ProviderCredentials } from '../config';
import { DEFAULT_SOURCE, type IngestResult, type NewEvent } from '../storage/types';
import { DEFAULT_MAX_JSON_DEPTH, exceedsJsonDepth } from './json-depth';

/**
 * Admission of one inbound provider webhook: signature first, over the raw bytes, then the
 * payload's shape. A pure function of its input and the secrets, run for a whole batch just
 * before the batch is committed.
 */
export interface InboundWebhook {
  provider: ProviderId;
  /** The source it came through: `default` (the environment's, when absent) or a `src_…` id. */
  source?: string;
  /** The source's webhook secret, resolved when the request arrived; else the provider's from the secrets map. */
  secret?: string;
  body: Uint8Array;
  /** The request's headers, as node:http gives them (lower-cased names). */
  headers: WebhookHeaders;
  /** Epoch ms when the relay received it. */
  receivedAt: number;
}

/** What became of one inbound webhook: stored (maybe as a duplicate), or refused and why. */
export type IngestOutcome =
  | { stored: true; id: string; type: string; source: string; duplicate: boolean; filtered: number }
  | { stored: false; status: 400 | 401; code: string; message: string };

export type Admission = { ok: true; event: NewEvent } | { ok: false; status: 400 | 401; code: string; message: string };

/** The relay's provider settings: admission reads each one's webhook secret. */
export type WebhookSecrets = Partial<Record<ProviderId, Pick<ProviderCredentials, 'webhookSecret'>>>;

export interface AdmitOptions {
  /** Deepest nesting of objects and arrays accepted (RELAY_MAX_JSON_DEPTH); default 64. */
  maxJsonDepth?: number;
}

const registry = providers as Partial<Record<string, ProviderSpec>>;

export function admitWebhook(inbound: InboundWebhook, secret: string | undefined, options: AdmitOptions = {}): Admission {
  const spec = registry[inbound.provider];
  if (!spec?.webhooks) return { ok: false, status: 401, code: 'unknown_provider', message: `${inbound.provider} sends no webhooks` };
  if (!secret) return { ok: false, status: 401, code: 'webhook_secret_not_configured', message: `the ${spec.name} webhook secret is not configured` };
  const verdict = verifyWebhook(spec, { rawBody: inbound.body, headers: inbound.headers, secret });
  if (!verdict.ok) return { ok: false, status: 401, code: verdict.reason, message: verdict.message };
  const maxDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
  if (exceedsJsonDepth(inbound.body, maxDepth)) {
    return { ok: false, status: 400, code: 'too_deeply_nested', message: `body: objects and arrays may nest at most ${maxDepth} levels deep` };
  }
  try {
    const n = normalizeWebhook(spec, { rawBody: inbound.body, headers: inbound.headers, now: inbound.receivedAt });
    // Deduplication is per source: the same call id from two clients' workspaces is two events.
    // The default source keeps the key it always had, so existing databases still deduplicate.
    const source = inbound.source ?? DEFAULT_SOURCE;
    const dedupeKey = source === DEFAULT_SOURCE ? n.dedupeKey : `${source}:${n.dedupeKey}`;
    return {
      ok: true,
      event: {
        id: source === DEFAULT_SOURCE ? n.id : webhookEventId(spec.id, dedupeKey),
        type: n.type,
        provider: spec.id,
        event: n.event,
        createdAt: n.created_at,
        receivedAt: inbound.receivedAt,
        dedupeKey,
        data: JSON.stringify(n.data ?? null),
        source,
      },
    };
  } catch (e) {
    if (e instanceof WebhookPayloadError) return { ok: false, status: 400, code: e.reason, message: e.message };
    throw e;
  }
}

/**
 * admitWebhook for one webhook of a batch: whatever goes wrong admitting it (a bug, an input
 * nobody foresaw) refuses that webhook alone, so it can never fail the batch it arrived in.
 */
function admitOne(w: InboundWebhook, secrets: WebhookSecrets, options: AdmitOptions): Admission {
  try {
    return admitWebhook(w, w.secret ?? secrets[w.provider]?.webhookSecret, options);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, status: 400, code: 'unprocessable_webhook', message: `the relay could not read this webhook: ${why}` };
  }
}

/**
 * Admits a batch and commits what passed in one `ingest` call; each webhook gets its own
 * outcome, so one bad webhook never fails its neighbours. Only a storage failure rejects the
 * whole batch: none of it was acknowledged, so the providers retry it all.
 */
export async function ingestInbound(
  batch: readonly InboundWebhook[],
  secrets: WebhookSecrets,
  ingest: (events: readonly NewEvent[]) => Promise<IngestResult[]>,
  options: AdmitOptions = {},
): Promise<IngestOutcome[]> {
  const admissions = batch.map((w) => admitOne(w, secrets, options));
  const events: NewEvent[] = [];
  for (const a of admissions) if (a.ok) events.push(a.event);
  const results = events.length > 0 ? await ingest(events) : [];
  let at = 0;
  return admissions.map((a): IngestOutcome => {
    if (!a.ok) return { stored: false, status: a.status, code: a.code, message: a.message };
    const r = results[at++];
    if (!r) throw new Error('storage returned fewer results than events');
    return { stored: true, id: r.id, type: a.event.type, source: a.event.source ?? DEFAULT_SOURCE, duplicate: r.duplicate, filtered: r.filtered };
  });
}
