/**
 * Seeded randomness. Everything the sandbox invents (seed data, ids, request ids) comes
 * from here, so one seed and one sequence of requests always give the same world.
 */

/** FNV-1a: a small, stable string hash for deriving seeds and picking deterministic outcomes. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
/** Crockford base32, as ULIDs and the documents' request ids (req_01HVKQZT9XN4P2F8) use. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** mulberry32: fast, tiny, and good enough for plausible fake data. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A separate stream for one purpose, so adding draws to one never shifts another. */
  static for(seed: number, purpose: string): Rng {
    return new Rng(hashString(`${seed}:${purpose}`));
  }

  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: `[['completed', 8], ['missed', 1]]`. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return (entries[entries.length - 1] as readonly [T, number])[0];
  }

  chars(n: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  alnum(n: number): string {
    return this.chars(n, LOWER_ALNUM);
  }

  hex(n: number): string {
    return this.chars(n, HEX);
  }

  /** A UUID v4 shape (version and variant nibbles set), from this stream. */
  uuid(): string {
    const h = this.hex(32);
    const variant = HEX[8 + Math.floor(this.next() * 4)] as string;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** `req_` and 16 Crockford characters, the documents' request id shape. */
  requestId(): string {
    return `req_${this.chars(16, CROCKFORD)}`;
  }
}

/** Rounds to `places` decimals, so scores print as the documents show them (0.12, not 0.12000000000000001). */
export function round(value: number, places = 2): number {
  const f = 10 ** places;
  return Math.round(value * f) / f;
}

/** `prefix` and `n` random characters, drawn again until not in `taken`; the result is added to it. */
export function uniqueId(rng: Rng, prefix: string, n: number, taken: Set<string>): string {
  let id = `${prefix}${rng.alnum(n)}`;
  while (taken.has(id)) id = `${prefix}${rng.alnum(n)}`;
  taken.add(id);
  return id;
}
