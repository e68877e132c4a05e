/** A stored answer to a creating request, replayed when the same Idempotency-Key comes again. */
export interface StoredReply {
  status: number;
  body: unknown;
}

const MAX_ENTRIES = 10_000;

/**
 * Replays the first answer to a repeated Idempotency-Key, as Ayra documents ("prevents
 * duplicate records from network retries"), so a retried create never makes two records.
 * Scoped by provider, API key and operation, as a provider scopes keys to an account.
 */
export class IdempotencyStore {
  readonly #entries = new Map<string, StoredReply>();

  get(scope: string, key: string): StoredReply | undefined {
    return this.#entries.get(`${scope}\u0000${key}`);
  }

  put(scope: string, key: string, reply: StoredReply): void {
    if (this.#entries.size >= MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(`${scope}\u0000${key}`, reply);
  }

  clear(): void {
    this.#entries.clear();
  }
}
