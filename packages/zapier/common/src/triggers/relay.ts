import { defineTrigger, type Bundle, type PlainInputField, type Trigger, type ZObject } from 'zapier-platform-core';
import { filterFieldsFor, relayFilter, verifyStandardWebhook, type ProviderSpec } from '../core';
import { snakeKey } from '../names';
import { isItem, outputFieldsFrom } from '../output';
import { relayConfig, relayRequest } from '../relay-api';
import { envelopeOf, webhookSample, type EventTrigger, type RelayEnvelope } from './events';
import { hookRequest } from './hook-request';

/**
 * Instant triggers through the callbridge relay (REST hooks). Turning a Zap on subscribes
 * Zapier's hook URL to one event type at the relay; the relay answers with a `whsec_` secret,
 * which Zapier keeps with the subscription. Every delivery is checked against that secret
 * (Standard Webhooks: id, timestamp and raw body) before it can trigger anything, so a
 * request forged to the hook URL is rejected. The trigger's optional filter fields (core's
 * spec, only those its event carries) become the subscription's `filter`: the relay then
 * delivers only the events that meet them, so the Zap runs, and is billed, for those alone.
 */

interface SubscribeData {
  id: string;
  secret: string;
}

function subscribeDataOf(bundle: Bundle): Partial<SubscribeData> {
  const raw: unknown = bundle.subscribeData;
  if (!isItem(raw)) return {};
  return {
    ...(typeof raw['id'] === 'string' ? { id: raw['id'] } : {}),
    ...(typeof raw['secret'] === 'string' ? { secret: raw['secret'] } : {}),
  };
}

function envelope(v: unknown): RelayEnvelope | undefined {
  if (!isItem(v)) return undefined;
  const { id, type, provider, source, created_at: createdAt, test, data } = v;
  if (typeof id !== 'string' || typeof type !== 'string' || typeof provider !== 'string' || typeof createdAt !== 'string') return undefined;
  // The source tells a Zap on a relay serving several client workspaces which one a call is from.
  return { id, type, provider, ...(typeof source === 'string' ? { source } : {}), created_at: createdAt, ...(test === true ? { test: true as const } : {}), data };
}

export function eventType(spec: ProviderSpec, event: string): string {
  return `${spec.id}.${event}`;
}

/** The filter fields a relay trigger for `event` offers, as Zapier input fields. */
export function relayFilterInputFields(spec: ProviderSpec, event: string): PlainInputField[] {
  return filterFieldsFor(spec, event).map((f) =>
    f.test === 'oneOf'
      ? { key: f.name, label: f.label, helpText: `${f.help} Leave empty for every call.`, type: 'string', list: true, required: false }
      : { key: f.name, label: f.label, helpText: `${f.help} Leave empty for no minimum.`, type: 'number', required: false },
  );
}

/** The subscription filter the Zap's filter fields ask for, or null; a bad value fails naming its field. */
function filterOf(z: ZObject, spec: ProviderSpec, bundle: Bundle): Record<string, unknown> | null {
  const input: unknown = bundle.inputData;
  const result = relayFilter(spec, isItem(input) ? input : {});
  if (result.ok) return result.filter;
  const labels = new Map(filterFieldsFor(spec).map((f) => [f.name, f.label]));
  throw new z.errors.Error(result.issues.map((i) => `${labels.get(i.field) ?? i.field} ${i.message}`).join('; '), 'invalid_filter', 400);
}

export function buildRelayTrigger(spec: ProviderSpec, ev: EventTrigger): Trigger {
  const type = eventType(spec, ev.event);
  const sample = envelopeOf(spec, webhookSample(spec, ev.event));
  const inputFields = relayFilterInputFields(spec, ev.event);

  const performSubscribe = async (z: ZObject, bundle: Bundle): Promise<SubscribeData> => {
    const filter = filterOf(z, spec, bundle);
    const relay = relayConfig(z, spec, bundle);
    // No filter key when none is chosen, so a relay from before filters still accepts it.
    const res = await relayRequest(z, relay, 'POST', '/v1/subscriptions', { target_url: bundle.targetUrl, events: [type], ...(filter ? { filter } : {}) });
    const body = isItem(res.body) ? res.body : {};
    if (typeof body['id'] !== 'string' || typeof body['secret'] !== 'string') {
      throw new z.errors.Error('The relay accepted the subscription but sent no id and secret; is Relay URL a callbridge relay?', 'relay_bad_response', res.status);
    }
    return { id: body['id'], secret: body['secret'] };
  };

  const performUnsubscribe = async (z: ZObject, bundle: Bundle): Promise<{ id: string; deleted: boolean }> => {
    const { id } = subscribeDataOf(bundle);
    if (!id) return { id: '', deleted: false };
    const relay = relayConfig(z, spec, bundle);
    // Already gone (deleted by hand, or disabled by a 410) is what unsubscribing wants.
    const res = await relayRequest(z, relay, 'DELETE', `/v1/subscriptions/${encodeURIComponent(id)}`, undefined, [404]);
    return { id, deleted: res.status !== 404 };
  };

  const perform = async (z: ZObject, bundle: Bundle): Promise<RelayEnvelope[]> => {
    const { secret } = subscribeDataOf(bundle);
    if (!secret) {
      throw new z.errors.Error('This trigger has no signing secret from the relay: turn the Zap off and on again to resubscribe.', 'no_secret', 401);
    }
    const req = hookRequest(bundle);
    const verified = verifyStandardWebhook({ headers: req.headers, body: req.body, secrets: secret });
    if (!verified.ok) {
      throw new z.errors.Error(`Rejected a request to this trigger's hook URL that the relay did not sign: ${verified.message}`, verified.reason, 401);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body);
    } catch {
      throw new z.errors.Error('The relay sent a signed delivery whose body is not JSON.', 'malformed_json', 400);
    }
    const item = envelope(parsed);
    if (!item) throw new z.errors.Error('The relay sent a delivery without id, type, provider and created_at.', 'malformed_delivery', 400);
    // A subscription names one event type; anything else is not this trigger's to fire on.
    return item.type === type ? [item] : [];
  };

  const performList = async (z: ZObject, bundle: Bundle): Promise<RelayEnvelope[]> => {
    const relay = relayConfig(z, spec, bundle);
    const query = new URLSearchParams({ provider: spec.id, type, limit: '10' });
    const res = await relayRequest(z, relay, 'GET', `/v1/events?${query.toString()}`);
    const data = isItem(res.body) && Array.isArray(res.body['data']) ? res.body['data'] : [];
    return data.map(envelope).filter((e): e is RelayEnvelope => e !== undefined && e.type === type);
  };

  return defineTrigger({
    key: snakeKey(ev.event),
    noun: ev.noun,
    display: { label: ev.label, description: ev.description },
    operation: {
      type: 'hook',
      ...(inputFields.length > 0 ? { inputFields } : {}),
      performSubscribe,
      performUnsubscribe,
      perform,
      performList,
      sample,
      outputFields: outputFieldsFrom(sample),
    },
  });
}
