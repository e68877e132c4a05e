import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';
import { lowerCaseHeaders, parseBodyText, TransportError, type HttpRequest, type HttpResponse, type Transport } from './core';

/**
 * Core's transport over n8n's request helpers. n8n authenticates the request from the
 * node's credentials (so the key never passes through our code) and we ask it for the
 * full response without throwing on statuses, so that core's retry, rate-limit and
 * error model see every status exactly as with its own axios transport.
 */

/** The helper n8n gives every node context: httpRequestWithAuthentication bound to a credential type, or plain httpRequest. */
export type RequestHelper = (options: IHttpRequestOptions) => Promise<unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function toBytes(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v; // Buffer is a Uint8Array
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return undefined;
}

/** JSON when it parses, bytes for a successful binary download, the text otherwise. */
function readBody(raw: unknown, binary: boolean, ok: boolean): unknown {
  const bytes = toBytes(raw);
  if (binary && ok) return bytes ?? (typeof raw === 'string' ? new TextEncoder().encode(raw) : raw);
  if (bytes) return parseBodyText(new TextDecoder().decode(bytes));
  if (typeof raw === 'string') return parseBodyText(raw);
  return raw ?? null;
}

/**
 * The code of the failure that kept a response from arriving, wherever n8n's wrapping put
 * it: NodeApiError moves an axios error's code (ECONNREFUSED) into `httpCode`.
 */
function causeCode(e: unknown): string {
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && isRecord(cur); depth++) {
    for (const key of ['code', 'httpCode']) {
      const code = cur[key];
      if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    }
    cur = cur['cause'];
  }
  return 'ENETWORK';
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function n8nTransport(request: RequestHelper): Transport {
  return async (req: HttpRequest): Promise<HttpResponse> => {
    const binary = req.responseType === 'binary';
    const options: IHttpRequestOptions = {
      url: req.url,
      method: req.method as IHttpRequestMethods,
      headers: { ...req.headers } as IDataObject,
      // Serialized here, as core's own transport does, so the bytes sent are the same.
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
      timeout: req.timeoutMs,
      encoding: binary ? 'arraybuffer' : 'text',
      json: false,
      returnFullResponse: true,
      ignoreHttpStatusErrors: true,
      // Core treats a redirect as an answer, as its axios transport does; following one could carry the key elsewhere.
      disableFollowRedirect: true,
      ...(req.signal ? { abortSignal: req.signal } : {}),
    };
    let raw: unknown;
    try {
      raw = await request(options);
    } catch (e) {
      if (req.signal?.aborted) throw e;
      const code = causeCode(e);
      throw new TransportError(errorMessage(e), code, code === 'ETIMEDOUT' || code === 'ECONNABORTED');
    }
    if (!isRecord(raw) || typeof raw['statusCode'] !== 'number') {
      throw new TransportError('n8n returned no HTTP status for the request', 'ENORESPONSE');
    }
    const status = raw['statusCode'];
    const headers = lowerCaseHeaders(isRecord(raw['headers']) ? raw['headers'] : {});
    return { status, headers, body: readBody(raw['body'], binary, status >= 200 && status < 300) };
  };
}
