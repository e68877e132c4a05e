import {
  NodeApiError,
  NodeOperationError,
  type IDataObject,
  type IHookFunctions,
  type IHttpRequestMethods,
  type INodeProperties,
  type IWebhookFunctions,
  type IWebhookResponseData,
  type JsonObject,
} from 'n8n-workflow';
import { filterFieldsFor, relayFilter, verifyStandardWebhook, type ProviderSpec } from '../core';
import { eventJson, isWanted, webhookSpecOf } from './events';
import { ignore, readDelivery, refuse } from './request';

/**
 * Receiving through a callbridge relay: activating the workflow subscribes this node's
 * URL (POST /v1/subscriptions), deactivating removes the subscription, and each delivery
 * must carry a Standard Webhooks signature made with the secret the relay issued for it.
 * The node's optional filters become the subscription's `filter`, so the relay delivers
 * only the events that meet them and the others start no execution.
 */

/** What the node keeps in the workflow's static data between activation and deliveries. */
interface RelayState {
  relaySubscriptionId?: string;
  relaySecret?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function state(ctx: IHookFunctions | IWebhookFunctions): RelayState & IDataObject {
  return ctx.getWorkflowStaticData('node') as RelayState & IDataObject;
}

function webhookUrl(ctx: IHookFunctions): string {
  const url = ctx.getNodeWebhookUrl('default');
  if (!url) throw new NodeOperationError(ctx.getNode(), 'n8n did not give this trigger a webhook URL');
  return url;
}

/** The relay's event types for the selected provider events; none selected means all of them. */
export function relayEventTypes(spec: ProviderSpec, selected: readonly string[]): string[] {
  const events = selected.length > 0 ? selected : webhookSpecOf(spec).events;
  return events.map((e) => `${spec.id}.${e}`).sort();
}

/** The provider's filter fields (core's spec) as one optional collection, shown in relay mode. */
export function relayFiltersProperty(spec: ProviderSpec): INodeProperties {
  const options: INodeProperties[] = filterFieldsFor(spec).map((f) =>
    f.test === 'oneOf'
      ? {
          displayName: f.label,
          name: f.name,
          type: 'string',
          default: '',
          placeholder: Array.isArray(f.example) ? f.example.join(', ') : String(f.example),
          description: `${f.help} Separate several with commas.`,
        }
      : { displayName: f.label, name: f.name, type: 'number', default: 0, typeOptions: { minValue: 0 }, description: f.help },
  );
  return {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { mode: ['relay'] } },
    description: 'Only events that meet every filter start the workflow. The relay applies them, so other events cost no execution.',
    options: options.sort((a, b) => a.displayName.localeCompare(b.displayName)),
  };
}

/** The subscription filter the node's filters ask for, or null for none; a bad value fails naming its field. */
export function relayFilterOf(ctx: IHookFunctions, spec: ProviderSpec): Record<string, unknown> | null {
  const raw = ctx.getNodeParameter('filters', {});
  const result = relayFilter(spec, raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {});
  if (result.ok) return result.filter;
  const labels = new Map(filterFieldsFor(spec).map((f) => [f.name, f.label]));
  throw new NodeOperationError(ctx.getNode(), `Filters: ${result.issues.map((i) => `${labels.get(i.field) ?? i.field} ${i.message}`).join('; ')}`);
}

/** JSON with keys in order, so that two equal filters compare equal however the relay orders them. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isRecord(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}

interface RelayResponse {
  status: number;
  body: unknown;
}

async function relayRequest(
  ctx: IHookFunctions,
  credentialType: string,
  method: IHttpRequestMethods,
  path: string,
  body?: IDataObject,
): Promise<RelayResponse> {
  const credentials = (await ctx.getCredentials(credentialType)) as Record<string, unknown>;
  const base = typeof credentials['relayUrl'] === 'string' ? credentials['relayUrl'].trim().replace(/\/+$/, '') : '';
  if (!/^https?:\/\//i.test(base)) {
    throw new NodeOperationError(ctx.getNode(), 'The relay credential needs a Relay URL starting with http:// or https://');
  }
  const raw: unknown = await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, {
    url: `${base}${path}`,
    method,
    headers: { accept: 'application/json' },
    ...(body ? { body, json: true } : { json: true }),
    returnFullResponse: true,
    ignoreHttpStatusErrors: true,
  });
  if (!isRecord(raw) || typeof raw['statusCode'] !== 'number') {
    throw new NodeOperationError(ctx.getNode(), `The relay gave no HTTP status for ${method} ${path}`);
  }
  let parsed: unknown = raw['body'];
  if (typeof parsed === 'string' && parsed.trim() !== '') {
    try {
      parsed = JSON.parse(parsed) as unknown;
    } catch {
      // A non-JSON body (a proxy's error page) stays text and is reported as such.
    }
  }
  return { status: raw['statusCode'], body: parsed };
}

function relayError(ctx: IHookFunctions, what: string, res: RelayResponse): NodeApiError {
  const body = isRecord(res.body) ? res.body : {};
  const err = body['error'];
  const message =
    (isRecord(err) && typeof err['message'] === 'string' && err['message']) ||
    (typeof err === 'string' && err) ||
    (typeof body['message'] === 'string' && body['message']) ||
    (typeof res.body === 'string' && res.body.slice(0, 200)) ||
    `HTTP ${res.status}`;
  const code = isRecord(err) && typeof err['code'] === 'string' ? err['code'] : `http_${res.status}`;
  return new NodeApiError(ctx.getNode(), { message, code, status: res.status } as JsonObject, {
    message: `The relay refused to ${what}: ${message}`,
    description: `relay error ${code}, HTTP ${res.status}`,
    httpCode: String(res.status),
  });
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
}

/** True when the subscription this node made still exists, points here and carries the selected events and filter. */
export async function relayCheckExists(
  ctx: IHookFunctions,
  credentialType: string,
  spec: ProviderSpec,
  selected: readonly string[],
  filter: Record<string, unknown> | null = null,
): Promise<boolean> {
  const s = state(ctx);
  if (!s.relaySubscriptionId || !s.relaySecret) return false;
  const res = await relayRequest(ctx, credentialType, 'GET', `/v1/subscriptions/${encodeURIComponent(s.relaySubscriptionId)}`);
  if (res.status === 404) {
    delete s.relaySubscriptionId;
    delete s.relaySecret;
    return false;
  }
  if (res.status < 200 || res.status >= 300) throw relayError(ctx, 'look up the subscription', res);
  const sub = isRecord(res.body) ? res.body : {};
  const events = Array.isArray(sub['events']) ? sub['events'].filter((e): e is string => typeof e === 'string') : [];
  const sameFilter = canonical(sub['filter'] ?? null) === canonical(filter);
  if (sub['target_url'] === webhookUrl(ctx) && sameSet(events, relayEventTypes(spec, selected)) && sameFilter) return true;
  // It points elsewhere, at other events or with another filter: remove it so that create makes the right one.
  await relayDelete(ctx, credentialType);
  return false;
}

