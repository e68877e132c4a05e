import { randomBytes } from 'node:crypto';
import { signStandardWebhook, type Clock } from '@callbridge/core';
import type { Logger } from 'pino';
import type { RelayMetrics } from '../metrics';
import type { MinuteStats } from '../stats/minutes';
import { GroupCommitter } from '../storage/group-commit';
import type { ClaimedDelivery, DeliveryOutcome, RelayStorage } from '../storage/types';
import { nextRetryDelay, receiverRetryAfter, type RetryPolicy } from './backoff';
import { deliveryBody } from './payload';
import { SendError, type DeliverySender, type SendResponse } from './sender';

/**
 * Claims due deliveries under a lease, sends each one independently (a slow or failing
 * receiver holds only its own slots), and records every attempt. Attempt results are
 * written in batches; a delivery's slot is freed only after its result is committed, so a
 * crash at any point leaves it either finished or claimable again once its lease is gone.
 */
export interface WorkerOptions {
  storage: RelayStorage;
  sender: DeliverySender;
  metrics: RelayMetrics;
  logger: Logger;
  clock: Clock;
  policy: RetryPolicy;
  /** Deliveries in flight at once, in all and per subscription. */
  concurrency: number;
  perSubscription: number;
  /** How long a claim holds a delivery: longer than a send can take. */
  leaseMs: number;
  /** How often to look for due work when nothing wakes the worker. */
  idlePollMs?: number;
  random?: () => number;
  /** A subscription none of whose attempts succeeded for this long is disabled (0 = never). */
  disableAfterMs?: number;
  /** Turns a stored secret or header value into the value to send (decrypts it); identity by default. */
  reveal?: (stored: string) => string;
  /** True for a storage failure the health monitor has logged already (one line per cause). */
  isStorageFailure?: (e: unknown) => boolean;
  /** Per-minute counts for /v1/stats. */
  stats?: MinuteStats;
}

const CLAIM_BATCH = 200;
const BUSY_POLL_MS = 100;
/**
 * Slots freed by finishing sends are gathered this long before the next claim. Each claim
 * is one statement (a round trip to PostgreSQL); claiming per freed slot made claims small
 * when a replica carried less load, so its CPU per delivery rose with every replica added.
 */
const REFILL_DELAY_MS = 2;
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'webhook-id', 'webhook-timestamp', 'webhook-signature']);

export class DeliveryWorker {
  readonly owner = `w_${randomBytes(6).toString('hex')}`;
  readonly #o: WorkerOptions;
  readonly #idlePollMs: number;
  /** Looks in a row that found nothing though storage said something was due. */
  #dueButMissed = 0;
  readonly #random: () => number;
  readonly #completer: GroupCommitter<DeliveryOutcome, void>;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #perSubscription = new Map<string, number>();
  #unsubscribe: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #refill: NodeJS.Timeout | undefined;
  #pumping: Promise<void> | undefined;
  #again = false;
  #stopping = false;

