import type { HttpRequestOptions, ZObject } from 'zapier-platform-core';
import { lowerCaseHeaders, parseBodyText, TransportError, type HttpRequest, type HttpResponse, type Transport } from './core';

/**
 * Core's transport over `z.request`, so every request shows in Zapier's HTTP log with the
 * key scrubbed. Zapier is told not to throw for any status and not to turn a 429 into its
 * own ThrottledError first: core must see every status to apply its one error model (and
 * to read the provider's wait from the 429), exactly as with its axios transport.
 */

/** z.request options Zapier reads but its type declarations leave out. */
interface ZapierRequestOptions extends HttpRequestOptions {
  url: string;
  throwForThrottlingEarly: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** node-fetch's failure codes that mean the request ran out of time. */
function timedOut(e: unknown): boolean {
  return isRecord(e) && (e['type'] === 'request-timeout' || e['code'] === 'ETIMEDOUT' || e['name'] === 'AbortError');
}

function failureCode(e: unknown): string {
  if (isRecord(e)) {
    const code = e['code'] ?? e['errno'];
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  }
  return timedOut(e) ? 'ETIMEDOUT' : 'ENETWORK';
}

/** node-fetch's FetchError and AbortError, or a Node system error: no response arrived. */
function isNetworkFailure(e: unknown): boolean {
  if (!isRecord(e)) return false;
  return e['name'] === 'FetchError' || e['name'] === 'AbortError' || typeof e['errno'] === 'string' || typeof e['syscall'] === 'string';
}

interface HeaderBag {
  forEach(cb: (value: string, name: string) => void): void;
}

function headersOf(h: unknown): Record<string, string> {
  if (isRecord(h) && typeof (h as unknown as HeaderBag).forEach === 'function') {
    const out: Record<string, string> = {};
    (h as unknown as HeaderBag).forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return out;
  }
  return lowerCaseHeaders(isRecord(h) ? h : {});
}

export function zapierTransport(z: ZObject): Transport {
  return async (req: HttpRequest): Promise<HttpResponse> => {
    const binary = req.responseType === 'binary';
    const options: ZapierRequestOptions = {
      url: req.url,
      method: req.method,
      headers: { ...req.headers },
      // Serialized here, as core's own transport does, so the bytes sent are the same.
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
      timeout: req.timeoutMs,
      // Core treats a redirect as an answer; following one could carry the key to another host.
      redirect: 'manual',
      skipThrowForStatus: true,
      throwForThrottlingEarly: false,
    };
    try {
      if (binary) {
        const res = await z.request({ ...options, raw: true });
        const headers = headersOf(res.headers);
        const bytes = new Uint8Array(await res.buffer());
        const ok = res.status >= 200 && res.status < 300;
        return { status: res.status, headers, body: ok ? bytes : parseBodyText(new TextDecoder().decode(bytes)) };
      }
      const res = await z.request(options);
      return { status: res.status, headers: headersOf(res.headers), body: parseBodyText(res.content ?? '') };
    } catch (e) {
      // Only a request that got no answer becomes core's network failure; anything Zapier's
      // own middleware throws keeps its meaning.
      if (req.signal?.aborted || !isNetworkFailure(e)) throw e;
      const message = e instanceof Error ? e.message : String(e);
      throw new TransportError(message, failureCode(e), timedOut(e));
    }
  };
}