export async function relayCreate(
  ctx: IHookFunctions,
  credentialType: string,
  spec: ProviderSpec,
  selected: readonly string[],
  filter: Record<string, unknown> | null = null,
): Promise<boolean> {
  const res = await relayRequest(ctx, credentialType, 'POST', '/v1/subscriptions', {
    target_url: webhookUrl(ctx),
    events: relayEventTypes(spec, selected),
    // Left out when unset, so a relay from before filters still accepts the subscription.
    ...(filter ? { filter: filter as IDataObject } : {}),
  });
  if (res.status < 200 || res.status >= 300) throw relayError(ctx, 'create the subscription', res);
  const sub = isRecord(res.body) ? res.body : {};
  const id = sub['id'];
  const secret = sub['secret'];
  if (typeof id !== 'string' || typeof secret !== 'string' || secret === '') {
    throw new NodeOperationError(ctx.getNode(), 'The relay created a subscription but returned no id and secret');
  }
  const s = state(ctx);
  s.relaySubscriptionId = id;
  s.relaySecret = secret;
  return true;
}

export async function relayDelete(ctx: IHookFunctions, credentialType: string): Promise<boolean> {
  const s = state(ctx);
  if (!s.relaySubscriptionId) return true;
  const res = await relayRequest(ctx, credentialType, 'DELETE', `/v1/subscriptions/${encodeURIComponent(s.relaySubscriptionId)}`);
  // Already gone is as good as removed.
  if (res.status !== 404 && (res.status < 200 || res.status >= 300)) throw relayError(ctx, 'delete the subscription', res);
  delete s.relaySubscriptionId;
  delete s.relaySecret;
  return true;
}

function verify(headers: Record<string, string | string[] | undefined>, body: Uint8Array, secret: string | undefined) {
  if (!secret) return { ok: false as const, reason: 'no_secret' };
  try {
    return verifyStandardWebhook({ headers, body, secrets: secret });
  } catch {
    // A stored secret that is not "whsec_…" base64 can verify nothing.
    return { ok: false as const, reason: 'no_secret' };
  }
}

/** A relay delivery: Standard Webhooks signature first, then the envelope, then the event filter. */
export async function receiveRelayDelivery(
  ctx: IWebhookFunctions,
  spec: ProviderSpec,
  selected: readonly string[],
): Promise<IWebhookResponseData> {
  const { rawBody, headers } = await readDelivery(ctx);
  if (rawBody === undefined) return refuse(ctx, 401, { error: 'unverifiable', message: 'the raw request body is not available' });
  const verdict = verify(headers, rawBody, state(ctx).relaySecret);
  if (!verdict.ok) return refuse(ctx, 401, { error: 'invalid_signature', reason: verdict.reason });

  let envelope: unknown;
  try {
    envelope = JSON.parse(new TextDecoder().decode(rawBody)) as unknown;
  } catch {
    return refuse(ctx, 400, { error: 'malformed_json', message: 'the delivery body is not JSON' });
  }
  if (!isRecord(envelope) || typeof envelope['id'] !== 'string' || typeof envelope['type'] !== 'string') {
    return refuse(ctx, 400, { error: 'not_an_envelope', message: 'the delivery must be {id, type, provider, created_at, data}' });
  }
  const type = envelope['type'];
  const prefix = `${spec.id}.`;
  if (!type.startsWith(prefix)) return ignore(type);
  const event = type.slice(prefix.length);
  if (!isWanted(selected, event)) return ignore(type);
  const json = eventJson({
    id: envelope['id'],
    type,
    provider: spec.id,
    event,
    created_at: typeof envelope['created_at'] === 'string' ? envelope['created_at'] : new Date().toISOString(),
    data: envelope['data'] ?? null,
    // Which client workspace it came from, for a workflow on a relay that serves several.
    ...(typeof envelope['source'] === 'string' ? { source: envelope['source'] } : {}),
    ...(envelope['test'] === true ? { test: true as const } : {}),
  });
  return { workflowData: [[{ json }]] };
}
