import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { CallbridgeError, normalizeProviderError, ValidationError } from './errors';
import { buildRequest, joinUrl } from './engine/build-request';
import { realSleep, systemClock, type Clock, type Sleep } from './engine/clock';
import { paginate, type PaginateOptions } from './engine/paginate';
import { getPath } from './engine/path';
import { RateLimiter } from './engine/rate-limiter';
import { backoffDelay, DEFAULT_RETRY, resetToWait, waitFromHeaders, type RetryOptions } from './engine/retry';
import { validateInput } from './engine/validate';
import type { FieldMap, InputOf, OperationSpec, ProviderId, ProviderSpec } from './spec/types';
import { TransportError, type HttpResponse, type Transport } from './transport/types';

export type OpsOf<P extends ProviderSpec> = P['operations'];
export type OperationName<P extends ProviderSpec> = keyof OpsOf<P> & string;
export type OperationInput<P extends ProviderSpec, K extends OperationName<P>> =
  OpsOf<P>[K] extends OperationSpec<infer F extends FieldMap> ? InputOf<F> : never;

/** What the client tells an observer (logs, `--verbose`). Never carries credentials. */
export type ClientEvent =
  | { type: 'request'; provider: ProviderId; operation: string; method: string; url: string; attempt: number }
  | { type: 'response'; provider: ProviderId; operation: string; status: number; durationMs: number; attempt: number }
  | { type: 'retry'; provider: ProviderId; operation: string; delayMs: number; reason: string; attempt: number }
  | { type: 'throttle'; provider: ProviderId; operation: string; delayMs: number };

export interface ClientOptions {
  /** The provider API key. Leave it out when the transport authenticates (n8n's helpers). */
  apiKey?: string;
  /** Overrides the provider's base URL, e.g. to point at the sandbox. */
  baseUrl?: string;
  transport?: Transport;
  clock?: Clock;
  sleep?: Sleep;
  /** For jitter; tests pass a fixed one. */
  random?: () => number;
  retry?: Partial<RetryOptions>;
  /** The plan rate to keep under; `false` turns the client-side limiter off. */
  rateLimit?: { requests: number; perMs: number } | false;
  /** Share one limiter between clients that share one key. */
  limiter?: RateLimiter;
  /** Per request. */
  timeoutMs?: number;
  userAgent?: string;
  idempotencyKeyFactory?: () => string;
  onEvent?: (event: ClientEvent) => void;
}

export interface CallOptions {
  /** Sent as `Idempotency-Key` on creating requests; generated when absent. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ListOptions extends PaginateOptions {
  signal?: AbortSignal;
}

const VERSION = '0.1.0';

/**
 * Runs any operation of one provider: validation before the network, auth, retries with
 * backoff and `Retry-After`, a client-side rate limiter, idempotency keys, pagination,
 * polling, and one error model. The API key lives in a private field so it never shows in
 * `JSON.stringify`, `util.inspect` or an error.
 */
export class ProviderClient<P extends ProviderSpec = ProviderSpec> {
  readonly spec: P;
  readonly provider: P['id'];
  readonly baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #retry: RetryOptions;
  readonly #limiter: RateLimiter | undefined;
  readonly #timeoutMs: number;
  readonly #userAgent: string;
  readonly #newKey: () => string;
  readonly #onEvent: ((event: ClientEvent) => void) | undefined;

  constructor(spec: P, options: ClientOptions & { transport: Transport }) {
    this.spec = spec;
    this.provider = spec.id;
    this.baseUrl = (options.baseUrl ?? spec.baseUrl).replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#transport = options.transport;
    this.#clock = options.clock ?? systemClock;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    const rate = options.rateLimit === undefined ? spec.rateLimit : options.rateLimit;
    this.#limiter = options.limiter ?? (rate ? new RateLimiter(rate.requests, rate.perMs, this.#clock, this.#sleep) : undefined);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#userAgent = options.userAgent ?? `callbridge/${VERSION}`;
    this.#newKey = options.idempotencyKeyFactory ?? randomUUID;
    this.#onEvent = options.onEvent;
  }

