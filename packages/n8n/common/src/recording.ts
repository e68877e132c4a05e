import { CallbridgeError, getPath, normalizeProviderError, type ProviderSpec, type Transport } from './core';
import { n8nTransport, type RequestHelper } from './transport';

/**
 * Fetches a call recording named in a result as bytes. The API key goes only to the
 * provider's own origin: a recording on a CDN or storage host gets a plain request, so
 * the credential never travels to a third party.
 */

const MAX_REDIRECTS = 5;

export interface Recording {
  data: Uint8Array;
  fileName: string;
  mimeType: string;
}

export interface RecordingHelpers {
  authenticated: RequestHelper;
  anonymous: RequestHelper;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

function fileNameOf(url: string, fallback: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : fallback;
  } catch {
    return fallback;
  }
}

function missing(spec: ProviderSpec, operation: string, field: string): CallbridgeError {
  return new CallbridgeError({
    provider: spec.id,
    operation,
    status: null,
    code: 'no_recording',
    message: `${spec.name} ${operation}: the result has no recording to download (${field} is empty)`,
    retryable: false,
    kind: 'validation',
  });
}

export async function downloadRecording(
  spec: ProviderSpec,
  operation: string,
  result: unknown,
  field: string,
  baseUrl: string,
  helpers: RecordingHelpers,
  signal?: AbortSignal,
): Promise<Recording> {
  const url = getPath(result, field);
  if (typeof url !== 'string' || url.trim() === '') throw missing(spec, operation, field);
  if (!/^https?:\/\//i.test(url)) throw missing(spec, operation, field);
  // Follow redirects by hand so that each hop is authenticated only on the provider's origin.
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const transport: Transport = n8nTransport(sameOrigin(current, baseUrl) ? helpers.authenticated : helpers.anonymous);
    const res = await transport({
      method: 'GET',
      url: current,
      headers: { accept: '*/*' },
      timeoutMs: 120_000,
      responseType: 'binary',
      ...(signal ? { signal } : {}),
    });
    const location = res.headers['location'];
    if (res.status >= 300 && res.status < 400 && location) {
      current = new URL(location, current).toString();
      continue;
    }
    if (res.status < 200 || res.status >= 300) {
      throw normalizeProviderError(spec.id, res.status, res.body, res.headers, operation);
    }
    const data = res.body instanceof Uint8Array ? res.body : new Uint8Array(0);
    const type = (res.headers['content-type'] ?? '').split(';')[0]?.trim();
    return { data, fileName: fileNameOf(url, 'recording'), mimeType: type || 'application/octet-stream' };
  }
  throw new CallbridgeError({
    provider: spec.id,
    operation,
    status: null,
    code: 'too_many_redirects',
    message: `${spec.name} ${operation}: the recording redirected more than ${MAX_REDIRECTS} times`,
    retryable: false,
    kind: 'network',
  });
}
