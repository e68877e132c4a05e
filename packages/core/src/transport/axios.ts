import http from 'node:http';
import https from 'node:https';
import type { AxiosInstance, AxiosStatic } from 'axios';
import { TransportError, lowerCaseHeaders, parseBodyText, type HttpRequest, type HttpResponse, type Transport } from './types';

export interface AxiosTransportOptions {
  /** Reuse an axios instance (for its interceptors or proxy settings). */
  instance?: AxiosInstance;
  maxSockets?: number;
}

let axiosModule: AxiosStatic | undefined;

/**
 * axios is loaded on the first request, not on import: with its dependencies it costs a
 * process 7-10 MiB of RSS, which a relay that never runs an action, or a wrapper that
 * injects its platform's transport, need not pay. Bundlers still see the static specifier.
 */
function loadAxios(): AxiosStatic {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see above
  axiosModule ??= (require('axios') as { default: AxiosStatic }).default;
  return axiosModule;
}

/**
 * The default transport: axios over keep-alive agents so a paginated listing or a burst of
 * calls reuses connections. Statuses are returned, never thrown; bodies are read as text and
 * parsed here so a mislabelled body still reaches the error normalizer.
 */
export function axiosTransport(options: AxiosTransportOptions = {}): Transport {
  const maxSockets = options.maxSockets ?? 64;
  let instance = options.instance;
  const create = (): AxiosInstance =>
    loadAxios().create({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets }),
      maxRedirects: 0,
      validateStatus: () => true,
      transitional: { silentJSONParsing: true, forcedJSONParsing: false, clarifyTimeoutError: true },
      decompress: true,
      proxy: false,
    });

  return async (req: HttpRequest): Promise<HttpResponse> => {
    instance ??= create();
    try {
      const res = await instance.request({
        method: req.method,
        url: req.url,
        headers: req.headers,
        data: req.body === undefined ? undefined : JSON.stringify(req.body),
        timeout: req.timeoutMs,
        responseType: req.responseType === 'binary' ? 'arraybuffer' : 'text',
        validateStatus: () => true,
        ...(req.signal ? { signal: req.signal } : {}),
      });
      const headers = lowerCaseHeaders(res.headers as Record<string, unknown>);
      if (req.responseType === 'binary' && res.status < 300) {
        return { status: res.status, headers, body: new Uint8Array(res.data as ArrayBuffer) };
      }
      const text =
        typeof res.data === 'string' ? res.data : Buffer.from(res.data as ArrayBuffer).toString('utf8');
      return { status: res.status, headers, body: parseBodyText(text) };
    } catch (e) {
      if (loadAxios().isAxiosError(e)) {
        const timedOut = e.code === 'ETIMEDOUT' || e.code === 'ECONNABORTED';
        throw new TransportError(e.message, e.code ?? 'ENETWORK', timedOut);
      }
      throw new TransportError(e instanceof Error ? e.message : String(e), 'ENETWORK');
    }
  };
}
