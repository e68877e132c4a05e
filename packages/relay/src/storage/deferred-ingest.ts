import { GroupCommitter } from './group-commit';
import type { IngestResult, NewEvent } from './types';

/**
 * The SQLite thread's ingest path. Requests that queued up while the thread was busy are
 * written in one transaction, committed without a sync of its own, and answered only once
 * a WAL sync that started after that commit has finished: nothing is acknowledged before it
 * is on disk. The sync runs elsewhere (WalSyncer, on libuv's pool), so the next batch is
 * written while this one syncs, instead of the thread waiting out every fsync.
 */
export interface DeferredIngestOptions {
  /** Commits the events (not yet durable) and says what became of each. */
  write: (events: readonly NewEvent[]) => IngestResult[];
  /** Resolves once everything written so far is durable. */
  sync: () => Promise<void>;
  /** A durable batch created deliveries: the delivery worker may claim them now. */
  onDeliveries: () => void;
}

export type DeferredIngest = GroupCommitter<readonly NewEvent[], IngestResult[]>;

/**
 * A group commit over ingest requests (each an array of events). Flushes are not limited:
 * the write is synchronous, so one runs at a time anyway, and a batch syncing must not hold
 * back the next one's write; the syncer shares one fsync among the batches that wait.
 */
export function createDeferredIngest(options: DeferredIngestOptions): DeferredIngest {
  return new GroupCommitter<readonly NewEvent[], IngestResult[]>({
    maxBatch: Number.POSITIVE_INFINITY,
    maxInFlight: Number.POSITIVE_INFINITY,
    flush: async (requests) => {
      const results = options.write(requests.flat());
      await options.sync();
      if (results.some((r) => r.deliveries > 0)) options.onDeliveries();
      let at = 0;
      return requests.map((events) => results.slice(at, (at += events.length)));
    },
  });
}
