import { randomBytes } from 'node:crypto';
import { normalizeWebhook, providers, type ProviderSpec } from '@callbridge/core';
import { TEST_SOURCE, type NewEvent } from '../storage/types';

const registry = providers as Partial<Record<string, ProviderSpec>>;

/**
 * A test event of a documented type: the provider documents' sample (core's webhook samples),
 * normalized exactly as a real webhook of that type would be, so the delivery's `data` is
 * what a real one carries. Its id and dedupe key are fresh, so each test is its own event.
 * The route has checked that the type is documented (and so has a sample).
 */
export function sampleEvent(type: string, now: number): NewEvent {
  const dot = type.indexOf('.');
  const spec = registry[type.slice(0, dot)] as ProviderSpec;
  const event = type.slice(dot + 1);
  const hooks = spec.webhooks;
  const sample = hooks?.samples?.[event];
  if (!hooks || !sample) throw new Error(`no sample for ${type}`);
  const rawBody = Buffer.from(JSON.stringify(sample));
  const n = normalizeWebhook(spec, { rawBody, headers: hooks.eventHeader ? { [hooks.eventHeader]: event } : {}, now });
  const nonce = randomBytes(12).toString('base64url');
  return {
    id: `evt_test_${nonce}`,
    type: n.type,
    provider: spec.id,
    event: n.event,
    createdAt: n.created_at,
    receivedAt: now,
    dedupeKey: `${TEST_SOURCE}:${nonce}`,
    data: JSON.stringify(n.data ?? null),
    source: TEST_SOURCE,
  };
}
