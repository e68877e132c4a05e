import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRelayConfig, startRelay } from '@callbridge/relay';

/**
 * The real relay for the sandbox's wiring tests (its `/v1/sources` and `/hooks/vyora/<id>`),
 * on loopback with a fresh SQLite file, quiet; and a stand-in for a relay from before
 * sources, which only an old build could otherwise play.
 */
export interface TestRelay {
  url: string;
  /** A `/v1` call with the admin token; resolves the status and parsed body. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** The events the relay stored (so verified) from `source`, newest first. */
  events(source: string): Promise<Array<{ id: string; type: string; source: string; data: { call_id?: string; event?: string } }>>;
  close(): Promise<void>;
}

export async function startTestRelay(options: { token: string; vyoraSecret: string }): Promise<TestRelay> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-sandbox-relay-'));
  const relay = await startRelay(
    loadRelayConfig({
      RELAY_DATABASE_URL: `sqlite:${join(dir, 'relay.db')}`,
      RELAY_HOST: '127.0.0.1',
      RELAY_PORT: '0',
      RELAY_API_TOKEN: options.token,
      // The sources point their base URL at the sandbox, on loopback.
      RELAY_ALLOW_PRIVATE_TARGETS: 'true',
      RELAY_RATE_LIMIT: '0',
      RELAY_LOG_LEVEL: 'silent',
      VYORA_WEBHOOK_SECRET: options.vyoraSecret,
    }),
    { drain: { idleGraceMs: 50 } },
  );
  const api: TestRelay['api'] = async (method, path, body) => {
    const res = await fetch(`${relay.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
  return {
    url: relay.url,
    api,
    async events(source) {
      const res = await api('GET', `/v1/events?source=${encodeURIComponent(source)}&limit=100`);
      if (res.status !== 200) throw new Error(`GET /v1/events answered ${res.status}`);
      return (res.body as { data: Awaited<ReturnType<TestRelay['events']>> }).data;
    },
    async close() {
      await relay.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A relay from before sources: its `/v1` routes answer, but `/v1/sources` is 404. */
export async function startRelayWithoutSources(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"Route GET:/v1/sources not found"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls until `check` gives a value, or fails naming `what`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
