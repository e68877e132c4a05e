import type { AuthField, Bundle, HttpRequestOptions, ZObject } from 'zapier-platform-core';
import { parseBodyText, waitFromHeaders, type ProviderSpec } from './core';
import type { AuthOptions } from './auth';
import { DEFAULT_THROTTLE_SECONDS } from './errors';

/**
 * The callbridge relay's subscription API, as a Zapier app calls it: `POST /v1/subscriptions`
 * when a Zap turns on, `DELETE /v1/subscriptions/<id>` when it turns off, `GET /v1/events`
 * for recent events to test with. The relay's URL and token are optional fields of the
 * provider's connection, next to its API key; only instant triggers need them.
 */

export const RELAY_URL_FIELD = 'relay_url';
export const RELAY_TOKEN_FIELD = 'relay_token';

export interface RelayConfig {
  url: string;
  token: string;
}

export function relayAuthFields(spec: ProviderSpec): AuthField[] {
  return [
    {
      key: RELAY_URL_FIELD,
      label: 'Relay URL',
      type: 'string',
      required: false,
      isNoSecret: true,
      helpText:
        `Only for instant ${spec.name} triggers: the public https address of your callbridge relay, e.g. ` +
        `https://relay.example.com. ${spec.name} sends its webhooks to the relay, which forwards them to Zapier, signed.`,
    },
    {
      key: RELAY_TOKEN_FIELD,
      label: 'Relay Token',
      type: 'password',
      required: false,
      helpText:
        "Only for instant triggers: the relay's API token (RELAY_API_TOKEN, or the token the relay printed when it first started), " +
        "or a token scoped to one client's sources, with which Zaps see and subscribe to that client's events only.",
    },
  ];
}

function field(bundle: Pick<Bundle, 'authData'>, key: string): string {
  const v = bundle.authData?.[key];
  return typeof v === 'string' ? v.trim() : '';
}

/** Why the relay fields cannot be used, or null when both are absent (no relay) or both usable. */
export function relayProblem(bundle: Pick<Bundle, 'authData'>): string | null {
  const url = field(bundle, RELAY_URL_FIELD);
  const token = field(bundle, RELAY_TOKEN_FIELD);
  if (url === '' && token === '') return null;
  if (url === '') return 'Relay URL is required when Relay Token is set.';
  if (token === '') return 'Relay Token is required when Relay URL is set.';
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return `Relay URL must be an http(s) address such as https://relay.example.com (got "${url}").`;
  return null;
}

export function hasRelay(bundle: Pick<Bundle, 'authData'>): boolean {
  return field(bundle, RELAY_URL_FIELD) !== '' && field(bundle, RELAY_TOKEN_FIELD) !== '' && relayProblem(bundle) === null;
}

/** The relay this connection uses; a clear error when it has none. */
export function relayConfig(z: ZObject, spec: ProviderSpec, bundle: Pick<Bundle, 'authData'>): RelayConfig {
  const problem = relayProblem(bundle);
  if (problem) throw new z.errors.Error(`${problem} Reconnect ${spec.name} to fix it.`, 'relay_misconfigured', 400);
  if (!hasRelay(bundle)) {
    throw new z.errors.Error(
      `Instant ${spec.name} triggers arrive through a callbridge relay, and this ${spec.name} connection has none. ` +
        `Reconnect ${spec.name} and fill in Relay URL and Relay Token (the relay's address and an API token, from whoever runs your relay), ` +
        `or use a search such as Find Call instead of an instant trigger.`,
      'relay_not_configured',
      400,
    );
  }
  return { url: field(bundle, RELAY_URL_FIELD).replace(/\/+$/, ''), token: field(bundle, RELAY_TOKEN_FIELD) };
}

export interface RelayResponse {
  status: number;
  body: unknown;
}

function errorOf(body: unknown): { code: string; message: string } | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const err = (body as Record<string, unknown>)['error'];
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as Record<string, unknown>;
  return typeof e['message'] === 'string' ? { code: typeof e['code'] === 'string' ? e['code'] : 'relay_error', message: e['message'] } : undefined;
}

interface ZapierRequestOptions extends HttpRequestOptions {
  url: string;
  throwForThrottlingEarly: boolean;
}

/** One relay request; `okStatuses` are the answers the caller handles itself (a 404 on delete). */
export async function relayRequest(
  z: ZObject,
  relay: RelayConfig,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  okStatuses: readonly number[] = [],
): Promise<RelayResponse> {
  const host = new URL(relay.url).host;
  const options: ZapierRequestOptions = {
    url: `${relay.url}${path}`,
    method,
    headers: {
      authorization: `Bearer ${relay.token}`,
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    redirect: 'manual',
    timeout: 15_000,
    skipThrowForStatus: true,
    throwForThrottlingEarly: false,
  };
  let res;
  try {
    res = await z.request(options);
  } catch (e) {
    throw new z.errors.Error(`Could not reach the relay at ${host}: ${e instanceof Error ? e.message : String(e)}`, 'relay_unreachable');
  }
  const parsed = parseBodyText(res.content ?? '');
  if ((res.status >= 200 && res.status < 300) || okStatuses.includes(res.status)) return { status: res.status, body: parsed };
  const err = errorOf(parsed);
  if (res.status === 401 || res.status === 403) {
    throw new z.errors.ExpiredAuthError(`The relay at ${host} rejected the Relay Token (HTTP ${res.status}). Reconnect with the relay's current token.`);
  }
  if (res.status === 429) {
    const headers: Record<string, string> = {};
    res.headers.forEach((value: string, name: string) => {
      headers[name.toLowerCase()] = value;
    });
    const wait = waitFromHeaders(headers, Date.now());
    throw new z.errors.ThrottledError(`The relay at ${host} is rate limiting requests.`, wait !== null ? Math.max(1, Math.ceil(wait / 1000)) : DEFAULT_THROTTLE_SECONDS);
  }
  throw new z.errors.Error(`Relay at ${host}: ${err?.message ?? `HTTP ${res.status}`}`, err?.code ?? `http_${res.status}`, res.status);
}

/**
 * The relay's part of the connection: its two optional fields, a check while testing the
 * connection (half-filled fields, or a token the relay refuses, fail the test by name), and
 * the relay's host in the connection label.
 */
export function relayAuthOptions(spec: ProviderSpec): AuthOptions {
  return {
    extraFields: relayAuthFields(spec),
    check: async (z, bundle) => {
      const problem = relayProblem(bundle);
      if (problem) throw new z.errors.Error(problem, 'relay_misconfigured', 400);
      if (!hasRelay(bundle)) return;
      await relayRequest(z, relayConfig(z, spec, bundle), 'GET', '/v1/subscriptions?limit=1');
    },
    labelParts: (bundle) => (hasRelay(bundle) ? [`relay ${new URL(field(bundle, RELAY_URL_FIELD)).host}`] : []),
  };
}
