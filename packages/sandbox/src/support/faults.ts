import { PROVIDER_IDS, type ProviderId } from '@callbridge/core';

/**
 * What the next requests to an operation do instead of (or before) their normal answer.
 * `status` answers with that status and the provider's error body for it (or `body`);
 * `delayMs` waits first (alone: a slow but normal answer); `hang` never answers, so the
 * caller's timeout fires.
 */
export interface Fault {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many requests it applies to; default 1. */
  times?: number;
  delayMs?: number;
  hang?: boolean;
}

export interface InjectedFault extends Fault {
  id: string;
  provider: ProviderId;
  /** A core operation name, e.g. `calls.get`, or `*` for every operation of the provider. */
  operation: string;
  remaining: number;
}

export interface FaultHandle {
  readonly id: string;
  /** Requests it still applies to. */
  readonly remaining: number;
  clear(): void;
}

/** Thrown for a fault that cannot apply; `field` names the offending option. */
export class FaultSpecError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'FaultSpecError';
    this.field = field;
  }
}

function check(fault: Fault): void {
  const { status, times, delayMs, hang } = fault;
  if (status !== undefined && !(Number.isInteger(status) && status >= 200 && status <= 599)) {
    throw new FaultSpecError('status', 'must be a whole number from 200 to 599');
  }
  if (times !== undefined && !(Number.isInteger(times) && times >= 1)) throw new FaultSpecError('times', 'must be a whole number of at least 1');
  if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0 && delayMs <= 600_000)) {
    throw new FaultSpecError('delayMs', 'must be a number of milliseconds from 0 to 600000');
  }
  if (hang !== undefined && typeof hang !== 'boolean') throw new FaultSpecError('hang', 'must be true or false');
  if (status === undefined && delayMs === undefined && hang !== true) {
    throw new FaultSpecError('fault', 'give at least one of status, delayMs or hang');
  }
  if (hang === true && status !== undefined) throw new FaultSpecError('hang', 'cannot be combined with status: a hung request never answers');
}

/** Faults waiting for their requests, consumed first-injected first. */
export class Faults {
  #items: InjectedFault[] = [];
  #counter = 0;

  constructor(private readonly operationsOf: (provider: ProviderId) => readonly string[]) {}

  inject(provider: ProviderId, operation: string, fault: Fault): FaultHandle {
    if (!(PROVIDER_IDS as readonly string[]).includes(provider)) {
      throw new FaultSpecError('provider', `must be one of: ${PROVIDER_IDS.join(', ')}`);
    }
    const known = this.operationsOf(provider);
    if (operation !== '*' && !known.includes(operation)) {
      throw new FaultSpecError('operation', `must be "*" or one of ${provider}'s operations: ${known.join(', ')}`);
    }
    check(fault);
    const item: InjectedFault = { ...fault, id: `fault_${++this.#counter}`, provider, operation, remaining: fault.times ?? 1 };
    this.#items.push(item);
    return {
      id: item.id,
      get remaining() {
        return item.remaining;
      },
      clear: () => {
        this.#items = this.#items.filter((f) => f !== item);
      },
    };
  }

  /** The fault for this request, if any, counting it as used. */
  take(provider: ProviderId, operation: string): InjectedFault | undefined {
    const item = this.#items.find((f) => f.provider === provider && (f.operation === operation || f.operation === '*'));
    if (!item) return undefined;
    item.remaining--;
    if (item.remaining <= 0) this.#items = this.#items.filter((f) => f !== item);
    return item;
  }

  list(): InjectedFault[] {
    return this.#items.map((f) => ({ ...f }));
  }

  clear(): void {
    this.#items = [];
  }
}
