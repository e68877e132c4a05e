import type { Clock } from '@callbridge/core';
import type { Logger } from 'pino';
import type { RelayStorage } from './types';

/**
 * Whether storage can be written, as /healthz and `relay_storage_up` report it. Every write
 * the relay makes (ingest, delivery results, settings, subscriptions) goes through `storage`
 * below, so the first write that fails turns health down at once, and the next one that
 * succeeds turns it up again. /healthz adds a write of its own only when no write has
 * happened for `probeIntervalMs`, and concurrent probes share it: a probe costs nothing
 * while traffic flows and one small write every few seconds while it does not.
 *
 * Failures are logged one line per cause, with the cause's message and no stack (a full
 * disk or a refused connection is an operating condition, not a bug), and a cause that
 * repeats is logged at most once per `logIntervalMs`, with how many were left out.
 */
export interface StorageHealthOptions {
  logger: Logger;
  clock: Clock;
  /** The shortest time between two /healthz write probes (default 5 s). */
  probeIntervalMs?: number;
  /** The shortest time between two log lines for one cause (default 10 s). */
  logIntervalMs?: number;
}

export type HealthState = { up: true } | { up: false; error: string; since: number };

type Method = keyof RelayStorage;

/**
 * The methods that write. Any failure of one counts; a success counts only where it proves
 * a write reached storage (a claim that found nothing, or a replay that matched nothing,
 * may succeed on a full disk without writing a byte).
 */
const nonEmpty = (args: unknown[]): boolean => Array.isArray(args[0]) && args[0].length > 0;
const found = (_args: unknown[], result: unknown): boolean => result !== null && result !== false && result !== undefined;
const always = (): boolean => true;
const never = (): boolean => false;
const WRITES: Partial<Record<Method, (args: unknown[], result: unknown) => boolean>> = {
  ingest: nonEmpty,
  complete: nonEmpty,
  setSetting: always,
  health: always,
  createSubscription: always,
  updateSubscription: found,
  rotateSecret: found,
  deleteSubscription: found,
  addTestDelivery: found,
  addDelivery: found,
  claimDue: (_args, result) => Array.isArray(result) && result.length > 0,
  replayDeliveries: never,
  releaseLeases: never,
  prune: (_args, result) => ((result as { events?: number } | null)?.events ?? 0) > 0,
  createSource: always,
  updateSource: found,
  deleteSource: found,
  createToken: always,
  deleteToken: found,
  touchTokens: nonEmpty,
  writeSecrets: nonEmpty,
};

const MAX_CAUSES = 100;

interface CauseLog {
  loggedAt: number;
  suppressed: number;
}

export class StorageHealth {
  readonly #raw: RelayStorage;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #probeIntervalMs: number;
  readonly #logIntervalMs: number;
  readonly #seen = new WeakSet<object>();
  readonly #causes = new Map<string, CauseLog>();
  #state: HealthState = { up: true };
  /** When a write last reported, success or failure; -Infinity until the first. */
  #lastWriteAt = Number.NEGATIVE_INFINITY;
  #probe: Promise<void> | undefined;
  /** The storage everything else uses: the same object, with its writes reporting here. */
  readonly storage: RelayStorage;

  constructor(storage: RelayStorage, options: StorageHealthOptions) {
    this.#raw = storage;
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#probeIntervalMs = options.probeIntervalMs ?? 5_000;
    this.#logIntervalMs = options.logIntervalMs ?? 10_000;
    this.storage = this.#monitored(storage);
  }

  get up(): boolean {
    return this.#state.up;
  }

  get state(): HealthState {
    return this.#state;
  }

  /** True for an error a storage write failed with (so callers need not log it again). */
  isStorageFailure(e: unknown): boolean {
    return typeof e === 'object' && e !== null && this.#seen.has(e);
  }

  /** The state for /healthz: as the last write left it, after a shared probe if none wrote lately. */
  async check(): Promise<HealthState> {
    if (this.#clock.now() - this.#lastWriteAt >= this.#probeIntervalMs) {
      this.#probe ??= this.storage
        .health()
        .catch(() => undefined) // recorded by the monitored call
        .finally(() => {
          this.#probe = undefined;
        });
      await this.#probe;
    }
    return this.#state;
  }

  #succeeded(): void {
    this.#lastWriteAt = this.#clock.now();
    if (this.#state.up) return;
    const downForMs = this.#lastWriteAt - this.#state.since;
    this.#state = { up: true };
    this.#causes.clear();
    this.#logger.info({ downForMs }, 'storage writes succeed again');
  }

  #failed(op: string, e: unknown): void {
    const now = this.#clock.now();
    this.#lastWriteAt = now;
    if (typeof e === 'object' && e !== null) this.#seen.add(e);
    const cause = e instanceof Error ? e.message : String(e);
    if (this.#state.up || this.#state.error !== cause) this.#state = { up: false, error: cause, since: this.#state.up ? now : this.#state.since };
    this.#log(op, cause, e, now);
  }

  #log(op: string, cause: string, e: unknown, now: number): void {
    const entry = this.#causes.get(cause);
    if (entry && now - entry.loggedAt < this.#logIntervalMs) {
      entry.suppressed += 1;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    if (!entry && this.#causes.size >= MAX_CAUSES) this.#causes.delete(this.#causes.keys().next().value as string);
    this.#causes.set(cause, { loggedAt: now, suppressed: 0 });
    const code = (e as { code?: unknown } | null)?.code;
    const since = suppressed > 0 ? ` (and ${suppressed} more since the last report)` : '';
    this.#logger.error(
      { storage: this.#raw.kind, op, cause, ...(typeof code === 'string' ? { code } : {}), ...(suppressed > 0 ? { suppressed } : {}) },
      `storage write failed: ${cause}${since}`,
    );
    // The stack only for whoever asks for debug output: it names our call site, not the cause.
    if (this.#logger.isLevelEnabled('debug')) this.#logger.debug({ err: e, op }, 'storage write failure, with its stack');
  }

  /**
   * The storage with its write methods reporting here. A Proxy rather than a class that
   * restates every method, so a method added to RelayStorage later passes straight through;
   * functions are bound to the real object, whose private fields a Proxy receiver cannot reach.
   */
  #monitored(storage: RelayStorage): RelayStorage {
    const cache = new Map<PropertyKey, unknown>();
    return new Proxy(storage, {
      get: (target, prop) => {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        let fn = cache.get(prop);
        if (fn === undefined) {
          const method = value as (...args: unknown[]) => unknown;
          const proves = WRITES[prop as Method];
          fn = proves
            ? async (...args: unknown[]): Promise<unknown> => {
                let result: unknown;
                try {
                  result = await method.apply(target, args);
                } catch (e) {
                  this.#failed(String(prop), e);
                  throw e;
                }
                if (proves(args, result)) this.#succeeded();
                return result;
              }
            : method.bind(target);
          cache.set(prop, fn);
        }
        return fn;
      },
    });
  }
}
