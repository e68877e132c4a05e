/**
 * Per-minute counts of what this replica did, per source, for the console's charts
 * (`GET /v1/stats`): events received, deliveries that succeeded, attempts that failed, and
 * deliveries that went dead. Kept in memory for the last `keepMinutes` minutes, so a chart
 * costs no query over the events table however large it is; they start empty at each
 * start and count this replica only (the docs say so).
 */
export type MinuteKind = 'received' | 'delivered' | 'failed' | 'dead';

export interface MinuteCounts {
  /** The minute's start, ISO. */
  t: string;
  received: number;
  delivered: number;
  failed: number;
  dead: number;
}

const KINDS: readonly MinuteKind[] = ['received', 'delivered', 'failed', 'dead'];

export class MinuteStats {
  readonly #keep: number;
  /** minute number → source → counts by kind */
  readonly #minutes = new Map<number, Map<string, Record<MinuteKind, number>>>();

  constructor(keepMinutes = 24 * 60) {
    this.#keep = keepMinutes;
  }

  add(kind: MinuteKind, source: string, now: number, by = 1): void {
    const minute = Math.floor(now / 60_000);
    let bySource = this.#minutes.get(minute);
    if (!bySource) {
      bySource = new Map();
      this.#minutes.set(minute, bySource);
      for (const m of this.#minutes.keys()) if (m <= minute - this.#keep) this.#minutes.delete(m);
    }
    let counts = bySource.get(source);
    if (!counts) {
      counts = { received: 0, delivered: 0, failed: 0, dead: 0 };
      bySource.set(source, counts);
    }
    counts[kind] += by;
  }

  /** The last `minutes` minutes up to `now`, oldest first, every minute present; only `scope`'s sources when given. */
  series(now: number, minutes: number, scope: readonly string[] | null): MinuteCounts[] {
    const last = Math.floor(now / 60_000);
    const out: MinuteCounts[] = [];
    for (let m = last - Math.min(minutes, this.#keep) + 1; m <= last; m++) {
      const row: MinuteCounts = { t: new Date(m * 60_000).toISOString(), received: 0, delivered: 0, failed: 0, dead: 0 };
      for (const [source, counts] of this.#minutes.get(m) ?? []) {
        if (scope && !scope.includes(source)) continue;
        for (const k of KINDS) row[k] += counts[k];
      }
      out.push(row);
    }
    return out;
  }
}
