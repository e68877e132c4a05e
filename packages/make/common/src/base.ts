import type { ProviderSpec } from '@callbridge/core';
import { conn } from './iml';
import { triggerEvents } from './triggers';
import type { Base, MakeParameter, Request } from './schemas';

/**
 * The app's base (inherited by every module and RPC) and its connection: where requests go,
 * how the API key is sent, how a provider's error bodies become Make's error types, and which
 * headers Make's logs must never show.
 */

/** Where the provider's key travels: `authorization` (Bearer) or the provider's own header, lower case. */
export function authHeader(spec: ProviderSpec): string {
  return spec.auth.type === 'bearer' ? 'authorization' : spec.auth.header.toLowerCase();
}

function authValue(spec: ProviderSpec, key: string): string {
  return spec.auth.type === 'bearer' ? `Bearer ${key}` : key;
}

/**
 * One message for every provider's error body: `{error:{message}}` (Ayra, Aila, Ayla) or
 * `{error:"…"}` (Vyora), prefixed with the status. Where the body names the offending field
 * (Aila's `details.field`), the message names it too.
 */
const MESSAGE = '[{{statusCode}}] {{ifempty(body.error.message; body.error)}}';
const FIELD = '{{if(body.error.details.field; "; field: "; "")}}{{body.error.details.field}}';

/**
 * Make's error types by status: 429 a RateLimitError, so Make retries on its schedule instead
 * of switching the scenario off; 401/403 an account error (the key is wrong or lacks access);
 * 400/422 a DataError naming the field; provider outages a ConnectionError, which Make retries
 * as an incomplete execution.
 */
export function errorDirective(): NonNullable<NonNullable<Base['response']>['error']> {
  const data = { type: 'DataError' as const, message: `${MESSAGE}${FIELD}` };
  const account = { type: 'InvalidAccessTokenError' as const, message: `${MESSAGE} (check the API key in the connection)` };
  const outage = { type: 'ConnectionError' as const, message: MESSAGE };
  return {
    type: 'RuntimeError',
    message: MESSAGE,
    '400': data,
    '401': account,
    '403': account,
    '422': data,
    '429': { type: 'RateLimitError', message: `${MESSAGE} (rate limited: Make retries later)` },
    '500': outage,
    '502': outage,
    '503': outage,
    '504': outage,
  };
}

export function buildBase(spec: ProviderSpec): Base {
  const header = authHeader(spec);
  return {
    baseUrl: conn('base_url'),
    headers: { [header]: authValue(spec, conn('api_key')), accept: 'application/json' },
    response: { error: errorDirective() },
    log: { sanitize: [`request.headers.${header}`] },
  };
}

/** The connection's fields: the key and base URL, plus the relay where the provider has webhooks. */
export function connectionParameters(spec: ProviderSpec): MakeParameter[] {
  const params: MakeParameter[] = [
    { name: 'api_key', type: 'password', label: 'API Key', help: spec.keyHelp, required: true },
    {
      name: 'base_url',
      type: 'url',
      label: 'Base URL',
      help: `${spec.name}'s API address, without a trailing slash. Change it to use the callbridge sandbox or a staging API.`,
      required: true,
      default: spec.baseUrl,
      advanced: true,
    },
  ];
  if (triggerEvents(spec).length > 0) {
    params.push(
      {
        name: 'relay_url',
        type: 'url',
        label: 'Relay URL',
        help: `The address of your callbridge relay, e.g. https://relay.example.com, without a trailing slash. Needed by the "Watch …" triggers, which subscribe to ${spec.name} events there.`,
        required: false,
      },
      {
        name: 'relay_token',
        type: 'password',
        label: 'Relay Token',
        help: 'A relay API token: the admin token, or a scoped token that sees only your sources.',
        required: false,
      },
    );
  }
  return params;
}

/**
 * The connection test: the provider's cheapest authenticated read (core's `testOperation`)
 * proves the key; where a relay is given, listing one subscription proves the relay token.
 */
export function connectionCommunication(spec: ProviderSpec): Request[] {
  const test = spec.operations[spec.testOperation];
  if (!test) throw new Error(`${spec.id}: testOperation ${spec.testOperation} is not an operation`);
  if (/\{/.test(test.path)) throw new Error(`${spec.id}: the test operation must need no path fields`);
  const header = authHeader(spec);
  const requests: Request[] = [
    {
      url: `{{parameters.base_url}}${test.path}`,
      method: test.method,
      headers: { [header]: authValue(spec, '{{parameters.api_key}}'), accept: 'application/json' },
      response: { error: errorDirective() },
      log: { sanitize: [`request.headers.${header}`] },
    },
  ];
  if (triggerEvents(spec).length > 0) {
    requests.push({
      condition: '{{parameters.relay_url}}',
      url: '{{parameters.relay_url}}/v1/subscriptions',
      method: 'GET',
      qs: { limit: 1 },
      headers: { authorization: 'Bearer {{parameters.relay_token}}' },
      response: { error: { message: '[{{statusCode}}] Relay: {{body.error.message}} (check the relay URL and token)', type: 'InvalidAccessTokenError' } },
      log: { sanitize: ['request.headers.authorization'] },
    });
  }
  return requests;
}
