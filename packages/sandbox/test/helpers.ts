import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type ClientOptions, type ProviderClient, type ProviderId } from '@callbridge/core';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '@callbridge/sandbox';

/** Timings short enough for tests, long enough that stages are observable. */
export const FAST = { ringMs: 40, inProgressMs: 40, processingMs: 40, workflowMs: 40 };
export const QUICK_RETRY = { attempts: 4, baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 1_000 };

export function start(options: SandboxOptions = {}): Promise<RunningSandbox> {
  return startSandbox({ timings: FAST, webhookRetry: QUICK_RETRY, ...options });
}

/** A core client aimed at the sandbox with its demo key; no client-side limiter unless asked. */
export function clientFor(sandbox: RunningSandbox, provider: ProviderId, extra: ClientOptions = {}): ProviderClient {
  return createClient(provider, { apiKey: sandbox.keys[provider], baseUrl: sandbox.urls[provider], rateLimit: false, ...extra });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or the text when it is not JSON. */
  body: unknown;
  text: string;
}

/** One raw HTTP request (no client in between), on its own connection. */
export function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; rawBody?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const text = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    const headers: Record<string, string> = { ...(text !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers };
    const req = http.request(url, { method: init.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const t = Buffer.concat(chunks).toString('utf8');
        let body: unknown = t;
        try {
          body = JSON.parse(t) as unknown;
        } catch {
          /* not JSON: keep the text */
        }
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: h, body, text: t });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** The header that carries each provider's key. */
export function authHeaders(provider: ProviderId, key: string): Record<string, string> {
  return provider === 'vyora' ? { 'x-api-key': key } : { authorization: `Bearer ${key}` };
}

/** A raw request to a provider path with the demo key (or `key`). */
export function call(
  sandbox: RunningSandbox,
  provider: ProviderId,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; key?: string | null; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const key = options.key === undefined ? sandbox.keys[provider] : options.key;
  return request(`${sandbox.urls[provider]}${path}`, {
    method,
    headers: { ...(key === null ? {} : authHeaders(provider, key)), ...options.headers },
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.rawBody !== undefined ? { rawBody: options.rawBody } : {}),
  });
}

export interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves once `n` requests have arrived (answered 2xx or not). */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** A local webhook receiver; `status(n)` decides the answer to the n-th request (1-based). */
export async function startReceiver(status: (n: number, r: Received) => number = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const r: Received = { headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(r);
      const code = status(received.length, r);
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ received: code < 300 }));
      for (const w of [...waiters]) if (received.length >= w.n) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    waitFor(n, timeoutMs = 5_000) {
      if (received.length >= n) return Promise.resolve(received.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`waited ${timeoutMs} ms for ${n} webhook(s), got ${received.length}`)), timeoutMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve(received.slice());
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The thrown value of a promise expected to reject. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection, got a result');
    },
    (e: unknown) => e,
  );
}

/** A clock tests move by hand. */
export function manualClock(start = Date.parse('2026-05-24T10:00:00Z')): { now(): number; advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}
