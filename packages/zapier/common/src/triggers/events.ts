import type { Bundle, ZObject } from 'zapier-platform-core';
import { normalizeWebhook, type ProviderSpec } from '../core';
import type { Item } from '../output';

/**
 * One instant trigger per provider event. The app names and describes its events (the
 * provider documents list only their names); the payload shape is the provider's own.
 */
export interface EventTrigger {
  /** The provider's event name, e.g. `call_completed` or `call.completed`. */
  event: string;
  /** Shown in Zapier: "Call Completed", "Analysis Ready". */
  label: string;
  description: string;
  /** "triggers on a new XXX". */
  noun: string;
  /** Real recent items in the hook's shape, where an API can list what the event is about. */
  recent?: (z: ZObject, bundle: Bundle) => Promise<Item[]>;
}

/**
 * The example body of an event, as core's provider spec holds it (the provider documents'
 * example where they give one): one copy for the relay's test deliveries, the sandbox and
 * every platform's samples.
 */
export function webhookSample(spec: ProviderSpec, event: string): Item {
  const sample = spec.webhooks?.samples?.[event];
  if (!sample) throw new Error(`${spec.id}: core has no sample of the ${event} webhook`);
  return { ...sample };
}

/** The relay's delivery envelope, which relay-backed triggers hand to Zapier as it arrives. */
export interface RelayEnvelope extends Item {
  id: string;
  type: string;
  provider: string;
  /** The relay source (provider workspace) it came from: `default` or `src_…`. */
  source?: string;
  created_at: string;
  /** Present on a subscription's test delivery (the provider documents' sample). */
  test?: true;
  data: unknown;
}

/** The envelope the relay would deliver for a provider body, from its default source: what a relay trigger's sample looks like. */
export function envelopeOf(spec: ProviderSpec, body: Item, now = Date.UTC(2026, 0, 1)): RelayEnvelope {
  const e = normalizeWebhook(spec, { rawBody: JSON.stringify(body), headers: {}, now });
  return { id: e.id, type: e.type, provider: e.provider, source: 'default', created_at: e.created_at, data: e.data };
}
