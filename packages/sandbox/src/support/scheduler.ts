/** The clock the sandbox reads; tests inject theirs (core's Clock has the same shape). */
export interface SandboxClock {
  now(): number;
}

export const systemClock: SandboxClock = { now: () => Date.now() };

export interface Timer {
  cancel(): void;
}

/**
 * Every timer the sandbox starts goes through here: unref'ed so a forgotten sandbox never
 * keeps a process alive, and tracked so close() and reset() can clear them all.
 */
export class Scheduler {
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  after(ms: number, fn: () => void): Timer {
    if (this.#closed) return { cancel: () => undefined };
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, Math.max(0, ms));
    t.unref();
    this.#timers.add(t);
    return {
      cancel: () => {
        clearTimeout(t);
        this.#timers.delete(t);
      },
    };
  }

  get pending(): number {
    return this.#timers.size;
  }

  cancelAll(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  close(): void {
    this.#closed = true;
    this.cancelAll();
  }
}
