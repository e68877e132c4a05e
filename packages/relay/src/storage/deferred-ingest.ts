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

interface Request {
  events: readonly NewEvent[];
  resolve: (results: IngestResult[]) => void;
  reject: (e: unknown) => void;
}

export class DeferredIngest {
  readonly #o: DeferredIngestOptions;
  #queue: Request[] = [];

  constructor(options: DeferredIngestOptions) {
    this.#o = options;
  }

  submit(events: readonly NewEvent[]): Promise<IngestResult[]> {
    return new Promise<IngestResult[]>((resolve, reject) => {
      // setImmediate runs after the thread's pending messages, so they all join this batch.
      if (this.#queue.length === 0) setImmediate(() => this.#flush());
      this.#queue.push({ events, resolve, reject });
    });
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    let results: IngestResult[];
    try {
      results = this.#o.write(queue.flatMap((q) => q.events));
    } catch (e) {
      for (const q of queue) q.reject(e);
      return;
    }
    this.#o.sync().then(
      () => {
        let at = 0;
        for (const q of queue) {
          q.resolve(results.slice(at, at + q.events.length));
          at += q.events.length;
        }
        if (results.some((r) => r.deliveries > 0)) this.#o.onDeliveries();
      },
      (e: unknown) => {
        for (const q of queue) q.reject(e);
      },
    );
  }
}
