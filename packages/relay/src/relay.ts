import { providers, systemClock, type Clock, type ProviderSpec } from '@callbridge/core';
import type { Logger } from 'pino';
import { describeConfig, type RelayConfig } from './config';
import { DeliverySender } from './delivery/sender';
import { JITTER } from './delivery/backoff';
import { DeliveryWorker } from './delivery/worker';
import { buildApp } from './http/app';
import { DrainingServer, type DrainOptions } from './http/draining-server';
import { createHookHandler } from './http/hooks';
import { createLogger } from './logger';
import { RelayMetrics } from './metrics';
import { resolveAdminToken } from './security/auth';
import { EventBus } from './ingest/event-bus';
import { TokenRegistry } from './security/principals';
import { openSecretsAtRest } from './security/secrets-at-rest';
import { SourceRegistry } from './sources/registry';
import { MinuteStats } from './stats/minutes';
import { createIngestor } from './ingest/ingestor';
import { Pruner } from './retention/pruner';
import { StorageHealth } from './storage/health-monitor';
import { openStorage } from './storage/open';

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** For tests: how often /healthz may probe storage with a write (5 s) and repeat a failure's log line (10 s). */
  storageHealth?: { probeIntervalMs?: number; logIntervalMs?: number };
  /** For tests: how long close() lets idle keep-alive connections send one more request (1 s). */
  drain?: DrainOptions;
}

export interface RunningRelay {
  /** Where the relay answers, e.g. http://127.0.0.1:8080. */
  url: string;
  port: number;
  /** Present only when this start generated the admin token: print it once, it is not stored. */
  adminToken?: string;
  /** Where the admin token comes from: RELAY_API_TOKEN, the hash stored at an earlier start, or generated now. */
  adminTokenSource: 'environment' | 'storage' | 'generated';
  /** The key file secrets are encrypted under (SQLite without RELAY_ENCRYPTION_KEY), and whether this start made it. */
  keyFile?: { path: string; created: boolean };
  /** How secrets are kept: under RELAY_ENCRYPTION_KEY, a key file, or not encrypted (PostgreSQL without a key). */
  encryption: 'environment' | 'file' | 'none';
  metrics: RelayMetrics;
  /** Graceful: stops accepting, finishes in-flight requests and deliveries, closes storage. */
  close(): Promise<void>;
}

/** A claim outlives the longest send by this much, so a live worker never loses its lease. */
const LEASE_MARGIN_MS = 30_000;

function displayUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

export async function startRelay(config: RelayConfig, options: StartOptions = {}): Promise<RunningRelay> {
  const logger = options.logger ?? createLogger(config.logLevel, config.logFormat);
  const clock = options.clock ?? systemClock;
  const health = new StorageHealth(await openStorage(config.database), { logger, clock, ...options.storageHealth });
  // Every write below reports to `health`, which /healthz and /metrics read.
  const storage = health.storage;
  let closing = false;

  try {
    const admin = await resolveAdminToken(storage, config.apiToken);
    const secrets = await openSecretsAtRest(storage, { database: config.database, ...(config.encryptionKey ? { encryptionKey: config.encryptionKey } : {}) });
    const tokens = new TokenRegistry(storage, admin.hash, clock);
    await tokens.start();
    const sources = new SourceRegistry(storage, secrets, config.providers);
    await sources.start();
    const stats = new MinuteStats();
    for (const spec of Object.values(providers as Partial<Record<string, ProviderSpec>>)) {
      if (spec?.webhooks && !config.providers[spec.id]?.webhookSecret) {
        logger.warn(
          { provider: spec.id },
          `${spec.id.toUpperCase()}_WEBHOOK_SECRET is not set: POST /hooks/${spec.id} answers 401 until it is`,
        );
      }
    }

    const metrics = new RelayMetrics();
    const bus = new EventBus((e) => logger.error({ err: e }, 'stream: a listener failed'));
    // Other replicas' events (PostgreSQL) join this replica's own on the way to its streams.
    const stopRemote = storage.onRemoteEvents(
      (events) => bus.publish(events),
      () => bus.missed(),
    );
    const ingest = createIngestor(storage, config.providers, bus, { maxJsonDepth: config.maxJsonDepth });
    const sender = new DeliverySender({
      timeoutMs: config.deliveryTimeoutMs,
      allowPrivate: config.allowPrivateTargets,
      maxSocketsPerHost: config.perSubscriptionConcurrency,
      userAgent: 'callbridge-relay/0.1.0',
    });
    const worker = new DeliveryWorker({
      storage,
      sender,
      metrics,
      logger,
      clock,
      policy: { schedule: config.retrySchedule, maxRetryAfterMs: config.maxRetryAfterMs, jitter: JITTER },
      concurrency: config.deliveryConcurrency,
      perSubscription: config.perSubscriptionConcurrency,
      leaseMs: config.deliveryTimeoutMs + LEASE_MARGIN_MS,
      disableAfterMs: config.disableAfterMs,
      isStorageFailure: (e) => health.isStorageFailure(e),
      reveal: (stored) => secrets.reveal(stored),
      stats,
    });
    const pruner = new Pruner({ storage, clock, logger, metrics, retentionMs: config.retentionMs, intervalMs: config.pruneIntervalMs });
    const hookHandler = createHookHandler({
      sources,
      stats,
      maxBodyBytes: config.maxBodyBytes,
      ingest,
      metrics,
      logger,
      clock,
      isClosing: () => closing,
      isStorageFailure: (e) => health.isStorageFailure(e),
    });
    const app = buildApp({
      config,
      storage,
      health,
      metrics,
      logger,
      clock,
      bus,
      tokens,
      secrets,
      sources,
      stats,
      hookHandler,
      inFlightDeliveries: () => worker.inFlight,
      isClosing: () => closing,
    });

    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    worker.start();
    pruner.start();
    logger.info({ config: describeConfig(config), port, adminToken: admin.source }, 'relay started');

    let closed: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closed ??= (async () => {
        logger.info('relay shutting down: finishing in-flight work');
        // Stop accepting first, then answer what is in flight (Connection: close from here
        // on), then wait for every connection to close; only then close storage.
        const draining = app.server instanceof DrainingServer ? app.server.drain(options.drain) : Promise.resolve();
        closing = true;
        // Beside the drain: fastify's close ends the live event streams, which never end by
        // themselves and would otherwise hold the drain until its deadline.
        await Promise.all([draining, app.close()]);
        stopRemote();
        await ingest.drain();
        await pruner.stop();
        await worker.stop();
        await tokens.close();
        sources.close();
        sender.close();
        await storage.close();
        logger.info('relay stopped');
      })());

    return {
      url: displayUrl(config.host, port),
      port,
      ...(admin.generated ? { adminToken: admin.generated } : {}),
      adminTokenSource: admin.source,
      ...(secrets.keyFile ? { keyFile: { path: secrets.keyFile, created: secrets.keyFileCreated } } : {}),
      encryption: secrets.keySource,
      metrics,
      close,
    };
  } catch (e) {
    await storage.close();
    throw e;
  }
}
