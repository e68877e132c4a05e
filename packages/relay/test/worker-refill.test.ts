import { systemClock } from '@callbridge/core';
import pino from 'pino';
import { DeliverySender } from '../src/delivery/sender';
import { DeliveryWorker } from '../src/delivery/worker';
import { RelayMetrics } from '../src/metrics';
import { SqliteStorage } from '../src/storage/sqlite';
import type { ClaimRequest } from '../src/storage/types';
import { eventually, startReceiver } from './support/harness';

// Each claim is a statement, a round trip on PostgreSQL: slots freed together must be
// refilled together, not one claim per finished send.
test('slots freed by sends that finish together are refilled by one claim', async () => {
  const storage = new SqliteStorage({ path: ':memory:' });
  const receiver = await startReceiver(() => ({ status: 200, delayMs: 30 }));
  const sender = new DeliverySender({ timeoutMs: 5000, allowPrivate: true, maxSocketsPerHost: 8, userAgent: 'test' });
  const claims: number[] = [];
  const claimDue = storage.claimDue.bind(storage);
  storage.claimDue = async (request: ClaimRequest) => {
    const got = await claimDue(request);
    if (got.length > 0) claims.push(got.length);
    return got;
  };
  await storage.createSubscription({
    id: 'sub_refill',
    targetUrl: `${receiver.url}/hook`,
    events: ['*'],
    headers: {},
    secret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=',
    createdAt: new Date().toISOString(),
  });
  const total = 64;
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
    perSubscription: 8,
    leaseMs: 30_000,
  });
  try {
    worker.start();
    await receiver.waitFor(total);
    await eventually(async () => ((await storage.stats()).pending === 0 ? true : undefined));
    // 64 deliveries, 8 at a time in waves that finish together: about 8 claims. Refilling
    // per finished send would take one claim per delivery.
    expect(claims.reduce((a, b) => a + b, 0)).toBe(total);
    expect(claims.length).toBeLessThanOrEqual(total / 5);
  } finally {
    await worker.stop();
    sender.close();
    await receiver.close();
    await storage.close();
  }
});
