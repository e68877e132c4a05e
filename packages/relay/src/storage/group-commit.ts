/**
 * Group commit: callers submit one item each and wait; items that arrive while a batch is
 * being written are written together in the next one. Every caller's promise settles only
 * after its own batch has been flushed, so nothing is acknowledged before it is durable,
 * and the number of commits per second stays bounded no matter how many callers there are.
 */
export interface GroupCommitOptions<T, R> {
  flush: (items: T[]) => Promise<R[]>;
  /** The most items one flush takes. */
  maxBatch: number;
  /**
   * Flushes allowed at once (default 1). More suits a backend that queues and merges
   * flushes itself (the SQLite worker thread): a batch need not wait for the last reply.
   */
  maxInFlight?: number;
}

interface Pending<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class GroupCommitter<T, R> {
  readonly #flush: (items: T[]) => Promise<R[]>;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  #queue: Pending<T, R>[] = [];
  #flushing = 0;
  #scheduled = false;
  #idle: Array<() => void> = [];

  constructor(options: GroupCommitOptions<T, R>) {
    this.#flush = options.flush;
    this.#maxBatch = options.maxBatch;
    this.#maxInFlight = options.maxInFlight ?? 1;
  }

  get queued(): number {
    return this.#queue.length;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves once everything submitted so far has been flushed. */
  drain(): Promise<void> {
    if (this.#flushing === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#flushing >= this.#maxInFlight || this.#scheduled) return;
    this.#scheduled = true;
    // setImmediate runs after the I/O phase, so every request read in this turn of the
    // event loop joins the same batch.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#run();
    });
  }

  async #run(): Promise<void> {
    if (this.#flushing >= this.#maxInFlight || this.#queue.length === 0) return;
    this.#flushing += 1;
    const batch = this.#queue.splice(0, this.#maxBatch);
    try {
      const results = await this.#flush(batch.map((p) => p.item));
      if (results.length !== batch.length) throw new Error(`flush returned ${results.length} results for ${batch.length} items`);
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (e) {
      for (const p of batch) p.reject(e);
    } finally {
      this.#flushing -= 1;
      if (this.#queue.length > 0) this.#schedule();
      else if (this.#flushing === 0) for (const done of this.#idle.splice(0)) done();
    }
  }
}
