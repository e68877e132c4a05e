import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { signWebhook } from '@callbridge/core';
import { TOKEN, VYORA_SECRET } from './harness';

/**
 * A relay in its own process, built from dist/, for the tests that must kill one with
 * SIGKILL: the crash test on SQLite and the replica test on PostgreSQL.
 */
const ENTRY = join(__dirname, 'relay-child.js');
const DIST = join(__dirname, '..', '..', 'dist', 'index.js');

export interface RelayChild {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

export function assertBuilt(): void {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`tsc -b\` first (the root \`npm test\` builds)`);
}

/** Starts a relay child with test settings plus `env` (its database, above all); resolves once it listens. */
export function startRelayChild(env: Record<string, string>): Promise<RelayChild> {
  const proc = spawn(process.execPath, [ENTRY], {
    env: {
      PATH: process.env['PATH'] ?? '',
      RELAY_HOST: '127.0.0.1',
      RELAY_PORT: '0',
      RELAY_API_TOKEN: TOKEN,
      RELAY_RETRY_SCHEDULE: '0.1s,0.1s,0.1s',
      RELAY_ALLOW_PRIVATE_TARGETS: 'true',
      RELAY_LOG_LEVEL: 'error',
      // Few slots for the one receiver, so a backlog builds up and is cut by the kill.
      RELAY_SUBSCRIPTION_CONCURRENCY: '8',
      VYORA_WEBHOOK_SECRET: VYORA_SECRET,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      const info = JSON.parse(line) as { url: string };
      resolve({ proc, url: info.url, exited });
    });
    proc.once('exit', (code) => reject(new Error(`relay child exited early with ${String(code)}`)));
  });
}

/** Posts one signed Vyora event; resolves its id when acknowledged, null when not (killed mid-request). */
export async function postVyoraEvent(url: string, callId: string, n: number): Promise<string | null> {
  const body = JSON.stringify({ event: 'call_completed', call_id: callId, status: 'completed', n });
  const sig = signWebhook('vyora', { rawBody: body, secret: VYORA_SECRET });
  try {
    const res = await fetch(`${url}/hooks/vyora`, { method: 'POST', headers: { 'content-type': 'application/json', [sig.header]: sig.value }, body });
    if (res.status !== 200) return null;
    return ((await res.json()) as { id: string }).id;
  } catch {
    return null;
  }
}
