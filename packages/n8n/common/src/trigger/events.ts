import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { ProviderSpec, WebhookSpec } from '../core';
import { optionDisplayName } from '../names';

/**
 * Event selection and the item a trigger emits. Both trigger modes emit the relay's
 * envelope, `{id, type, provider, event, created_at, data}` with the provider's payload in
 * `data`, so a workflow reads `$json.data.call_id` whichever way the event arrived.
 */

export function webhookSpecOf(spec: ProviderSpec): WebhookSpec {
  if (!spec.webhooks) throw new Error(`${spec.name} sends no webhooks`);
  return spec.webhooks;
}

/**
 * The event picker. `required: false` where none selected means every event (the node
 * handles that): n8n refuses to publish a workflow whose required parameter is empty, so a
 * required picker would make "every event" impossible to choose.
 */
export function eventsProperty(spec: ProviderSpec, description: string, options: { required: boolean } = { required: true }): INodeProperties {
  const events = webhookSpecOf(spec).events;
  return {
    displayName: 'Events',
    name: 'events',
    type: 'multiOptions',
    // n8n's lint wants an optional parameter to say nothing rather than required: false.
    ...(options.required ? { required: true } : {}),
    default: [],
    description,
    options: [...events]
      .map((e) => ({ name: optionDisplayName(e), value: e, description: `The ${e} event` }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The selected events; none selected means every event. */
export function selectedEvents(raw: unknown): string[] {
  return Array.isArray(raw) ? raw.filter((e): e is string => typeof e === 'string' && e.length > 0) : [];
}

export function isWanted(selected: readonly string[], event: string): boolean {
  return selected.length === 0 || selected.includes(event);
}

export interface TriggerEvent {
  id: string;
  type: string;
  provider: string;
  event: string;
  created_at: string;
  data: unknown;
  /** Relay mode: the relay source (provider workspace) the event came from, `default` or `src_…`. */
  source?: string;
  /** Relay mode: a subscription's test delivery (the provider documents' sample), not a real event. */
  test?: true;
}

export function eventJson(e: TriggerEvent): IDataObject {
  return {
    id: e.id,
    type: e.type,
    provider: e.provider,
    event: e.event,
    ...(e.source !== undefined ? { source: e.source } : {}),
    created_at: e.created_at,
    ...(e.test ? { test: true } : {}),
    data: e.data as IDataObject,
  };
}
