import type { ProviderId } from '@callbridge/core';
import type { Scheduler, SandboxClock } from '../support/scheduler';
import { postRaw } from './post';

/** How webhook deliveries retry when the receiver fails: exponential, no jitter (tests can predict it). */
export interface WebhookRetry {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long the receiver has to answer; Vyora documents 5 s. */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetry = { attempts: 6, baseDelayMs: 1_000, maxDelayMs: 60_000, timeoutMs: 5_000 };

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  error?: string;
  durationMs: number;
}

export interface DeliveryRecord {
  id: string;
  provider: ProviderId;
  event: string;
  url: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
  /** The exact bytes sent, so a test can verify the signature itself. */
  body: string;
}

interface Job {
  record: DeliveryRecord;
  headers: Record<string, string>;
}

const KEEP_RECORDS = 1_000;

/** A receiver's URL for logs: its origin only, since paths often carry a secret (Zapier's hook URLs do). */
function shown(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Posts signed events and retries failures as a real provider does: any answer outside 2xx,
 * a timeout or a refused connection is tried again after base·2^(n-1) ms, up to the
 * configured attempts, then given up as `failed`.
 */
export class WebhookDeliverer {
  readonly #records: DeliveryRecord[] = [];
  readonly #inFlight = new Set<AbortController>();
  readonly #idleWaiters = new Set<() => void>();
  #pending = 0;
  #counter = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly clock: SandboxClock,
    private readonly retry: WebhookRetry,
    private readonly onLog: (line: string) => void,
  ) {}

  enqueue(input: { provider: ProviderId; event: string; url: string; body: string; headers: Record<string, string> }): DeliveryRecord {
    const record: DeliveryRecord = {
      id: `dlv_${++this.#counter}`,
      provider: input.provider,
      event: input.event,
      url: input.url,
      state: 'pending',
      attempts: [],
      body: input.body,
    };
    this.#records.push(record);
    if (this.#records.length > KEEP_RECORDS) this.#records.shift();
    this.#pending++;
    const job: Job = { record, headers: input.headers };
    this.scheduler.after(0, () => void this.#attempt(job));
    return record;
  }

  records(): DeliveryRecord[] {
    return this.#records.map((r) => ({ ...r, attempts: [...r.attempts] }));
  }

  /** Resolves once no delivery is pending (delivered or given up), or after `timeoutMs`. */
  idle(timeoutMs = 10_000): Promise<boolean> {
    if (this.#pending === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        timer.cancel();
        this.#idleWaiters.delete(done);
        resolve(true);
      };
      const timer = this.scheduler.after(timeoutMs, () => {
        this.#idleWaiters.delete(done);
        resolve(false);
      });
      this.#idleWaiters.add(done);
    });
  }

  /** Stops everything: pending retries are dropped, requests in flight aborted. */
  cancelAll(): void {
    for (const c of this.#inFlight) c.abort();
    this.#inFlight.clear();
    for (const r of this.#records) if (r.state === 'pending') r.state = 'failed';
    this.#pending = 0;
    this.#settleWaiters();
  }

  async #attempt(job: Job): Promise<void> {
    const { record } = job;
    if (record.state !== 'pending') return;
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const started = this.clock.now();
    const t0 = performance.now();
    const result = await postRaw(record.url, record.body, job.headers, this.retry.timeoutMs, controller.signal);
    this.#inFlight.delete(controller);
    if (record.state !== 'pending') return;
    record.attempts.push({
      at: new Date(started).toISOString(),
      status: result.status,
      ...(result.error ? { error: result.error } : {}),
      durationMs: Math.round(performance.now() - t0),
    });
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const n = record.attempts.length;
    if (ok || n >= this.retry.attempts) {
      record.state = ok ? 'delivered' : 'failed';
      this.onLog(`${record.provider} webhook ${record.event} → ${shown(record.url)}: ${record.state} after ${n} attempt(s)`);
      this.#pending--;
      this.#settleWaiters();
      return;
    }
    const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (n - 1));
    this.onLog(`${record.provider} webhook ${record.event} → ${shown(record.url)}: ${result.status ?? result.error}; retry in ${delay} ms`);
    this.scheduler.after(delay, () => void this.#attempt(job));
  }

  #settleWaiters(): void {
    if (this.#pending > 0) return;
    for (const w of [...this.#idleWaiters]) w();
  }
}
