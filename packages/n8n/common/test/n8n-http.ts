import axios, { AxiosError, type AxiosRequestConfig } from 'axios';
import {
  NodeApiError,
  type IAuthenticateGeneric,
  type ICredentialDataDecryptedObject,
  type ICredentialType,
  type IHttpRequestOptions,
  type INode,
  type JsonObject,
} from 'n8n-workflow';

/**
 * What n8n's request helpers do with IHttpRequestOptions, performed for real with axios so
 * that nock sees actual HTTP: the option mapping of n8n-core's httpRequest (encoding →
 * responseType, ignoreHttpStatusErrors → no status throws, returnFullResponse → the
 * {body, headers, statusCode} shape) and a credential's generic `authenticate` applied
 * the way n8n's credentials helper resolves `={{$credentials.x}}` expressions.
 */

export interface FullResponse {
  body: unknown;
  headers: Record<string, unknown>;
  statusCode: number;
  statusMessage: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Resolves the expressions credential definitions use: `={{$credentials.apiKey}}`, `=Bearer {{$credentials.apiToken}}`. */
export function resolveCredentialExpression(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
  if (typeof value !== 'string' || !value.startsWith('=')) return value;
  return value.slice(1).replace(/\{\{\s*\$credentials\.([A-Za-z0-9_]+)\s*\}\}/g, (_, key: string) => {
    const v = credentials[key];
    return v === undefined || v === null ? '' : String(v);
  });
}

export async function applyAuthentication(
  type: ICredentialType,
  credentials: ICredentialDataDecryptedObject,
  options: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
  const auth = type.authenticate;
  if (!auth) return options;
  if (typeof auth === 'function') return auth(credentials, options);
  const generic = auth as IAuthenticateGeneric;
  const out: IHttpRequestOptions = { ...options, headers: { ...(options.headers ?? {}) }, qs: { ...(options.qs ?? {}) } };
  const props = generic.properties;
  for (const [k, v] of Object.entries(props.headers ?? {})) (out.headers as Record<string, unknown>)[k] = resolveCredentialExpression(v, credentials);
  for (const [k, v] of Object.entries(props.qs ?? {})) (out.qs as Record<string, unknown>)[k] = resolveCredentialExpression(v, credentials);
  return out;
}

function toAxios(options: IHttpRequestOptions): AxiosRequestConfig {
  const config: AxiosRequestConfig = {
    url: options.url,
    method: options.method ?? 'GET',
    headers: { ...(options.headers ?? {}) } as Record<string, string>,
    params: options.qs,
    proxy: false,
    maxRedirects: options.disableFollowRedirect ? 0 : 5,
    ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    ...(options.encoding !== undefined ? { responseType: options.encoding as AxiosRequestConfig['responseType'] } : {}),
    ...(options.ignoreHttpStatusErrors ? { validateStatus: () => true } : {}),
    ...(options.abortSignal ? { signal: options.abortSignal as AbortSignal } : {}),
  };
  const body = options.body;
  const method = String(config.method).toUpperCase();
  // n8n drops empty bodies and bodies on GET, as its removeEmptyBody does.
  if (body !== undefined && method !== 'GET' && method !== 'HEAD' && !(isRecord(body) && Object.keys(body).length === 0)) {
    config.data = body;
  }
  const headers = config.headers as Record<string, string>;
  if (options.json && !Object.keys(headers).some((h) => h.toLowerCase() === 'accept')) headers['Accept'] = 'application/json';
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'user-agent')) headers['User-Agent'] = 'n8n';
  return config;
}

/** n8n's `helpers.httpRequest`. */
export async function n8nHttpRequest(options: IHttpRequestOptions): Promise<unknown> {
  const res = await axios.request(toAxios(options));
  if (options.returnFullResponse) {
    const full: FullResponse = {
      body: res.data as unknown,
      headers: { ...(res.headers as Record<string, unknown>) },
      statusCode: res.status,
      statusMessage: res.statusText,
    };
    return full;
  }
  return res.data as unknown;
}

/** n8n's `helpers.httpRequestWithAuthentication`: authenticate, request, and wrap failures as NodeApiError as n8n-core does. */
export async function n8nHttpRequestWithAuthentication(
  node: INode,
  type: ICredentialType,
  credentials: ICredentialDataDecryptedObject,
  options: IHttpRequestOptions,
): Promise<unknown> {
  try {
    return await n8nHttpRequest(await applyAuthentication(type, credentials, options));
  } catch (e) {
    if (e instanceof AxiosError) throw new NodeApiError(node, e as unknown as JsonObject);
    throw e;
  }
}
