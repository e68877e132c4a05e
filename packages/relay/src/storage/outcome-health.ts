import { formatDuration } from '../durations';
import type { DeliveryOutcome } from './types';

/**
 * What a batch of attempt outcomes says about each subscription's receiver, for the
 * auto-disable rule ("every delivery failed for RELAY_DISABLE_AFTER"): a subscription whose
 * last attempt succeeded is healthy again; one that failed has been failing since its first
 * failure after its last success, or since whenever it started failing before this batch.
 */
export interface SubscriptionHealth {
  id: string;
  /** clear: healthy; set: failing since `since`; keep: failing since before, or since `since` if not yet recorded. */
  mode: 'clear' | 'set' | 'keep';
  since: number;
}

export function healthOf(outcomes: readonly DeliveryOutcome[]): SubscriptionHealth[] {
  const bySub = new Map<string, SubscriptionHealth & { sawSuccess: boolean }>();
  for (const o of outcomes) {
    if (o.kind === 'gone') continue; // 410 disables at once, below
    const h = bySub.get(o.subscriptionId) ?? { id: o.subscriptionId, mode: 'keep' as const, since: o.attempt.startedAt, sawSuccess: false };
    if (o.kind === 'success') {
      h.mode = 'clear';
      h.sawSuccess = true;
    } else if (h.mode === 'clear') {
      h.mode = 'set';
      h.since = o.attempt.startedAt;
    } else if (h.mode === 'keep' && !h.sawSuccess) {
      h.since = Math.min(h.since, o.attempt.startedAt);
    }
    bySub.set(o.subscriptionId, h);
  }
  return [...bySub.values()].map(({ id, mode, since }) => ({ id, mode, since }));
}

export const GONE_REASON = 'the receiver answered 410 Gone';

export function failingReason(disableAfterMs: number): string {
  return `every delivery failed for ${formatDuration(disableAfterMs)}`;
}

/** The last_error of deliveries cancelled because their subscription was disabled. */
export function cancelledBecause(reason: string): string {
  return `subscription disabled: ${reason}`;
}
