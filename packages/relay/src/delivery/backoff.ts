import { waitFromHeaders } from '@callbridge/core';

/**
 * What happens after a failed attempt: another try after the schedule's wait (spread by
 * jitter so that receivers coming back up are not hit by every retry at once), or, once
 * the schedule is used up, the dead-letter state.
 */
export interface RetryPolicy {
  /** Waits between attempts, after a first attempt at once. */
  schedule: readonly number[];
  /** The most a receiver's `Retry-After` can make us wait. */
  maxRetryAfterMs: number;
  /** Fraction of each wait added or taken at random: 0.2 spreads 5 s over 4-6 s. */
  jitter: number;
}

export const JITTER = 0.2;

/**
 * Ms until the next attempt, or null when `attemptsMade` (this one included, counted since
 * the delivery was created or replayed) used up the schedule.
 */
export function nextRetryDelay(
  policy: RetryPolicy,
  attemptsMade: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number | null {
  if (attemptsMade > policy.schedule.length) return null;
  if (retryAfterMs !== null) return Math.max(0, Math.min(retryAfterMs, policy.maxRetryAfterMs));
  const base = policy.schedule[attemptsMade - 1] as number;
  const spread = base * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}

/** The receiver's requested wait for a 429 or 503, from `Retry-After`, else null. */
export function receiverRetryAfter(status: number, headers: Record<string, string>, now: number): number | null {
  if (status !== 429 && status !== 503) return null;
  if (headers['retry-after'] === undefined) return null;
  return waitFromHeaders({ 'retry-after': headers['retry-after'] }, now);
}
