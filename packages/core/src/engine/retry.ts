/**
 * When and how long to wait before trying a request again.
 *
 * 429s are always retried: the provider refused before doing anything. 5xx, 408 and
 * network failures are retried only when repeating is safe (a GET, or a write carrying an
 * idempotency key), since the first attempt may have taken effect.
 */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The sum of all waits for one call; a wait that would pass it ends the call instead. */
  maxTotalWaitMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxTotalWaitMs: 60_000,
};

/** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, opts: RetryOptions, random: () => number): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Reads how long the provider asked us to wait, in ms, or null when it did not say.
 * `Retry-After` is seconds or an HTTP date. `X-RateLimit-Reset` is seen in the wild as
 * seconds to wait, as epoch seconds, and as epoch milliseconds; the magnitude tells which.
 */
export function waitFromHeaders(headers: Record<string, string>, now: number): number | null {
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers['x-ratelimit-reset']?.trim();
  if (reset) return resetToWait(reset, now);
  return null;
}

export function resetToWait(reset: string, now: number): number | null {
  if (/^\d+(\.\d+)?$/.test(reset)) {
    const v = Number(reset);
    if (v >= 1e12) return Math.max(0, Math.ceil(v - now));
    if (v >= 1e9) return Math.max(0, Math.ceil(v * 1000 - now));
    return Math.ceil(v * 1000);
  }
  const date = Date.parse(reset);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
