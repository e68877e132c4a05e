import type { HttpMethod } from '../spec/types';

/**
 * The one seam between the engine and the network. The default uses axios; n8n injects
 * `httpRequestWithAuthentication`, Zapier `z.request`. A transport answers every HTTP status
 * (it never throws for 4xx/5xx) and throws only when no response arrived.
 */
export interface HttpRequest {
  method: HttpMethod;
  /** Absolute URL with the query string already encoded. */
  url: string;
  headers: Record<string, string>;
  /** A JSON value, serialized by the transport. */
  body?: unknown;
  timeoutMs: number;
  responseType: 'json' | 'binary';
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON where the body is JSON, the text otherwise, bytes for binary responses. */
  body: unknown;
}

export type Transport = (req: HttpRequest) => Promise<HttpResponse>;

/** Thrown by a transport when no response arrived: refused, reset, DNS, timed out. */
export class TransportError extends Error {
  readonly code: string;
  readonly timedOut: boolean;

  constructor(message: string, code: string, timedOut = false) {
    super(message);
    this.name = 'TransportError';
    this.code = code;
    this.timedOut = timedOut;
  }
}

export function lowerCaseHeaders(headers: Record<string, unknown> | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.map(String).join(', ') : String(v);
  }
  return out;
}

/** JSON when it parses, the text otherwise: providers and proxies do not always label bodies. */
export function parseBodyText(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
