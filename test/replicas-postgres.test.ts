import type { ChildProcess } from 'node:child_process';
import { Webhook } from 'standardwebhooks';
import { assertBuilt, startRelayChild, type RelayChild } from '../packages/relay/test/support/child-relay';
import { dropTestSchemas, PG_URL, testSchema } from '../packages/relay/test/support/postgres';
import type { RunningSandbox } from '../packages/sandbox/src';
import { relayEnv, stillSandbox, RELAY_TOKEN, VYORA_SECRET } from './support/parts';
import { json, startReceiver, type Receiver } from './support/receiver';
import { relayApi } from './support/relay-api';
import { startRoundRobin, type RoundRobin } from './support/round-robin';
import { journey } from './support/steps';

/**
 * Journey 5, two replicas on PostgreSQL: journey 1 with two relay processes sharing one
 * schema behind a round-robin balancer. Calls are triggered through the balancer, the
 * sandbox's webhooks go through it, and one replica is killed with SIGKILL while the calls
 * are under way. Every event must still reach the subscriber, verified, exactly one event id
 * per provider event; deliveries made twice (a delivery the dead replica had in flight) are
 * counted and printed.
 */

const CALLS = 8;
const TITLE = 'journey 5: two relay replicas on PostgreSQL behind a round-robin balancer, one killed mid-call';

const suite = PG_URL ? describe : describe.skip;
if (!PG_URL) process.stdout.write(`[skipped] ${TITLE}: set CALLBRIDGE_TEST_POSTGRES_URL to run it\n`);

suite(PG_URL ? TITLE : `${TITLE} (skipped: set CALLBRIDGE_TEST_POSTGRES_URL to run it)`, () => {
  let sandbox: RunningSandbox | undefined;
  let receiver: Receiver | undefined;
  let balancer: RoundRobin | undefined;
  const children: ChildProcess[] = [];

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await balancer?.close();
    await receiver?.close();
    await sandbox?.close();
    await dropTestSchemas();
  });

  it('delivers every event of every call although one replica dies; duplicates are counted', async () => {
    assertBuilt();
    const j = journey('replicas');
    sandbox = await j.step('start the sandbox', () => stillSandbox());
    const sb = sandbox;
    const schema = testSchema('journey-replicas');
    const [a, b] = await j.step('start two relay processes on one PostgreSQL schema', () => {
      const env = { ...relayEnv(sb), RELAY_DATABASE_URL: PG_URL ?? '', RELAY_PG_SCHEMA: schema, RELAY_PG_POOL_SIZE: '4' };
      return Promise.all([startRelayChild(env), startRelayChild(env)]) as Promise<[RelayChild, RelayChild]>;
    });
    children.push(a.proc, b.proc);
    balancer = await j.step('put a round-robin balancer in front of them', () => startRoundRobin([a.url, b.url]));
    const lb = balancer;
    sb.vyora.setWebhook({ url: `${lb.url}/hooks/vyora`, secret: VYORA_SECRET });
    // Slow answers to call_completed keep deliveries in flight when replica A is killed.
    receiver = await startReceiver((r) => ({ status: 200, delayMs: r.body.includes('"type":"vyora.call_completed"') ? 400 : 0 }));
    const rx = receiver;
    const api = relayApi(lb.url, RELAY_TOKEN);

    const sub = await j.step('subscribe a receiver to vyora.* through the balancer', async () => {
      const body = await api.must('POST', '/v1/subscriptions', { target_url: rx.url, events: ['vyora.*'] }, 201);
      return { id: String(body['id']), secret: String(body['secret']) };
    });

    const calls = await j.step(`trigger ${CALLS} calls through the balancer (both replicas run the action)`, async () => {
      const ids: string[] = [];
      for (let i = 0; i < CALLS; i++) {
        const body = await api.must('POST', '/v1/actions/vyora/calls.trigger', { phone_number: `+91987654${String(3200 + i)}`, agent_name: 'Home Loan Agent' }, 200);
        ids.push(String(body['call_id']));
      }
      return ids;
    });

    const received = (type: string): Set<string> => {
      const out = new Set<string>();
      for (const r of rx.received) {
        const body = json(r);
        if (body['type'] === type) out.add(String((body['data'] as Record<string, unknown>)['call_id']));
      }
      return out;
    };
    // Distinct calls, not requests: a delivery the killed replica had in flight comes twice.
    const allOf = (type: string) => async (): Promise<void> => {
      await rx.until(() => received(type).size === CALLS, `${type} for ${CALLS} calls`, 30_000, () => `${received(type).size} of ${CALLS} calls`);
      expect([...received(type)].sort()).toEqual([...calls].sort());
    };

    await j.step('every call starts: call_started delivered for each', async () => {
      for (const id of calls) sb.calls.advance(id, 'in_progress');
      await allOf('vyora.call_started')();
    });

    await j.step('the calls complete; replica A is killed with SIGKILL while deliveries are in flight', async () => {
      const half = CALLS / 2;
      for (const id of calls.slice(0, half)) sb.calls.advance(id, 'completed');
      await rx.waitFor((r) => r.body.includes('"type":"vyora.call_completed"'), 'a first call_completed in flight');
      a.proc.kill('SIGKILL');
      await a.exited;
      for (const id of calls.slice(half)) sb.calls.advance(id, 'completed');
    });

    await j.step('call_completed delivered for each call, by the survivor where A died', allOf('vyora.call_completed'));

    await j.step('analysis done: all_processing_completed delivered for each call', async () => {
      for (const id of calls) sb.calls.advance(id, 'processed');
      await allOf('vyora.all_processing_completed')();
    });

    await j.step('every delivery verifies, and each provider event has exactly one event id', async () => {
      expect(await sb.settle(10_000)).toBe(true);
      const verifier = new Webhook(sub.secret);
      const idsPerEvent = new Map<string, Set<string>>();
      const perId = new Map<string, number>();
      for (const r of rx.received) {
        verifier.verify(r.body, r.headers);
        const body = json(r);
        const key = `${String(body['type'])} ${String((body['data'] as Record<string, unknown>)['call_id'])}`;
        idsPerEvent.set(key, (idsPerEvent.get(key) ?? new Set()).add(String(body['id'])));
        perId.set(String(body['id']), (perId.get(String(body['id'])) ?? 0) + 1);
      }
      expect(idsPerEvent.size).toBe(3 * CALLS);
      for (const [key, ids] of idsPerEvent) expect([key, ids.size]).toEqual([key, 1]);
      const duplicates = [...perId.values()].filter((n) => n > 1).length;
      j.note(
        `${rx.received.length} deliveries of ${perId.size} events, ${duplicates} delivered more than once; ` +
          `the balancer sent ${lb.answered[0]} requests to A, ${lb.answered[1]} to B, ${lb.failed} failed in flight`,
      );
      expect(lb.answered[0]).toBeGreaterThan(0);
      expect(lb.answered[1]).toBeGreaterThan(0);
    });

    await j.step('the survivor shuts down cleanly', async () => {
      b.proc.kill('SIGTERM');
      expect(await b.exited).toBe(0);
    });
  });
});
