import { Writable } from 'node:stream';
import pino from 'pino';
import { loadRelayConfig } from '../src';
import { buildApp } from '../src/http/app';
import { EventBus } from '../src/ingest/event-bus';
import { RelayMetrics } from '../src/metrics';
import { authDeps } from './support/app-deps';
import { StorageHealth } from '../src/storage/health-monitor';
import type { ClaimRequest, IngestResult, NewEvent, RelayStorage } from '../src/storage/types';
import { TOKEN } from './support/harness';

/** A storage whose writes fail while `failure` is set, counting health probes. */
class FlakyStorage {
  readonly kind = 'sqlite';
  failure: Error | null = null;
  probes = 0;
  #check(): void {
    if (this.failure) throw this.failure;
  }
  async ingest(events: readonly NewEvent[]): Promise<IngestResult[]> {
    this.#check();
    return events.map((e) => ({ id: e.id, duplicate: false, deliveries: 0, filtered: 0 }));
  }
  async complete(): Promise<void> {
    this.#check();
  }
  async setSetting(): Promise<void> {
    this.#check();
  }
  async claimDue(_r: ClaimRequest): Promise<never[]> {
    this.#check();
    return [];
  }
  async health(): Promise<void> {
    this.probes += 1;
    this.#check();
  }
  async stats(): Promise<{ pending: number; dead: number }> {
    return { pending: 0, dead: 0 };
  }
  async listEvents(): Promise<never> {
    throw new Error('reads are not what health watches');
  }
}

const diskFull = (): Error => Object.assign(new Error('database or disk is full'), { code: 'ERR_SQLITE_ERROR', errcode: 13 });
const refused = (): Error => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

const event: NewEvent = { id: 'evt_1', type: 'vyora.call_started', provider: 'vyora', event: 'call_started', createdAt: '2026-01-01T00:00:00Z', receivedAt: 0, dedupeKey: 'k', data: '{}' };

function setup(): { flaky: FlakyStorage; storage: RelayStorage; health: StorageHealth; clock: { now: () => number; advance: (ms: number) => void }; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        raw.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const flaky = new FlakyStorage();
  const health = new StorageHealth(flaky as unknown as RelayStorage, { logger, clock, probeIntervalMs: 5_000, logIntervalMs: 10_000 });
  const lines = (): Array<Record<string, unknown>> => raw.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { flaky, storage: health.storage, health, clock, lines };
}

