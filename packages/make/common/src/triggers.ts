import type { ProviderSpec } from '@callbridge/core';
import { interfaceOf, samplesOf } from './interface';
import { triggerName, valueLabel, webhookId } from './names';
import type { Json, MakeParameter, Request, WebhookCommunication } from './schemas';

/**
 * Instant triggers through the relay: for every documented event of a provider with webhooks,
 * a dedicated webhook whose attach subscribes the Make hook URL to that one event type at the
 * relay (`POST /v1/subscriptions`) and whose detach deletes the subscription, so turning a
 * scenario on or off subscribes and unsubscribes.
 *
 * Make's IML sees an incoming request's parsed body, not the raw bytes the relay's Standard
 * Webhooks signature covers, so the signature cannot be verified in the app. Instead the attach
 * gives the subscription a header, `x-callbridge-proof`: an HMAC of the hook URL keyed with the
 * relay token, which only someone holding the token can compute. The webhook keeps the value
 * (attach's `response.data`) and accepts a request only when the header matches it. Make's
 * documentation does not say whether a webhook's stored data is visible to its own
 * communication; where it is not, the comparison falls back to the header itself and accepts,
 * and the unguessable hook URL Make generates stays the gate (as for Make's Custom webhook).
 */

export const PROOF_HEADER = 'x-callbridge-proof';

/**
 * The events that get a trigger: a provider's documented, closed list (Vyora, Aila). Where core
 * marks the list open (Ayra, whose documents only mention webhooks), the names are a guess, and a
 * trigger on a guessed event would never fire.
 */
export function triggerEvents(spec: ProviderSpec): readonly string[] {
  return spec.webhooks && !spec.webhooks.open ? spec.webhooks.events : [];
}
const PROOF = `sha256(webhook.url; "hex"; connection.relay_token)`;

export interface TriggerCode {
  event: string;
  /** `<provider>.<event>`, the relay's event type. */
  type: string;
  webhook: {
    id: string;
    label: string;
    params: MakeParameter[];
    communication: WebhookCommunication;
    attach: Request;
    detach: Request;
  };
  module: {
    name: string;
    label: string;
    description: string;
    interface: MakeParameter[];
    samples: Record<string, Json>;
  };
}

/** The webhook's own fields, asked when a user creates it in a scenario. */
export const WEBHOOK_PARAMETERS: MakeParameter[] = [
  {
    name: 'filter',
    type: 'json',
    label: 'Filter',
    help: 'Only events matching this MongoDB-style query over the delivery, e.g. {"data.analysis.classification": "Interested"} or {"data.duration_seconds": {"$gte": 30}}. Leave empty for every event.',
    required: false,
  },
  {
    name: 'sources',
    type: 'array',
    label: 'Sources',
    help: 'Only events from these relay sources (src_… ids, or "default"). Leave empty for every source your token sees.',
    spec: { type: 'text', label: 'Source ID' },
    required: false,
  },
];

const RELAY_AUTH = { authorization: 'Bearer {{connection.relay_token}}' };
const RELAY_LOG = { sanitize: ['request.headers.authorization', `request.body.headers.${PROOF_HEADER}`] };

/**
 * What the relay delivers: its envelope around the provider's payload, core's sample of the
 * event (the documents' example, as the relay's test delivery sends it), so that Make maps
 * every field the documents show.
 */
export function deliverySample(spec: ProviderSpec, event: string): Record<string, unknown> {
  const payload = spec.webhooks?.samples?.[event];
  if (!payload) throw new Error(`${spec.name} has no webhook sample of ${event} in core`);
  return {
    id: 'evt_2f9c1a7b5e0d4c3b',
    type: `${spec.id}.${event}`,
    provider: spec.id,
    source: 'default',
    created_at: '2026-05-24T10:31:16.000Z',
    data: payload,
  };
}

export function buildTrigger(spec: ProviderSpec, event: string): TriggerCode {
  const type = `${spec.id}.${event}`;
  const label = `Watch ${valueLabel(event)}`;
  const sample = deliverySample(spec, event);
  return {
    event,
    type,
    webhook: {
      id: webhookId(event),
      label: `${spec.name} ${valueLabel(event)}`,
      params: WEBHOOK_PARAMETERS,
      communication: {
        condition: `{{ifempty(webhook.proof; headers.\`${PROOF_HEADER}\`) = headers.\`${PROOF_HEADER}\`}}`,
        respond: { status: 200, type: 'json', body: { received: true } },
        output: '{{body}}',
      },
      attach: {
        url: '{{connection.relay_url}}/v1/subscriptions',
        method: 'POST',
        headers: RELAY_AUTH,
        body: {
          target_url: '{{webhook.url}}',
          events: [type],
          headers: { [PROOF_HEADER]: `{{${PROOF}}}` },
          filter: '{{ifempty(parameters.filter; undefined)}}',
          sources: '{{ifempty(parameters.sources; undefined)}}',
        },
        response: {
          data: { subscription_id: '{{body.id}}', proof: `{{${PROOF}}}` },
          error: { message: '[{{statusCode}}] Relay: {{body.error.message}}' },
        },
        log: RELAY_LOG,
      },
      detach: {
        url: '{{connection.relay_url}}/v1/subscriptions/{{webhook.subscription_id}}',
        method: 'DELETE',
        headers: RELAY_AUTH,
        response: { error: { message: '[{{statusCode}}] Relay: {{body.error.message}}' } },
        log: RELAY_LOG,
      },
    },
    module: {
      name: triggerName(event),
      label,
      description: `Starts the scenario when ${spec.name} sends ${event}, delivered by your callbridge relay. Make cannot check the relay's signature (it sees the parsed body, not the signed bytes); the webhook checks the ${PROOF_HEADER} header its subscription carries instead.`,
      interface: interfaceOf(sample),
      samples: samplesOf(sample),
    },
  };
}
