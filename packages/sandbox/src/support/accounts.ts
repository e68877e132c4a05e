import { AdminInputError } from '../http/admin-input';

/**
 * A provider account the sandbox simulates several of (a Vyora workspace, an Aila
 * organization): an id, a name and the one API key that reaches it.
 */
export interface Account {
  readonly id: string;
  readonly name: string;
  readonly apiKey: string;
}

/** Names a field as the caller knows it (`api_key` over HTTP, `vyoraWorkspaces.1.apiKey` in options). */
export type FieldNamer<F extends string> = (field: F) => string;

/** A non-empty string of at most `max` characters, or a 400 naming `field`. */
export function checkText(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || v.trim() === '') throw new AdminInputError(field, 'must be a non-empty string');
  if (v.length > max) throw new AdminInputError(field, `must be at most ${max} characters`);
  return v;
}

export interface AccountKind {
  /** How an answer names one, e.g. "Vyora workspace". */
  what: string;
  /** The field a full registry's refusal names, e.g. "workspaces". */
  plural: string;
  /** Where the admin API lists them, for 404s. */
  listRoute: string;
  /** How many one sandbox holds, the default included. */
  max: number;
}

/**
 * One provider's accounts, the default (the demo key's) first, then the ones added, in
 * order. Keys and ids are unique; a key of no account belongs to the default, as every
 * well-shaped key did before accounts existed.
 */
export class Accounts<T extends Account> {
  readonly #byId = new Map<string, T>();
  readonly #byKey = new Map<string, T>();
  readonly #default: T;

  constructor(
    private readonly kind: AccountKind,
    first: T,
  ) {
    this.#default = this.add(first);
  }

  get max(): number {
    return this.kind.max;
  }

  get default(): T {
    return this.#default;
  }

  get size(): number {
    return this.#byId.size;
  }

  list(): T[] {
    return [...this.#byId.values()];
  }

  /** The account `id`, or a 404 naming `field`. */
  find(id: string, field = 'id'): T {
    const account = this.#byId.get(id);
    if (!account) throw new AdminInputError(field, `no ${this.kind.what} ${id}; ${this.kind.listRoute} lists them`, 404);
    return account;
  }

  forKey(key: string): T {
    return this.#byKey.get(key) ?? this.default;
  }

  /** Refuses one more account than `max` (409). */
  checkRoom(): void {
    if (this.size >= this.max) throw new AdminInputError(this.kind.plural, `the sandbox holds at most ${this.max} ${this.kind.what}s`, 409);
  }

  /** Refuses a key another account has (409). */
  checkFreeKey(key: string, field: string): void {
    const owner = this.#byKey.get(key);
    if (owner) throw new AdminInputError(field, `is already the key of ${this.kind.what} ${owner.id}`, 409);
  }

  /** Refuses an id another account has (409). */
  checkFreeId(id: string, field: string): void {
    if (this.#byId.has(id)) throw new AdminInputError(field, `is already the id of a ${this.kind.what}`, 409);
  }

  /** `candidate`, or the first of `candidate_2`, `candidate_3`, … no account has as its key: a generated key never clashes with a given one. */
  protected freeKey(candidate: string): string {
    let key = candidate;
    for (let k = 2; this.#byKey.has(key); k++) key = `${candidate}_${k}`;
    return key;
  }

  /** The first of `<prefix><from>`, `<prefix><from + 1>`, … no account has as its id. */
  protected freeId(prefix: string, from: number): string {
    let n = from;
    while (this.#byId.has(`${prefix}${n}`)) n++;
    return `${prefix}${n}`;
  }

  protected add(account: T): T {
    this.#byId.set(account.id, account);
    this.#byKey.set(account.apiKey, account);
    return account;
  }
}
