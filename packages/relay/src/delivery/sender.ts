import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { ForbiddenTargetError, forbiddenAddressReason, guardedLookup, hostOf } from '../security/ssrf';

/**
 * Sends one delivery over keep-alive connections and reports what came back. Never follows
 * redirects (a redirect could point anywhere, including the relay's own network). Reads at
 * most a short snippet of the response for the attempt log and discards the rest.
 */
export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SendResponse {
  status: number;
  headers: Record<string, string>;
  snippet: string;
}

export class SendError extends Error {
  readonly code: string;
  readonly timedOut: boolean;

  constructor(message: string, code: string, timedOut = false) {
    super(message);
    this.name = 'SendError';
    this.code = code;
    this.timedOut = timedOut;
  }
}

export interface SenderOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  maxSocketsPerHost: number;
  userAgent: string;
}

const SNIPPET_BYTES = 512;

export class DeliverySender {
  readonly #options: SenderOptions;
  readonly #http: http.Agent;
  readonly #https: https.Agent;

  constructor(options: SenderOptions) {
    this.#options = options;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSocketsPerHost, scheduling: 'lifo' as const };
    const lookup = options.allowPrivate ? undefined : guardedLookup;
    this.#http = new http.Agent({ ...agentOptions, ...(lookup ? { lookup } : {}) });
    this.#https = new https.Agent({ ...agentOptions, ...(lookup ? { lookup } : {}) });
  }

  send(req: SendRequest): Promise<SendResponse> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return Promise.reject(new SendError('target URL does not parse', 'EBADURL'));
    }
    if (!this.#options.allowPrivate) {
      // A literal address skips the agent's lookup, so it is checked here.
      const host = hostOf(url);
      const reason = isIP(host) ? forbiddenAddressReason(host) : null;
      if (reason) return Promise.reject(new SendError(`target refused: ${reason}`, 'ETARGETFORBIDDEN'));
    }
    const isHttps = url.protocol === 'https:';
    const body = Buffer.from(req.body, 'utf8');
    return new Promise<SendResponse>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const request = (isHttps ? https : http).request(url, {
        method: 'POST',
        agent: isHttps ? this.#https : this.#http,
        headers: { ...req.headers, 'user-agent': this.#options.userAgent, 'content-length': String(body.length) },
      });
      const timer = setTimeout(() => {
        const err = new SendError(`no response within ${this.#options.timeoutMs} ms`, 'ETIMEDOUT', true);
        finish(() => reject(err));
        request.destroy(err);
      }, this.#options.timeoutMs);
      request.on('response', (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < SNIPPET_BYTES) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          }
          const snippet = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8');
          finish(() => resolve({ status: res.statusCode ?? 0, headers, snippet }));
        });
        res.on('error', (e) => finish(() => reject(new SendError(e.message, 'ERESPONSE'))));
      });
      request.on('error', (e: NodeJS.ErrnoException) => {
        if (e instanceof ForbiddenTargetError) return finish(() => reject(new SendError(`target refused: ${e.message}`, e.code)));
        finish(() => reject(e instanceof SendError ? e : new SendError(e.message, e.code ?? 'ENETWORK')));
      });
      request.end(body);
    });
  }

  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}
