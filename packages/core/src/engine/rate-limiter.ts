import type { Clock, Sleep } from './clock';

/**
 * Keeps a client under its plan rate as providers count it: at most `requests` in any
 * window of `perMs` (a sliding log of the last `requests` start times). A token bucket of
 * the same size would let twice the plan through in the first window and earn 429s.
 * Each caller reserves its slot synchronously, so concurrent callers never share one.
 * A provider that reports "0 remaining, resets at T" pauses everyone until T.
 *
 * The provider counts arrivals, not departures: a request that leaves on time but arrives
 * late can share a window with one sent a full window later. `marginMs` widens the window
 * by a little (by default 5% of it, between 100 ms and 1 s) to leave room for that.
 */
export class RateLimiter {
  private readonly starts: number[];
  private next = 0;
  private pausedUntil = 0;

  constructor(
    readonly requests: number,
    readonly perMs: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
    readonly marginMs: number = defaultMargin(perMs),
  ) {
    if (!(requests >= 1) || !Number.isInteger(requests) || !(perMs > 0)) {
      throw new RangeError('rate limit needs a whole number of requests >= 1 and perMs > 0');
    }
    if (!(marginMs >= 0)) throw new RangeError('rate limit margin must be >= 0');
    this.starts = new Array<number>(requests).fill(-Infinity);
  }

  /** Takes the next slot and returns how long its caller must wait for it. */
  reserve(): number {
    const now = this.clock.now();
    // The slot being reused held the request `requests` ago; this one may start a window after it.
    const oldest = this.starts[this.next] as number;
    const at = Math.max(now, oldest + this.perMs + this.marginMs, this.pausedUntil);
    this.starts[this.next] = at;
    this.next = (this.next + 1) % this.requests;
    return Math.ceil(at - now);
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await this.sleep(wait, signal);
  }

  /** The provider said none remain until `untilMs` (epoch ms). */
  pauseUntil(untilMs: number): void {
    if (untilMs > this.pausedUntil) this.pausedUntil = untilMs;
  }
}

function defaultMargin(perMs: number): number {
  return Math.min(1000, Math.max(100, perMs * 0.05));
}