  /** `test` or `live` where the key's prefix tells (Ayla), otherwise null. */
  get mode(): 'test' | 'live' | null {
    const modes = this.spec.keyModes;
    if (!modes || !this.#apiKey) return null;
    if (this.#apiKey.startsWith(modes.test)) return 'test';
    if (this.#apiKey.startsWith(modes.live)) return 'live';
    return null;
  }

  get hasApiKey(): boolean {
    return this.#apiKey !== undefined && this.#apiKey.length > 0;
  }

  operation(name: string): OperationSpec {
    const op = (this.spec.operations as Record<string, OperationSpec>)[name];
    if (!op) {
      const known = Object.keys(this.spec.operations).join(', ');
      throw new ValidationError(this.provider, name, [
        { field: '(operation)', message: `"${name}" is not a ${this.spec.name} operation; known: ${known}` },
      ]);
    }
    return op;
  }

  /** Validates input as `call` would, without sending anything. */
  validate<K extends OperationName<P>>(name: K, input: OperationInput<P, K>): Record<string, unknown>;
  validate(name: string, input: unknown): Record<string, unknown>;
  validate(name: string, input: unknown): Record<string, unknown> {
    return validateInput(this.provider, this.operation(name), input);
  }

  /** Runs one operation and returns the provider's result (a list operation: its first page as sent). */
  call<K extends OperationName<P>>(name: K, input: OperationInput<P, K>, options?: CallOptions): Promise<unknown>;
  call(name: string, input: unknown, options?: CallOptions): Promise<unknown>;
  async call(name: string, input: unknown, options: CallOptions = {}): Promise<unknown> {
    const op = this.operation(name);
    const parsed = validateInput(this.provider, op, input);
    if (op.poll) return this.#poll(op, parsed, options);
    const body = await this.#send(op, parsed, options);
    if (this.spec.envelope && !op.list && op.responseType === 'json') {
      const data = getPath(body, this.spec.envelope.dataPath);
      if (data !== undefined) return data;
    }
    return body;
  }

  /** Every item of a list operation, across pages, in order. */
  list<K extends OperationName<P>>(name: K, input: OperationInput<P, K>, options?: ListOptions): AsyncGenerator<unknown>;
  list(name: string, input: unknown, options?: ListOptions): AsyncGenerator<unknown>;
  list(name: string, input: unknown, options: ListOptions = {}): AsyncGenerator<unknown> {
    const op = this.operation(name);
    if (!op.list) {
      throw new ValidationError(this.provider, name, [{ field: '(operation)', message: `${name} is not a list operation` }]);
    }
    const parsed = validateInput(this.provider, op, input);
    const itemsPath = op.list.itemsPath;
    const fetchPage = (params: Record<string, string | number>): Promise<unknown> =>
      this.#send(op, { ...parsed, ...params }, options.signal ? { signal: options.signal } : {});
    return paginate({ pagination: this.spec.pagination, itemsPath, input: parsed }, fetchPage, options);
  }

  /** Collects `list` into an array. */
  async listAll(name: string, input: unknown, options: ListOptions = {}): Promise<unknown[]> {
    const out: unknown[] = [];
    for await (const item of this.list(name, input, options)) out.push(item);
    return out;
  }

  async #poll(op: OperationSpec, input: Record<string, unknown>, options: CallOptions): Promise<unknown> {
    const poll = op.poll as NonNullable<OperationSpec['poll']>;
    const target = this.operation(poll.operation);
    const seconds = (key: string, fallbackMs: number): number =>
      typeof input[key] === 'number' ? (input[key] as number) * 1000 : fallbackMs;
    const intervalMs = seconds(poll.intervalField, poll.defaultIntervalMs);
    const timeoutMs = seconds(poll.timeoutField, poll.defaultTimeoutMs);
    const targetInput = Object.fromEntries(Object.entries(input).filter(([k]) => k in target.fields));
    const started = this.#clock.now();
    let last: unknown;
    for (;;) {
      last = await this.#send(target, targetInput, options);
      const done = poll.until.every((c) => {
        const v = getPath(last, c.path);
        if (c.notNull && (v === null || v === undefined)) return false;
        return c.equals === undefined || v === c.equals;
      });
      if (done) return last;
      const elapsed = this.#clock.now() - started;
      if (elapsed + intervalMs > timeoutMs) {
        throw new CallbridgeError({
          provider: this.provider,
          operation: op.name,
          status: null,
          code: 'poll_timeout',
          message: `${op.name} gave up after ${Math.round(timeoutMs / 1000)} s: the condition was not met`,
          details: { last },
          retryable: true,
          kind: 'timeout',
        });
      }
      await this.#sleep(intervalMs, options.signal);
    }
  }

  async #send(op: OperationSpec, input: Record<string, unknown>, options: CallOptions): Promise<unknown> {
    const built = buildRequest(op, input);
    const url = joinUrl(this.baseUrl, built.path, built.query);
    const headers: Record<string, string> = {
      accept: op.responseType === 'binary' ? '*/*' : 'application/json',
      'user-agent': this.#userAgent,
    };
    if (built.body !== undefined) headers['content-type'] = 'application/json';
    if (this.#apiKey) {
      if (this.spec.auth.type === 'bearer') headers['authorization'] = `Bearer ${this.#apiKey}`;
      else headers[this.spec.auth.header.toLowerCase()] = this.#apiKey;
    }
    const idempotencyKey = op.idempotent ? (options.idempotencyKey ?? this.#newKey()) : undefined;
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    // A repeated write is safe only when the provider can recognise it as a repeat.
    const safeToRepeat = op.method === 'GET' || idempotencyKey !== undefined;

    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      if (this.#limiter) {
        const wait = this.#limiter.reserve();
        if (wait > 0) {
          this.#emit({ type: 'throttle', provider: this.provider, operation: op.name, delayMs: wait });
          await this.#sleep(wait, options.signal);
        }
      }
      this.#emit({ type: 'request', provider: this.provider, operation: op.name, method: op.method, url, attempt });
      const started = this.#clock.now();
      let res: HttpResponse | undefined;
      let failure: CallbridgeError | undefined;
      let providerWait: number | null = null;
      try {
        res = await this.#transport({
          method: op.method,
          url,
          headers,
          ...(built.body !== undefined ? { body: built.body } : {}),
          timeoutMs: options.timeoutMs ?? this.#timeoutMs,
          responseType: op.responseType,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (e) {
        if (options.signal?.aborted) throw e;
        res = undefined;
        const te = e instanceof TransportError ? e : new TransportError(e instanceof Error ? e.message : String(e), 'ENETWORK');
        failure = new CallbridgeError({
          provider: this.provider,
          operation: op.name,
          status: null,
          code: te.timedOut ? 'timeout' : 'network_error',
          message: `${this.spec.name} ${op.name}: ${te.timedOut ? 'request timed out' : 'network error'} (${te.code})`,
          details: { cause: te.code },
          retryable: true,
          kind: te.timedOut ? 'timeout' : 'network',
        });
      }
      if (res) {
        this.#emit({
          type: 'response',
          provider: this.provider,
          operation: op.name,
          status: res.status,
          durationMs: this.#clock.now() - started,
          attempt,
        });
        this.#noteRateHeaders(res.headers);
        if (res.status >= 200 && res.status < 300) return res.body;
        providerWait = res.status === 429 || res.status === 503 ? waitFromHeaders(res.headers, this.#clock.now()) : null;
        failure = normalizeProviderError(this.provider, res.status, res.body, res.headers, op.name, providerWait);
      }

      if (!failure) throw new Error('unreachable: a response was neither success nor failure');
      const retryable = res?.status === 429 || (failure.retryable && safeToRepeat);
      if (!retryable || attempt >= this.#retry.maxAttempts) throw failure;
      const delay = providerWait ?? backoffDelay(attempt, this.#retry, this.#random);
      if (waited + delay > this.#retry.maxTotalWaitMs) throw failure;
      waited += delay;
      this.#emit({
        type: 'retry',
        provider: this.provider,
        operation: op.name,
        delayMs: delay,
        reason: res ? `HTTP ${res.status}` : failure.code,
        attempt,
      });
      await this.#sleep(delay, options.signal);
    }
  }

  #noteRateHeaders(headers: Record<string, string>): void {
    if (!this.#limiter) return;
    const rl = this.spec.rateLimit;
    const remaining = headers[(rl.remainingHeader ?? 'x-ratelimit-remaining').toLowerCase()];
    const reset = headers[(rl.resetHeader ?? 'x-ratelimit-reset').toLowerCase()];
    if (remaining === undefined || reset === undefined || Number(remaining) > 0) return;
    const now = this.#clock.now();
    const wait = resetToWait(reset, now);
    if (wait !== null) this.#limiter.pauseUntil(now + Math.min(wait, this.#retry.maxTotalWaitMs));
  }

  #emit(event: ClientEvent): void {
    this.#onEvent?.(event);
  }

  toJSON(): Record<string, unknown> {
    return { provider: this.provider, baseUrl: this.baseUrl, mode: this.mode, apiKey: this.hasApiKey ? '[redacted]' : null };
  }

  toString(): string {
    return `ProviderClient(${this.provider} ${this.baseUrl})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