describe('StorageHealth', () => {
  test('probes share one write, at most one every 5 s, however many callers ask', async () => {
    const { flaky, health, clock } = setup();
    const states = await Promise.all(Array.from({ length: 20 }, () => health.check()));
    expect(states.every((s) => s.up)).toBe(true);
    expect(flaky.probes).toBe(1);
    clock.advance(4_999);
    await health.check();
    expect(flaky.probes).toBe(1);
    clock.advance(2);
    await Promise.all([health.check(), health.check()]);
    expect(flaky.probes).toBe(2);
  });

  test('a real write that succeeded makes a probe unnecessary', async () => {
    const { flaky, storage, health, clock } = setup();
    clock.advance(60_000);
    await storage.ingest([event]);
    await health.check();
    expect(flaky.probes).toBe(0);
  });

  test('a failed ingest turns health down at once, until a later write succeeds', async () => {
    const { flaky, storage, health, clock } = setup();
    await health.check();
    flaky.failure = diskFull();
    await expect(storage.ingest([event])).rejects.toThrow('database or disk is full');
    expect(health.up).toBe(false);
    // Down at once: no probe was needed to see it.
    expect(await health.check()).toEqual({ up: false, error: 'database or disk is full', since: clock.now() });
    expect(flaky.probes).toBe(1);
    // Later probes fail too while the disk stays full.
    clock.advance(5_001);
    expect((await health.check()).up).toBe(false);
    expect(flaky.probes).toBe(2);
    flaky.failure = null;
    await storage.ingest([event]);
    expect(health.up).toBe(true);
    expect((await health.check()).up).toBe(true);
  });

  test('failed completes and settings count as well; a probe that succeeds again brings it back', async () => {
    const { flaky, storage, health, clock } = setup();
    flaky.failure = refused();
    await expect(storage.complete([], 0)).rejects.toThrow('ECONNREFUSED');
    expect(health.up).toBe(false);
    flaky.failure = null;
    clock.advance(5_001);
    expect((await health.check()).up).toBe(true);
    flaky.failure = diskFull();
    await expect(storage.setSetting('k', 'v')).rejects.toThrow('disk is full');
    expect(health.up).toBe(false);
  });

  test('a claim that finds nothing proves no write: it never turns health back up', async () => {
    const { flaky, storage, health } = setup();
    flaky.failure = diskFull();
    await expect(storage.ingest([event])).rejects.toThrow();
    flaky.failure = null;
    await storage.claimDue({ now: 0, limit: 1, leaseMs: 1, owner: 'w', perSubscriptionLimit: 1, inFlight: new Map() });
    expect(health.up).toBe(false);
  });

  test('reads pass through untouched and do not change health', async () => {
    const { storage, health } = setup();
    await expect(storage.listEvents({ limit: 1 })).rejects.toThrow('reads are not');
    expect(health.up).toBe(true);
  });

  test('one log line per cause with its message, no stack, repeats rate-limited with a count', async () => {
    const { flaky, storage, clock, lines } = setup();
    flaky.failure = diskFull();
    for (let i = 0; i < 50; i++) await storage.ingest([event]).catch(() => undefined);
    flaky.failure = refused();
    for (let i = 0; i < 3; i++) await storage.complete([], 0).catch(() => undefined);
    let logged = lines();
    expect(logged.map((l) => l['msg'])).toEqual(['storage write failed: database or disk is full', 'storage write failed: connect ECONNREFUSED 127.0.0.1:5432']);
    expect(logged[0]).toMatchObject({ level: 50, cause: 'database or disk is full', op: 'ingest' });
    expect(JSON.stringify(logged)).not.toContain('stack');
    expect(JSON.stringify(logged)).not.toContain('    at ');

    clock.advance(10_000);
    flaky.failure = diskFull();
    await storage.ingest([event]).catch(() => undefined);
    logged = lines();
    expect(logged).toHaveLength(3);
    expect(logged[2]).toMatchObject({ cause: 'database or disk is full', suppressed: 49 });
    expect(String(logged[2]?.['msg'])).toContain('49 more since');

    flaky.failure = null;
    await storage.ingest([event]);
    expect(lines().at(-1)).toMatchObject({ level: 30, msg: 'storage writes succeed again' });
  });

  test('an error it saw is recognised as a storage failure', async () => {
    const { flaky, storage, health } = setup();
    const e = diskFull();
    flaky.failure = e;
    await storage.ingest([event]).catch(() => undefined);
    expect(health.isStorageFailure(e)).toBe(true);
    expect(health.isStorageFailure(new Error('database or disk is full'))).toBe(false);
  });
});

describe('/healthz and /metrics follow it', () => {
  test('a failed write shows at once in both, and a write that succeeds clears it', async () => {
    const { flaky, storage, health } = setup();
    const config = loadRelayConfig({ RELAY_API_TOKEN: TOKEN });
    const app = buildApp({
      config,
      storage,
      health,
      ...authDeps(storage, config, TOKEN),
      metrics: new RelayMetrics(),
      logger: pino({ level: 'silent' }),
      clock: { now: () => Date.now() },
      hookHandler: () => undefined,
      inFlightDeliveries: () => 0,
      isClosing: () => false,
      bus: new EventBus(),
    });
    try {
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      const scrape = async (): Promise<string> => (await (await fetch(`${url}/metrics`)).text()).split('\n').find((l) => l.startsWith('relay_storage_up')) ?? '';
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(await scrape()).toBe('relay_storage_up 1');
      flaky.failure = diskFull();
      await storage.ingest([event]).catch(() => undefined);
      const down = await fetch(`${url}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: 'unavailable', storage: 'sqlite', error: 'database or disk is full' });
      expect(await scrape()).toBe('relay_storage_up 0');
      flaky.failure = null;
      await storage.ingest([event]);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(await scrape()).toBe('relay_storage_up 1');
      // One probe in all: the writes answered every later /healthz.
      expect(flaky.probes).toBe(1);
    } finally {
      await app.close();
    }
  });
});
