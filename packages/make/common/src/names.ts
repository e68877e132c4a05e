/**
 * Make names for what core names in code. Module and RPC names are Make's ids (letters and
 * digits, starting with a letter) and are the ones Make keeps, so a scenario's blueprint reads
 * like the CLI: `calls.trigger` → `callsTrigger`. Labels follow Make's style: Title Case.
 */

import { capitalize, titleCase, valueLabel, words } from '@callbridge/core';

export { titleCase, valueLabel, words };

export function pascal(name: string): string {
  return words(name).map(capitalize).join('');
}

export function camel(name: string): string {
  const p = pascal(name);
  return p.charAt(0).toLowerCase() + p.slice(1);
}

/** `calls.batchUpload` → `callsBatchUpload`: a module name Make accepts. */
export function moduleName(operation: string): string {
  return camel(operation);
}

/** `call.data.extracted` → `watchCallDataExtracted`: the instant trigger of one event. */
export function triggerName(event: string): string {
  return `watch${pascal(event)}`;
}

/** `call.data.extracted` → `call-data-extracted`: the local id of the event's dedicated webhook. */
export function webhookId(event: string): string {
  return words(event).join('-');
}

/** The one connection every component uses: the provider's API key (and relay, where it has webhooks). */
export const CONNECTION_ID = 'api-key';
/** The universal module: any request to the provider's API with the connection's key. */
export const UNIVERSAL_MODULE = 'makeApiCall';

/** The RPC that fills a dropdown from a list operation: `agents.list` by id → `listAgents`, by name → `listAgentsByName`. */
export function rpcName(operation: string, value: string): string {
  const [resource = operation, action = ''] = operation.split('.');
  const stem = action === 'list' ? `list${pascal(resource)}` : `options${pascal(operation)}`;
  return value === 'id' ? stem : `${stem}By${pascal(value)}`;
}

/** A JSON key as a label: `duration_seconds` → "Duration Seconds", `id` → "ID". */
export function keyLabel(key: string): string {
  return words(key)
    .map((w) => (w === 'id' ? 'ID' : w === 'url' ? 'URL' : capitalize(w)))
    .join(' ');
}

/** `contacts` → "Contacts": a module group's label. */
export function groupLabel(resource: string): string {
  return words(resource).map(capitalize).join(' ');
}
