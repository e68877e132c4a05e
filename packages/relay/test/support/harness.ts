import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { signWebhook } from '@callbridge/core';
import pino from 'pino';
import { loadRelayConfig, startRelay, type RunningRelay, type StartOptions } from '../../src';
import { testSchema } from './postgres';

/** Shared test scaffolding: a relay on loopback with a temp database, local receivers, signed events. */
export const TOKEN = 'test-admin-token-0123456789';
export const VYORA_SECRET = 'vyora_test_webhook_secret_0001';
export const AILA_SECRET = 'aila_test_webhook_secret_0001';

export function tempDir(prefix = 'relay-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestRelay {
  relay: RunningRelay;
  url: string;
  logs: string[];
  dir: string;
  close: () => Promise<void>;
}

/** A relay on 127.0.0.1:0 with a fresh SQLite file; env entries override the test defaults. */
export async function startTestRelay(env: Record<string, string | undefined> = {}, dir?: string, options: Omit<StartOptions, 'logger'> = {}): Promise<TestRelay> {
  const own = dir ? undefined : tempDir();
  const base = dir ?? (own as { dir: string }).dir;
  const config = loadRelayConfig({
    RELAY_DATABASE_URL: `sqlite:${join(base, 'relay.db')}`,
    RELAY_HOST: '127.0.0.1',
    RELAY_PORT: '0',
    RELAY_API_TOKEN: TOKEN,
    RELAY_RETRY_SCHEDULE: '0.1s,0.2s',
    RELAY_ALLOW_PRIVATE_TARGETS: 'true',
    RELAY_DELIVERY_TIMEOUT: '2s',
    VYORA_WEBHOOK_SECRET: VYORA_SECRET,
    AILA_WEBHOOK_SECRET: AILA_SECRET,
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  // Idle keep-alive sockets (fetch keeps some) would hold every close for the default 1 s grace.
  const relay = await startRelay(config, { drain: { idleGraceMs: 50 }, ...options, logger });
  return {
    relay,
    url: relay.url,
    logs,
    dir: base,
    close: async () => {
      await relay.close();
      own?.remove();
    },
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** A call to the relay's `/v1` API with the test token unless `token` says otherwise. */
export async function api(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  options: { token?: string | null; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const token = options.token === undefined ? TOKEN : options.token;
  const headers: Record<string, string> = { ...options.headers };
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Field access on parsed JSON without `any`. */
export function get(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

let callCounter = 0;

export function vyoraEvent(event = 'call_completed', overrides: Record<string, unknown> = {}): string {
  callCounter += 1;
  return JSON.stringify({
    event,
    call_id: `call_${process.pid}_${callCounter}_${Math.random().toString(36).slice(2, 8)}`,
    phone_number: '+919876543210',
    status: 'completed',
    duration_seconds: 47,
    timestamp: '2026-05-24T10:31:00Z',
    ...overrides,
  });
}

/** POSTs a body to /hooks/<provider> (or /hooks/<provider>/<source>) signed with the provider's scheme. */
export async function postHook(
  url: string,
  provider: 'vyora' | 'aila' | 'ayra' | 'ayla',
  rawBody: string,
  options: { secret?: string; headers?: Record<string, string>; sign?: boolean; source?: string } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.sign !== false) {
    const secret = options.secret ?? (provider === 'aila' ? AILA_SECRET : VYORA_SECRET);
    const sig = signWebhook(provider, { rawBody, secret });
    headers[sig.header] = sig.value;
  }
  Object.assign(headers, options.headers);
  const path = options.source ? `/hooks/${provider}/${options.source}` : `/hooks/${provider}`;
  const res = await fetch(`${url}${path}`, { method: 'POST', headers, body: rawBody });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // keep text
  }
  return { status: res.status, headers: res.headers, body, text };
}

export interface ReceivedRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * How a receiver answers one request: `delayMs` waits that long; `until` holds the answer
 * until the promise settles, for tests that decide when (rather than how fast) a receiver answers.
 */
export type Responder = (
  req: ReceivedRequest,
  count: number,
) => { status: number; headers?: Record<string, string>; body?: string; delayMs?: number; until?: Promise<unknown> };

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  respond: Responder;
  /** Resolves once `n` requests have arrived; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** A local node:http server that records every request and answers as `respond` says. */
export async function startReceiver(respond: Responder = () => ({ status: 200 })): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const timers = new Set<NodeJS.Timeout>();
  const receiver: Receiver = {
    url: '',
    received,
    respond,
    waitFor(n, timeoutMs = 10_000) {
      if (received.length >= n) return Promise.resolve(received.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          reject(new Error(`receiver got ${received.length} requests, expected ${n} within ${timeoutMs} ms`));
        }, timeoutMs);
        timers.add(timer);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            timers.delete(timer);
            resolve(received.slice());
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: ReceivedRequest = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(entry);
      const answer = receiver.respond(entry, received.length);
      const reply = (): void => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body ?? '{"ok":true}');
        for (const w of waiters.slice()) {
          if (received.length >= w.n) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
      };
      if (answer.until) {
        void answer.until.then(reply, reply);
      } else if (answer.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          reply();
        }, answer.delayMs);
        timers.add(t);
      } else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

/** Polls until `check` returns a value other than undefined. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, stepMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export async function subscribe(url: string, target: string, events: string[] = ['*'], headers?: Record<string, string>): Promise<{ id: string; secret: string }> {
  const res = await api(url, 'POST', '/v1/subscriptions', { target_url: target, events, ...(headers ? { headers } : {}) });
  if (res.status !== 201) throw new Error(`subscribe failed: ${res.status} ${res.text}`);
  return { id: get(res.body, 'id') as string, secret: get(res.body, 'secret') as string };
}

/** Where a relay test runs: SQLite in a temp dir, or PostgreSQL in a fresh schema when the server is named. */
export type Backend = 'sqlite' | 'postgres';

export function testBackends(): Backend[] {
  return process.env['CALLBRIDGE_TEST_POSTGRES_URL'] ? ['sqlite', 'postgres'] : ['sqlite'];
}

let backendRelays = 0;

/** A relay on `backend` (PostgreSQL: its own schema and an encryption key), with `env` on top. */
export async function startBackendRelay(backend: Backend, env: Record<string, string | undefined> = {}): Promise<TestRelay> {
  if (backend === 'sqlite') return startTestRelay(env);
  backendRelays += 1;
  return startTestRelay({
    RELAY_DATABASE_URL: process.env['CALLBRIDGE_TEST_POSTGRES_URL'],
    RELAY_PG_SCHEMA: testSchema(`relay-${process.pid}-${backendRelays}-${Date.now()}`),
    RELAY_ENCRYPTION_KEY: 'a'.repeat(64),
    ...env,
  });
}
