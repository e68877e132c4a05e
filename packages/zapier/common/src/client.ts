import type { Bundle, ZObject } from 'zapier-platform-core';
import { ProviderClient, type ProviderSpec } from './core';
import { zapierTransport } from './transport';

/**
 * A core client for one Zapier invocation. Zapier gives a step 30 seconds, so the client
 * retries at most once and only briefly: a longer wait (a 429 asking for a minute) ends the
 * call at once and becomes Zapier's ThrottledError, and Zapier schedules the retry itself.
 * Each invocation is a fresh process, so a client-side rate limiter would only ever sleep.
 */

export const ZAPIER_RETRY = { maxAttempts: 2, baseDelayMs: 250, maxDelayMs: 1_000, maxTotalWaitMs: 2_000 } as const;
/** Per request; leaves room in Zapier's 30 s for the retry and for Zapier's own work. */
export const ZAPIER_REQUEST_TIMEOUT_MS = 20_000;

/** The auth field holding the provider's API key. */
export const API_KEY_FIELD = 'api_key';

export function apiKeyOf(bundle: Pick<Bundle, 'authData'>): string {
  const key = bundle.authData?.[API_KEY_FIELD];
  return typeof key === 'string' ? key.trim() : '';
}

/**
 * `<PROVIDER>_BASE_URL`, as the CLI reads it: set with `zapier-platform env:set` to point one
 * app version at a staging API or the sandbox. Unset in production.
 */
export function baseUrlOverride(spec: ProviderSpec): string | undefined {
  const v = process.env[`${spec.id.toUpperCase()}_BASE_URL`];
  return v && v.trim() !== '' ? v.trim() : undefined;
}

export function clientFor(spec: ProviderSpec, z: ZObject, bundle: Pick<Bundle, 'authData'>): ProviderClient {
  const baseUrl = baseUrlOverride(spec);
  return new ProviderClient(spec, {
    apiKey: apiKeyOf(bundle),
    transport: zapierTransport(z),
    retry: ZAPIER_RETRY,
    rateLimit: false,
    timeoutMs: ZAPIER_REQUEST_TIMEOUT_MS,
    userAgent: `callbridge-zapier-${spec.id}/0.1.0`,
    ...(baseUrl ? { baseUrl } : {}),
  });
}
