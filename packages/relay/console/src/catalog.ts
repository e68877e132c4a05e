/**
 * Providers and their event types, derived at build time from core's provider specs
 * (console/build.mjs), so the console never restates them.
 */
export interface ProviderInfo {
  id: string;
  name: string;
  webhooks: boolean;
  /** The provider may send event types beyond the documented ones. */
  open: boolean;
  /** Documented event types, e.g. "vyora.call_completed". */
  events: string[];
}

declare const __CALLBRIDGE_CATALOG__: ProviderInfo[];

export const PROVIDERS: readonly ProviderInfo[] = __CALLBRIDGE_CATALOG__;

export const EVENT_TYPES: readonly string[] = PROVIDERS.flatMap((p) => p.events);

/** The documented event types a subscription's `events` patterns ("*", "vyora.*", exact) cover. */
export function coveredTypes(patterns: readonly string[]): string[] {
  return EVENT_TYPES.filter((type) =>
    patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1)))),
  );
}