  constructor(options: WorkerOptions) {
    this.#o = options;
    this.#idlePollMs = options.idlePollMs ?? 1000;
    this.#random = options.random ?? Math.random;
    this.#completer = new GroupCommitter<DeliveryOutcome, void>({
      maxBatch: 500,
      flush: async (outcomes) => {
        const result = await options.storage.complete(outcomes, options.clock.now(), { disableAfterMs: options.disableAfterMs ?? 0 });
        for (const d of result.disabled) {
          options.metrics.subscriptionsDisabled.inc({ reason: d.reason.startsWith('every delivery failed') ? 'failing' : 'gone' });
          options.logger.warn({ subscriptionId: d.id, reason: d.reason }, `subscription disabled: ${d.reason}; its pending deliveries are cancelled`);
        }
        return outcomes.map(() => undefined);
      },
    });
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  start(): void {
    this.#unsubscribe = this.#o.storage.onWake(() => this.kick());
    this.kick();
  }

  /** Stops claiming, lets every send in flight finish and be recorded, and hands back leases. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#unsubscribe?.();
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#refill) clearTimeout(this.#refill);
    await this.#pumping;
    await Promise.all([...this.#inFlight]);
    await this.#completer.drain();
    await this.#o.storage.releaseLeases(this.owner);
  }

  /** Looks for due work now (new events, a replay, a freed slot). */
  kick(): void {
    if (this.#stopping) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = this.#pump()
      .catch((e: unknown) => {
        this.#logFailure(e, 'delivery worker could not claim work; retrying', {});
        this.#sleep(this.#idlePollMs);
      })
      .finally(() => {
        this.#pumping = undefined;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /** Storage failures are logged by the health monitor, once per cause; anything else here is a bug. */
  #logFailure(e: unknown, message: string, fields: Record<string, unknown>): void {
    if (this.#o.isStorageFailure?.(e)) this.#o.logger.debug(fields, message);
    else this.#o.logger.error({ ...fields, err: e }, message);
  }

  /** A kick for freed slots, gathered with the others that free up within REFILL_DELAY_MS. */
  #kickSoon(): void {
    if (this.#refill || this.#stopping) return;
    this.#refill = setTimeout(() => {
      this.#refill = undefined;
      this.kick();
    }, REFILL_DELAY_MS);
  }

  #sleep(ms: number): void {
    if (this.#stopping) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.kick(), ms);
    this.#timer.unref();
  }

  async #pump(): Promise<void> {
    for (;;) {
      if (this.#stopping) return;
      const capacity = this.#o.concurrency - this.#inFlight.size;
      if (capacity <= 0) return; // a finishing send kicks again
      const limit = Math.min(capacity, CLAIM_BATCH);
      const now = this.#o.clock.now();
      const claimed = await this.#o.storage.claimDue({
        now,
        limit,
        leaseMs: this.#o.leaseMs,
        owner: this.owner,
        perSubscriptionLimit: this.#o.perSubscription,
        inFlight: this.#perSubscription,
      });
      for (const c of claimed) this.#launch(c);
      if (claimed.length > 0) this.#dueButMissed = 0;
      if (claimed.length < limit) break;
    }
    if (this.#inFlight.size > 0) {
      // Every finishing send kicks the worker, which then sees what has come due; the
      // timer only covers retries coming due while every send in flight is slow.
      this.#sleep(BUSY_POLL_MS);
      return;
    }
    const next = await this.#o.storage.nextDueAt();
    const now = this.#o.clock.now();
    // Due already, though the claim just found nothing: most often a timer that fired a
    // millisecond before the clock reached a rate-limited slot, so look again at once; if the
    // next look finds nothing either, the work is not claimable yet and the idle poll is right.
    let wait: number;
    if (next === null) wait = this.#idlePollMs;
    else if (next > now) wait = Math.min(next - now, this.#idlePollMs);
    else wait = this.#dueButMissed++ === 0 ? 1 : this.#idlePollMs;
    this.#sleep(Math.max(1, wait));
  }

  #launch(c: ClaimedDelivery): void {
    const subId = c.subscription.id;
    this.#perSubscription.set(subId, (this.#perSubscription.get(subId) ?? 0) + 1);
    const run = this.#deliver(c)
      .then((outcome) => this.#completer.submit(outcome))
      .catch((e: unknown) => {
        // The result could not be recorded: the lease runs out and the delivery goes again.
        this.#logFailure(e, 'could not record a delivery attempt', { deliveryId: c.id });
      })
      .finally(() => {
        this.#inFlight.delete(run);
        const n = (this.#perSubscription.get(subId) ?? 1) - 1;
        if (n <= 0) this.#perSubscription.delete(subId);
        else this.#perSubscription.set(subId, n);
        this.#kickSoon();
      });
    this.#inFlight.add(run);
  }

  async #deliver(c: ClaimedDelivery): Promise<DeliveryOutcome> {
    const { clock, metrics, logger, sender } = this.#o;
    const reveal = this.#o.reveal ?? ((v: string) => v);
    const body = deliveryBody(c.event);
    const startedAt = clock.now();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.subscription.headers)) {
      if (!RESERVED_HEADERS.has(k.toLowerCase())) headers[k] = reveal(v);
    }
    const timestamp = Math.floor(startedAt / 1000);
    // While a rotation's overlap lasts, one signature per secret, newest first (`v1,<new> v1,<old>`):
    // a receiver checking either secret accepts the delivery.
    const signature = c.subscription.secrets
      .map((secret) => signStandardWebhook({ id: c.event.id, timestamp, body, secret: reveal(secret) }))
      .join(' ');
    headers['content-type'] = 'application/json';
    headers['webhook-id'] = c.event.id;
    headers['webhook-timestamp'] = String(timestamp);
    headers['webhook-signature'] = signature;

    let res: SendResponse | undefined;
    let error: string | null = null;
    try {
      res = await sender.send({ url: c.subscription.targetUrl, headers, body });
    } catch (e) {
      error = e instanceof SendError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    }
    const finishedAt = clock.now();
    const durationMs = Math.max(0, finishedAt - startedAt);
    metrics.attemptDuration.observe(durationMs / 1000);
    const status = res?.status ?? null;
    const attempt = {
      attempt: c.attempts + 1,
      startedAt,
      durationMs,
      status,
      error: error ?? (status !== null && (status < 200 || status > 299) ? `HTTP ${status}` : null),
      responseBody: res?.snippet ? res.snippet : null,
    };
    const base = { deliveryId: c.id, subscriptionId: c.subscription.id, owner: this.owner, attempt };
    const log = { deliveryId: c.id, eventId: c.event.id, subscriptionId: c.subscription.id, attempt: attempt.attempt, status };

    const count = (kind: 'delivered' | 'failed' | 'dead'): void => this.#o.stats?.add(kind, c.event.source, finishedAt);
    if (status !== null && status >= 200 && status < 300) {
      metrics.deliveries.inc({ outcome: 'success' });
      count('delivered');
      metrics.deliveryLatency.observe(Math.max(0, finishedAt - c.event.receivedAt) / 1000);
      // One readable line per attempt, so a working relay is seen working.
      logger.info(log, `delivered ${c.event.type} ${c.event.id} to ${c.subscription.id}: ${status} in ${durationMs} ms (attempt ${attempt.attempt})`);
      return { ...base, kind: 'success' };
    }
    if (status === 410) {
      metrics.deliveries.inc({ outcome: 'gone' });
      logger.warn(log, `${c.subscription.id} answered 410 Gone to ${c.event.id}: the subscription is disabled`);
      return { ...base, kind: 'gone' };
    }
    const retryAfter = res ? receiverRetryAfter(res.status, res.headers, finishedAt) : null;
    const delay = nextRetryDelay(this.#o.policy, c.scheduleAttempts + 1, retryAfter, this.#random);
    if (delay === null) {
      metrics.deliveries.inc({ outcome: 'dead' });
      count('dead');
      logger.warn({ ...log, error: attempt.error }, `${c.event.id} to ${c.subscription.id} failed its last attempt (${attempt.error ?? 'no answer'}): dead; replay it to send again`);
      return { ...base, kind: 'dead' };
    }
    metrics.deliveries.inc({ outcome: 'retry' });
    count('failed');
    logger.info({ ...log, error: attempt.error, retryInMs: delay }, `${c.event.id} to ${c.subscription.id} failed (${attempt.error ?? 'no answer'}) on attempt ${attempt.attempt}; next in ${Math.round(delay / 1000)} s`);
    return { ...base, kind: 'retry', nextAttemptAt: finishedAt + delay };
  }
}
