import { defineApp, version as platformVersion, type App, type Create, type Search, type SearchOrCreate, type Trigger } from 'zapier-platform-core';
import { buildCreates, buildSearches } from './actions';
import { buildAuthentication, type AuthOptions } from './auth';
import type { ProviderSpec } from './core';
import { nounOf, operationKey } from './names';
import { createOperations, searchOperations } from './plan';
import { buildPollingTriggers } from './triggers/polling';

/**
 * One provider's whole Zapier app from its core spec: authentication, "New …" polling
 * triggers, every create and search Zapier shows, find-or-create pairs, and whatever
 * instant triggers the app adds for the provider's webhooks.
 */

export interface AppOptions {
  /** The app's version: its package.json's, which `zapier-platform push` publishes. */
  version: string;
  auth?: AuthOptions;
  /** Instant triggers, keyed like the rest. */
  instantTriggers?: Record<string, Trigger>;
}

/** "Find or Create Contact" wherever a list search and a create of the same records exist. */
export function buildSearchOrCreates(spec: ProviderSpec): Record<string, SearchOrCreate> {
  const out: Record<string, SearchOrCreate> = {};
  for (const search of searchOperations(spec).filter((op) => op.action === 'list')) {
    const create = createOperations(spec).find((op) => op.resource === search.resource && op.action === 'create');
    if (!create) continue;
    const key = operationKey(search.name);
    const noun = nounOf(search.resource);
    out[key] = {
      key,
      display: {
        label: `Find or Create ${noun}`,
        description: `Finds a ${noun.toLowerCase()} in ${spec.name}, or creates one if none matches.`,
      },
      search: key,
      create: operationKey(create.name),
    };
  }
  return out;
}

export type ProviderApp = App<Record<string, Trigger>, Record<string, Create>, Record<string, Search>>;

export function buildApp(spec: ProviderSpec, options: AppOptions): ProviderApp {
  const polling = buildPollingTriggers(spec);
  const instant: Record<string, Trigger> = options.instantTriggers ?? {};
  for (const key of Object.keys(instant)) {
    if (key in polling) throw new Error(`${spec.id}: trigger key ${key} is used by a polling and an instant trigger`);
  }
  return defineApp({
    version: options.version,
    platformVersion,
    authentication: buildAuthentication(spec, options.auth),
    triggers: { ...polling, ...instant } as Record<string, Trigger>,
    searches: buildSearches(spec),
    creates: buildCreates(spec),
    searchOrCreates: buildSearchOrCreates(spec),
    flags: {
      // Every request goes through z.request, which Zapier logs already. Zapier's patch of
      // Node's http module, which would log them twice, also drops the options of the
      // http.request(url, options) form that other libraries (and the relay) use.
      skipHttpPatch: true,
      // Core sees every status and maps errors itself (per request too, see transport.ts).
      skipThrowForStatus: true,
      throwForThrottlingEarly: false,
    },
  });
}
