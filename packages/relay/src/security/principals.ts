import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '@callbridge/core';
import { ConfigCache, readAll } from '../storage/config-cache';
import type { RelayStorage, TokenRecord } from '../storage/types';
import { hashToken } from './auth';

/**
 * Who a `/v1` request is: the admin (RELAY_API_TOKEN, or the generated token), or a scoped
 * token limited to some sources. Scoped tokens are kept in memory by their SHA-256, loaded
 * from storage at start and again whenever any replica changes them, so authenticating costs
 * a hash and a map lookup, never a database read; revoking one takes effect at once here
 * and within a NOTIFY's delay on other replicas. The lookup is by a hash of a 256-bit random
 * token, so its timing tells an attacker nothing usable; the admin token is compared in
 * constant time as before.
 */
export type Principal = { kind: 'admin' } | { kind: 'scoped'; id: string; name: string; sources: readonly string[] };

/** How often last-use times are written back (they are informational). */
const TOUCH_EVERY_MS = 60_000;

export class TokenRegistry {
  readonly #storage: RelayStorage;
  readonly #adminHash: Buffer;
  readonly #clock: Clock;
  #byHash = new Map<string, TokenRecord>();
  readonly #touched = new Set<string>();
  readonly #cache: ConfigCache;
  #timer: NodeJS.Timeout | undefined;

  constructor(storage: RelayStorage, adminHash: Buffer, clock: Clock) {
    this.#storage = storage;
    this.#adminHash = adminHash;
    this.#clock = clock;
    this.#cache = new ConfigCache(storage, 'tokens', async () => {
      const tokens = await readAll((limit, cursor) => storage.listTokens(limit, cursor));
      this.#byHash = new Map(tokens.map((t) => [t.tokenHash, t]));
    });
  }

  /** Loads the tokens and follows changes until `close`. */
  async start(): Promise<void> {
    await this.#cache.start();
    this.#timer = setInterval(() => void this.flushTouches().catch(() => undefined), TOUCH_EVERY_MS);
    this.#timer.unref();
  }

  /** Reads every token again (after a change this replica made, before answering). */
  reload(): Promise<void> {
    return this.#cache.reload();
  }

  authenticate(token: string): Principal | null {
    const hash = hashToken(token);
    if (hash.length === this.#adminHash.length && timingSafeEqual(hash, this.#adminHash)) return { kind: 'admin' };
    const record = this.#byHash.get(hash.toString('hex'));
    if (!record) return null;
    this.#touched.add(record.id);
    return { kind: 'scoped', id: record.id, name: record.name, sources: record.sources };
  }

  /** Writes the tokens used since the last flush as used now (to the minute, which is all it promises). */
  async flushTouches(): Promise<void> {
    if (this.#touched.size === 0) return;
    const ids = [...this.#touched];
    this.#touched.clear();
    await this.#storage.touchTokens(ids, this.#clock.now());
  }

  async close(): Promise<void> {
    this.#cache.close();
    if (this.#timer) clearInterval(this.#timer);
    await this.flushTouches().catch(() => undefined);
  }
}

/** The sources a principal may see, or null for all (the admin). */
export function scopeOf(p: Principal): readonly string[] | null {
  return p.kind === 'admin' ? null : p.sources;
}
