import type { ChildProcess } from 'node:child_process';
import { assertBuilt, postVyoraEvent, startRelayChild, type RelayChild } from './support/child-relay';
import { api, eventually, startReceiver, subscribe, type Receiver } from './support/harness';
import { dropTestSchemas, PG_SKIP_NOTE, PG_URL, testSchema } from './support/postgres';

/**
 * Two relay processes on one PostgreSQL schema, the way an agency runs them: providers post
 * to both in turn, one is killed with SIGKILL mid-run, and every event either of them
 * acknowledged must reach the receiver at least once. The survivor takes over the dead
 * replica's leased deliveries as soon as its session is gone; duplicates are counted.
 */
function startChild(schema: string): Promise<RelayChild> {
  return startRelayChild({ RELAY_DATABASE_URL: PG_URL ?? '', RELAY_PG_SCHEMA: schema, RELAY_PG_POOL_SIZE: '6', RELAY_RATE_LIMIT: '0' });
}

let counter = 0;

function post(url: string): Promise<string | null> {
  counter += 1;
  return postVyoraEvent(url, `replica-${process.pid}-${counter}`, counter);
}

const suite = PG_URL ? describe : describe.skip;
suite(PG_URL ? 'two relay replicas on one PostgreSQL, one killed with SIGKILL' : PG_SKIP_NOTE, () => {
  let receiver: Receiver | undefined;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    assertBuilt();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await receiver?.close();
    await dropTestSchemas();
  });

  test('every acknowledged event is delivered at least once; duplicates are reported', async () => {
    receiver = await startReceiver(() => ({ status: 200, delayMs: 40 }));
    const schema = testSchema('replicas');
    // Started together: the migration lock makes one of them create the schema.
    const [a, b] = await Promise.all([startChild(schema), startChild(schema)]);
    children.push(a.proc, b.proc);
    await subscribe(a.url, receiver.url, ['vyora.call_completed']);
    const health = await api(b.url, 'GET', '/healthz', undefined, { token: null });
    expect(health.body).toMatchObject({ status: 'ok', storage: 'postgres' });

    const acked = new Set<string>();
    const ackedBy = { a: 0, b: 0 };
    let stopA = false;
    let stopAll = false;
    // Producers alternate between the replicas; once a is dead, everything goes to b.
    const producers = Array.from({ length: 12 }, async (_, p) => {
      for (let i = p; !stopAll; i++) {
        const toA = i % 2 === 0 && !stopA;
        const id = await post(toA ? a.url : b.url);
        if (id) {
          acked.add(id);
          ackedBy[toA ? 'a' : 'b'] += 1;
        }
      }
    });
    await eventually(() => (acked.size >= 300 && receiver!.received.length > 50 ? true : undefined), 15_000, 5);
    a.proc.kill('SIGKILL');
    stopA = true;
    await a.exited;
    const deliveredAtKill = receiver.received.length;
    // b keeps taking events after the kill.
    const before = acked.size;
    await eventually(() => (acked.size >= before + 100 ? true : undefined), 10_000, 5);
    stopAll = true;
    await Promise.all(producers);
    expect(deliveredAtKill).toBeLessThan(acked.size);

    const ids = (): Set<string> => new Set(receiver!.received.map((r) => String(r.headers['webhook-id'])));
    await eventually(() => ([...acked].every((id) => ids().has(id)) ? true : undefined), 20_000, 50);

    const counts = new Map<string, number>();
    for (const r of receiver.received) counts.set(String(r.headers['webhook-id']), (counts.get(String(r.headers['webhook-id'])) ?? 0) + 1);
    const duplicates = [...counts.values()].filter((k) => k > 1).length;
    // Only deliveries a had in flight at the kill can go twice: at most its 8 slots.
    expect(duplicates).toBeLessThanOrEqual(8);
    expect(ackedBy.a).toBeGreaterThan(0);
    expect(ackedBy.b).toBeGreaterThan(0);
    console.log(
      `PostgreSQL replicas: ${acked.size} acknowledged (${ackedBy.a} by the killed replica, ${ackedBy.b} by the survivor), ` +
        `${deliveredAtKill} delivered before the kill, ${receiver.received.length} deliveries in all, ` +
        `${counts.size} distinct, ${duplicates} delivered twice`,
    );

    b.proc.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  }, 60_000);
});
