import type { Clock, Sleep } from './clock';

/**
 * Keeps a client under its plan rate (GCRA, the token bucket's arithmetic without a timer):
 * a burst of up to `requests`, then one request every `perMs / requests`. Each caller
 * reserves its slot synchronously, so concurrent callers never share one.
 * A provider that reports "0 remaining, resets at T" pauses everyone until T.
 */
export class RateLimiter {
  private tat = 0;
  private pausedUntil = 0;
  private readonly interval: number;
  private readonly tolerance: number;

  constructor(
    readonly requests: number,
    readonly perMs: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {
    if (!(requests > 0) || !(perMs > 0)) throw new RangeError('rate limit needs requests > 0 and perMs > 0');
    this.interval = perMs / requests;
    this.tolerance = this.interval * (requests - 1);
  }

  /** How long the next caller must wait, and its slot taken. */
  reserve(): number {
    const now = this.clock.now();
    const start = Math.max(this.tat, now);
    const allowedAt = Math.max(start - this.tolerance, this.pausedUntil);
    this.tat = Math.max(start, allowedAt) + this.interval;
    return Math.max(0, Math.ceil(allowedAt - now));
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
