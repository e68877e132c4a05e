import type { Clock } from '@callbridge/core';

/**
 * A token bucket per client: `perMinute` requests a minute, refilled continuously, with a
 * burst of the same size. Buckets of idle clients are dropped so the map stays small.
 */
export type RateDecision = { ok: true; remaining: number } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  updated: number;
}

const MAX_CLIENTS = 10_000;

export class ClientRateLimiter {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, Bucket>();

  constructor(perMinute: number, clock: Clock) {
    this.#capacity = perMinute;
    this.#perMs = perMinute / 60_000;
    this.#clock = clock;
  }

  take(client: string): RateDecision {
    const now = this.#clock.now();
    let b = this.#buckets.get(client);
    if (!b) {
      if (this.#buckets.size >= MAX_CLIENTS) this.#prune(now);
      b = { tokens: this.#capacity, updated: now };
      this.#buckets.set(client, b);
    } else {
      b.tokens = Math.min(this.#capacity, b.tokens + (now - b.updated) * this.#perMs);
      b.updated = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, remaining: Math.floor(b.tokens) };
    }
    return { ok: false, retryAfterMs: Math.ceil((1 - b.tokens) / this.#perMs) };
  }

  #prune(now: number): void {
    for (const [k, b] of this.#buckets) {
      if (b.tokens + (now - b.updated) * this.#perMs >= this.#capacity) this.#buckets.delete(k);
    }
    // Still full of active clients: forget the oldest rather than grow without bound.
    while (this.#buckets.size >= MAX_CLIENTS) {
      const first = this.#buckets.keys().next();
      if (first.done) break;
      this.#buckets.delete(first.value);
    }
  }
}
