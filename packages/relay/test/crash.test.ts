import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { signWebhook } from '@callbridge/core';
import { eventually, startReceiver, subscribe, tempDir, TOKEN, VYORA_SECRET, type Receiver } from './support/harness';

/**
 * The durability promise, tested the hard way: a relay process is killed with SIGKILL
 * while providers are posting and deliveries are in flight, restarted on the same
 * database, and every event it acknowledged must reach the receiver at least once.
 */
const ENTRY = join(__dirname, 'support', 'relay-child.js');
const DIST = join(__dirname, '..', 'dist', 'index.js');

interface Child {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

function startChild(dbPath: string): Promise<Child> {
  const proc = spawn(process.execPath, [ENTRY], {
    env: {
      PATH: process.env['PATH'] ?? '',
      RELAY_DATABASE_URL: `sqlite:${dbPath}`,
      RELAY_HOST: '127.0.0.1',
      RELAY_PORT: '0',
      RELAY_API_TOKEN: TOKEN,
      RELAY_RETRY_SCHEDULE: '0.1s,0.1s,0.1s',
      RELAY_ALLOW_PRIVATE_TARGETS: 'true',
      RELAY_LOG_LEVEL: 'error',
      // Few slots for the one receiver, so a backlog builds up and is cut by the kill.
      RELAY_SUBSCRIPTION_CONCURRENCY: '8',
      VYORA_WEBHOOK_SECRET: VYORA_SECRET,
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

let counter = 0;

/** Posts one signed Vyora event; resolves its id when acknowledged, null when not. */
async function post(url: string): Promise<string | null> {
  counter += 1;
  const body = JSON.stringify({ event: 'call_completed', call_id: `crash-${counter}`, status: 'completed', n: counter });
  const sig = signWebhook('vyora', { rawBody: body, secret: VYORA_SECRET });
  try {
    const res = await fetch(`${url}/hooks/vyora`, { method: 'POST', headers: { 'content-type': 'application/json', [sig.header]: sig.value }, body });
    if (res.status !== 200) return null;
    const json = (await res.json()) as { id: string };
    return json.id;
  } catch {
    return null; // killed mid-request: not acknowledged
  }
}

describe('SIGKILL and restart', () => {
  let receiver: Receiver;
  const dir = tempDir('relay-crash-');
  const children: ChildProcess[] = [];

  beforeAll(() => {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`tsc -b\` first (the root \`npm test\` builds)`);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await receiver?.close();
    dir.remove();
  });

  test('every acknowledged event is delivered at least once, with few duplicates', async () => {
    // Slow enough that deliveries are in flight, and more are queued, when the relay dies.
    receiver = await startReceiver(() => ({ status: 200, delayMs: 40 }));
    const db = join(dir.dir, 'relay.db');
    const first = await startChild(db);
    children.push(first.proc);
    await subscribe(first.url, receiver.url, ['vyora.call_completed']);

    const acked = new Set<string>();
    let killed = false;
    const producers = Array.from({ length: 16 }, async () => {
      while (!killed) {
        const id = await post(first.url);
        if (id) acked.add(id);
      }
    });
    await eventually(() => (acked.size >= 400 && receiver.received.length > 50 ? true : undefined), 15_000, 5);
    first.proc.kill('SIGKILL');
    killed = true;
    await Promise.all(producers);
    await first.exited;
    const deliveredBeforeCrash = receiver.received.length;
    expect(deliveredBeforeCrash).toBeLessThan(acked.size);

    const second = await startChild(db);
    children.push(second.proc);
    const ids = (): Set<string> => new Set(receiver.received.map((r) => String(r.headers['webhook-id'])));
    await eventually(() => ([...acked].every((id) => ids().has(id)) ? true : undefined), 20_000, 50);

    const counts = new Map<string, number>();
    for (const r of receiver.received) counts.set(String(r.headers['webhook-id']), (counts.get(String(r.headers['webhook-id'])) ?? 0) + 1);
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    // Only deliveries in flight at the kill can go twice: at most the subscription's 8 slots.
    expect(duplicates).toBeLessThanOrEqual(8);
    expect(acked.size).toBeGreaterThanOrEqual(400);
    process.stdout.write(
      `SIGKILL test: ${acked.size} acknowledged, ${deliveredBeforeCrash} delivered before the kill, ` +
        `${receiver.received.length} deliveries in all, ${counts.size} distinct, ${duplicates} delivered twice\n`,
    );

    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
