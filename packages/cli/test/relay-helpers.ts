import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signWebhook } from '@callbridge/core';
import { loadRelayConfig, startRelay, type RunningRelay } from '@callbridge/relay';
import { main } from '../src/main';
import { Capture } from './helpers';

/** A real relay for the CLI's tests, a signed webhook poster, a local receiver, and long-running commands. */
export const RELAY_TOKEN = 'cli-test-admin-token-0123456789';
export const VYORA_SECRET = 'cli-test-vyora-webhook-secret';

export interface TestRelay {
  url: string;
  port: number;
  dir: string;
  relay: RunningRelay;
  close(): Promise<void>;
}

/** A relay on loopback with a fresh SQLite file (or `dir`'s, to restart one), quiet. */
export async function startTestRelay(options: { dir?: string; port?: number; env?: Record<string, string> } = {}): Promise<TestRelay> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'cb-cli-admin-'));
  const config = loadRelayConfig({
    RELAY_DATABASE_URL: `sqlite:${path.join(dir, 'relay.db')}`,
    RELAY_HOST: '127.0.0.1',
    RELAY_PORT: String(options.port ?? 0),
    RELAY_API_TOKEN: RELAY_TOKEN,
    RELAY_RETRY_SCHEDULE: '0.1s',
    RELAY_ALLOW_PRIVATE_TARGETS: 'true',
    RELAY_RATE_LIMIT: '0',
    RELAY_LOG_LEVEL: 'silent',
    VYORA_WEBHOOK_SECRET: VYORA_SECRET,
    ...options.env,
  });
  const relay = await startRelay(config);
  return { url: relay.url, port: relay.port, dir, relay, close: () => relay.close() };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

let counter = 0;

/** Posts a signed Vyora webhook to the relay; resolves the stored event id. */
export async function postVyora(url: string, event = 'call_completed'): Promise<string> {
  counter += 1;
  const body = JSON.stringify({ event, call_id: `cli_${process.pid}_${counter}_${Date.now()}`, status: 'completed', duration_seconds: 30 });
  const sig = signWebhook('vyora', { rawBody: body, secret: VYORA_SECRET });
  const res = await fetch(`${url}/hooks/vyora`, { method: 'POST', headers: { 'content-type': 'application/json', [sig.header]: sig.value }, body });
  const answer = (await res.json()) as { id?: string };
  if (res.status !== 200 || !answer.id) throw new Error(`ingest answered ${res.status}`);
  return answer.id;
}

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface LocalReceiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** A local HTTP receiver; `answer` decides each status. */
export async function startLocalReceiver(answer: (r: Received) => number = () => 200, port = 0): Promise<LocalReceiver> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      res.writeHead(answer(r)).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (fetch refuses well-known ports such as 9 outright). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A long-running command run in-process; `stop()` plays the part of Ctrl-C. */
export function startCommand(argv: string[], env: Record<string, string>) {
  const stdout = new Capture();
  const stderr = new Capture();
  let stop!: (reason: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const exit = main(argv, env, { stdout, stderr }, { untilStopped: () => stopped });
  let exited: number | undefined;
  void exit.then((code) => (exited = code));
  const until = async (check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (exited !== undefined) throw new Error(`exited ${exited} while waiting for ${what}; stdout: ${stdout.text} stderr: ${stderr.text}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; stdout: ${stdout.text} stderr: ${stderr.text}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { stdout, stderr, exit, until, stop: async (signal = 'SIGINT') => (stop(signal), exit) };
}
