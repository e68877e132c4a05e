import { systemClock } from '@callbridge/core';
import pino from 'pino';
import { DeliverySender, type SendRequest, type SendResponse } from '../src/delivery/sender';
import { DeliveryWorker } from '../src/delivery/worker';
import { RelayMetrics } from '../src/metrics';
import { SqliteStorage } from '../src/storage/sqlite';
import type { ClaimRequest } from '../src/storage/types';
import { eventually } from './support/harness';

/** A sender whose sends finish only when the test says: it decides which finish together. */
class HeldSender extends DeliverySender {
  readonly #held: Array<() => void> = [];

  constructor() {
    super({ timeoutMs: 5000, allowPrivate: true, maxSocketsPerHost: 8, userAgent: 'test' });
  }

  override send(_req: SendRequest): Promise<SendResponse> {
    return new Promise((resolve) => this.#held.push(() => resolve({ status: 200, headers: {}, snippet: '' })));
  }

  get waiting(): number {
    return this.#held.length;
  }

  /** Finishes every send waiting now, in one go (the same tick). */
  finishAll(): number {
    const all = this.#held.splice(0);
    for (const finish of all) finish();
    return all.length;
  }
}

// Each claim is a statement, a round trip on PostgreSQL: slots freed together must be
// refilled together, not one claim per finished send. The sender decides which sends finish
// together, so the count of claims depends on the worker alone, not on how busy the machine is.
test('slots freed by sends that finish together are refilled by one claim', async () => {
  const storage = new SqliteStorage({ path: ':memory:' });
  const sender = new HeldSender();
  const claims: number[] = [];
  const claimDue = storage.claimDue.bind(storage);
  storage.claimDue = async (request: ClaimRequest) => {
    const got = await claimDue(request);
    if (got.length > 0) claims.push(got.length);
    return got;
  };
  await storage.createSubscription({
    id: 'sub_refill',
    targetUrl: 'http://127.0.0.1:9/hook',
    events: ['*'],
    headers: {},
    secret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=',
    createdAt: new Date().toISOString(),
  });
  const total = 64;
  const perSubscription = 8;
  const now = Date.now();
  await storage.ingest(
    Array.from({ length: total }, (_, i) => ({
      id: `evt_refill${String(i).padStart(22, '0')}`,
      type: 'vyora.call_completed',
      provider: 'vyora',
      event: 'call_completed',
      createdAt: new Date(now).toISOString(),
      receivedAt: now,
      dedupeKey: `refill:${i}`,
      data: '{}',
    })),
  );
  const worker = new DeliveryWorker({
    storage,
    sender,
    metrics: new RelayMetrics(),
    logger: pino({ level: 'silent' }),
    clock: systemClock,
    policy: { schedule: [1000], maxRetryAfterMs: 1000, jitter: 0 },
    concurrency: 100,
    perSubscription,
    leaseMs: 30_000,
  });
  try {
    worker.start();
    let finished = 0;
    while (finished < total) {
      // A full wave in flight (the subscription's limit), then all of it finishes at once.
      await eventually(() => (sender.waiting === perSubscription ? true : undefined));
      finished += sender.finishAll();
    }
    await eventually(async () => ((await storage.stats()).pending === 0 ? true : undefined));
    // One claim started each wave; refilling per finished send would take one per delivery.
    expect(claims).toEqual(Array(total / perSubscription).fill(perSubscription));
  } finally {
    sender.finishAll();
    await worker.stop();
    sender.close();
    await storage.close();
  }
});

/** A sender that answers 200 at once and counts its sends. */
class CountingSender extends DeliverySender {
  sent = 0;

  constructor() {
    super({ timeoutMs: 5000, allowPrivate: true, maxSocketsPerHost: 8, userAgent: 'test' });
  }

  override send(_req: SendRequest): Promise<SendResponse> {
    this.sent += 1;
    return Promise.resolve({ status: 200, headers: {}, snippet: '' });
  }
}

// A timer may fire a moment before the clock reaches a rate-limited slot: the claim finds
// nothing, and by the time storage answers "next due" the slot has come. The worker must look
// again at once, not wait a whole idle poll (which cost the 5/s benchmark a tenth of its rate).
test('a slot that comes due while the worker asks when to look next is claimed at once, not after the idle poll', async () => {
  const storage = new SqliteStorage({ path: ':memory:' });
  const sender = new CountingSender();
  let clock = 1_000_000;
  await storage.createSubscription({
    id: 'sub_rated',
    targetUrl: 'http://127.0.0.1:9/hook',
    events: ['*'],
    headers: {},
    secret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=',
    createdAt: new Date(clock).toISOString(),
    rateLimitPerSecond: 0.5,
  });
  await storage.ingest(
    [0, 1].map((i) => ({
      id: `evt_rated${String(i).padStart(23, '0')}`,
      type: 'vyora.call_completed',
      provider: 'vyora',
      event: 'call_completed',
      createdAt: new Date(clock).toISOString(),
      receivedAt: clock,
      dedupeKey: `rated:${i}`,
      data: '{}',
    })),
  );
  // Time passes while the worker asks: the answer is the slot, and by then it is now.
  const nextDueAt = storage.nextDueAt.bind(storage);
  storage.nextDueAt = async () => {
    const next = await nextDueAt();
    if (next !== null && next > clock) clock = next;
    return next;
  };
  const worker = new DeliveryWorker({
    storage,
    sender,
    metrics: new RelayMetrics(),
    logger: pino({ level: 'silent' }),
    clock: { now: () => clock },
    policy: { schedule: [1000], maxRetryAfterMs: 1000, jitter: 0 },
    concurrency: 100,
    perSubscription: 8,
    leaseMs: 30_000,
    // Long enough that waiting for it would fail the test.
    idlePollMs: 60_000,
  });
  try {
    worker.start();
    await eventually(() => (sender.sent === 2 ? true : undefined));
  } finally {
    await worker.stop();
    sender.close();
    await storage.close();
  }
});
