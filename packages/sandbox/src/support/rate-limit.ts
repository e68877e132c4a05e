import type { SandboxClock } from './scheduler';

/** At most `requests` per `perMs`, counted per API key. */
export interface RateRule {
  requests: number;
  perMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** The binding window's size, remaining slots and end (epoch ms). */
  limit: number;
  remaining: number;
  resetAt: number;
  /** How long until a refused request may be sent again; 0 when allowed. */
  retryAfterMs: number;
}

interface Window {
  start: number;
  count: number;
}

/**
 * Fixed windows per key, the model `X-RateLimit-Reset` describes: the count returns to the
 * limit at the window's end. A key may be under several windows at once (Ayla's 10 per
 * second and 10,000 per day); a request passes only when every window has room, and the
 * headers report the window closest to running out.
 */
export class RateLimits {
  readonly #windows = new Map<string, Window[]>();

  constructor(private readonly clock: SandboxClock) {}

  take(scope: string, key: string, rules: readonly RateRule[]): RateDecision {
    const now = this.clock.now();
    const id = `${scope}\u0000${key}`;
    let windows = this.#windows.get(id);
    if (!windows || windows.length !== rules.length) {
      windows = rules.map(() => ({ start: now, count: 0 }));
      this.#windows.set(id, windows);
    }
    rules.forEach((rule, i) => {
      const w = windows[i] as Window;
      if (now >= w.start + rule.perMs) {
        // Windows are aligned to their first request, then step in whole periods.
        w.start += Math.floor((now - w.start) / rule.perMs) * rule.perMs;
        w.count = 0;
      }
    });
    const full = rules.map((rule, i) => (windows[i] as Window).count >= rule.requests);
    const allowed = !full.includes(true);
    if (allowed) for (const w of windows) w.count++;

    let binding = 0;
    let bindingRemaining = Infinity;
    let retryAfterMs = 0;
    rules.forEach((rule, i) => {
      const w = windows[i] as Window;
      const remaining = Math.max(0, rule.requests - w.count);
      if (remaining < bindingRemaining) {
        bindingRemaining = remaining;
        binding = i;
      }
      if (full[i]) retryAfterMs = Math.max(retryAfterMs, w.start + rule.perMs - now);
    });
    const rule = rules[binding] as RateRule;
    const w = windows[binding] as Window;
    return { allowed, limit: rule.requests, remaining: bindingRemaining, resetAt: w.start + rule.perMs, retryAfterMs };
  }

  clear(): void {
    this.#windows.clear();
  }
}
