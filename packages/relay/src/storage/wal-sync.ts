import { close, fdatasync as nodeFdatasync, openSync } from 'node:fs';

/** fs.fdatasync's shape, so that tests can hold a sync open or make it fail. */
export type Fdatasync = (fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => void;

/**
 * Makes a SQLite WAL file durable from libuv's thread pool, so the thread that owns the
 * connection can write the next batch while this one reaches the disk.
 *
 * Why it is as safe as `synchronous = FULL`: FULL is NORMAL plus one sync of the WAL after
 * each commit. NORMAL alone already syncs the WAL before every checkpoint, the database
 * after it, and the WAL header when the file is reused, so the file never corrupts; what
 * it leaves out is that last sync, which this class performs. fdatasync flushes everything
 * written to the file before the call, from any descriptor, so a `sync()` that starts
 * after a commit returned covers that commit.
 *
 * Calls that arrive while a sync runs share the next one: one fsync in flight at a time,
 * however many batches wait. A failed fsync fails every later call too: after an EIO,
 * Linux may have dropped the dirty pages, so a later success would not prove anything.
 */
export class WalSyncer {
  readonly #path: string;
  readonly #fdatasync: Fdatasync;
  #fd: number | null = null;
  #inFlight = false;
  #waiting: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  #idle: Array<() => void> = [];
  #failure: Error | null = null;

  constructor(walPath: string, fdatasync: Fdatasync = nodeFdatasync) {
    this.#path = walPath;
    this.#fdatasync = fdatasync;
  }

  /** Why the WAL can no longer be made durable, or null while it can. */
  get failure(): Error | null {
    return this.#failure;
  }

  /** Resolves once everything written to the WAL before this call is on disk. */
  sync(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      if (!this.#inFlight) this.#start();
    });
  }

  #start(): void {
    const batch = this.#waiting;
    this.#waiting = [];
    this.#inFlight = true;
    const finish = (err: Error | null): void => {
      if (err) this.#failure ??= new Error(`the WAL could not be synced to disk: ${err.message}`);
      this.#inFlight = false;
      for (const w of batch) {
        if (this.#failure) w.reject(this.#failure);
        else w.resolve();
      }
      if (this.#waiting.length > 0) {
        if (!this.#failure) return this.#start();
        for (const w of this.#waiting.splice(0)) w.reject(this.#failure);
      }
      for (const done of this.#idle.splice(0)) done();
    };
    try {
      // Opened on first use: SQLite creates the WAL with its first write.
      this.#fd ??= openSync(this.#path, 'r');
      this.#fdatasync(this.#fd, finish);
    } catch (e) {
      finish(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Waits for a sync in flight, then releases the file. */
  async close(): Promise<void> {
    if (this.#inFlight) await new Promise<void>((resolve) => this.#idle.push(resolve));
    const fd = this.#fd;
    this.#fd = null;
    if (fd !== null) await new Promise<void>((resolve) => close(fd, () => resolve()));
  }
}
