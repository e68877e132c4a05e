import type { Clock } from '@callbridge/core';
import type { Logger } from 'pino';
import type { RelayMetrics } from '../metrics';
import type { RelayStorage } from '../storage/types';

/**
 * Retention (RELAY_RETENTION, every RELAY_PRUNE_INTERVAL): events received longer ago than
 * the retention go, with their deliveries and attempts, once none of their deliveries is
 * pending. A run walks the events in the order they arrived, one small batch per storage
 * transaction, and pauses between batches, so ingest never waits behind more than one
 * batch. Deleted pages are reused by new events, so once the window is full the database
 * stops growing. The duplicate window is the retention: a provider resending an event
 * after it was pruned is stored as new.
 */
export interface PrunerOptions {
  storage: RelayStorage;
  clock: Clock;
  logger: Logger;
  metrics: RelayMetrics;
  /** Keep events this long; 0 keeps everything (the pruner then never runs). */
  retentionMs: number;
  intervalMs: number;
  /** Events scanned per transaction. */
  batch?: number;
  /** Pause between batches, so other writers get the database in between. */
  pauseMs?: number;
}

export interface PruneTotals {
  events: number;
  deliveries: number;
  attempts: number;
}

const DEFAULT_BATCH = 500;
const DEFAULT_PAUSE_MS = 5;

export class Pruner {
  readonly #o: PrunerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<PruneTotals> | undefined;
  #stopped = false;

  constructor(options: PrunerOptions) {
    this.#o = options;
  }

  start(): void {
    if (this.#o.retentionMs <= 0) return;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.run()
        .catch((e: unknown) => this.#o.logger.warn({ cause: (e as Error).message }, `retention: a prune run failed (${(e as Error).message}); retrying next interval`))
        .finally(() => this.#schedule());
    }, this.#o.intervalMs);
    this.#timer.unref();
  }

  /** One run now (or the run in progress): everything past retention that can go, goes. */
  run(): Promise<PruneTotals> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(): Promise<PruneTotals> {
    const { storage, clock, metrics, logger } = this.#o;
    const totals: PruneTotals = { events: 0, deliveries: 0, attempts: 0 };
    if (this.#o.retentionMs <= 0) return totals;
    const before = clock.now() - this.#o.retentionMs;
    let afterSeq = 0;
    while (!this.#stopped) {
      const r = await storage.prune({ before, afterSeq, limit: this.#o.batch ?? DEFAULT_BATCH });
      totals.events += r.events;
      totals.deliveries += r.deliveries;
      totals.attempts += r.attempts;
      // Counted as each batch commits, so the metric never lags what a reader can see.
      if (r.events > 0) {
        metrics.pruned.inc({ table: 'events' }, r.events);
        metrics.pruned.inc({ table: 'deliveries' }, r.deliveries);
        metrics.pruned.inc({ table: 'attempts' }, r.attempts);
      }
      if (r.lastSeq === null || r.reachedCutoff) break;
      afterSeq = r.lastSeq;
      await new Promise((resolve) => setTimeout(resolve, this.#o.pauseMs ?? DEFAULT_PAUSE_MS));
    }
    if (totals.events > 0) {
      logger.info(totals, `retention: deleted ${totals.events} events received before ${new Date(before).toISOString()}`);
    }
    return totals;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }
}
