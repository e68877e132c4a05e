import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { assertBuilt, postVyoraEvent, startRelayChild, type RelayChild } from './support/child-relay';
import { eventually, startReceiver, subscribe, tempDir, type Receiver } from './support/harness';

/**
 * The durability promise, tested the hard way: a relay process is killed with SIGKILL
 * while providers are posting and deliveries are in flight, restarted on the same
 * database, and every event it acknowledged must reach the receiver at least once.
 */
function startChild(dbPath: string): Promise<RelayChild> {
  return startRelayChild({ RELAY_DATABASE_URL: `sqlite:${dbPath}` });
}

let counter = 0;

function post(url: string): Promise<string | null> {
  counter += 1;
  return postVyoraEvent(url, `crash-${counter}`, counter);
}

describe('SIGKILL and restart', () => {
  let receiver: Receiver;
  const dir = tempDir('relay-crash-');
  const children: ChildProcess[] = [];

  beforeAll(() => {
    assertBuilt();
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
