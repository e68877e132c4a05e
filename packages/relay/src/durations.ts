/** Human durations in configuration: `200ms`, `0.2s`, `5m`, `2h`, `1d`; a bare number is seconds. */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i.exec(raw.trim());
  if (!m) throw new Error(`must be a duration such as 500ms, 0.2s, 5m, 2h or 1d (a bare number is seconds), got "${raw}"`);
  const unit = (m[2] ?? 's').toLowerCase();
  return Math.round(Number(m[1]) * (UNITS[unit] as number));
}

/** `0.2s,0.5s`: the waits between attempts, after a first attempt at once. */
export function parseRetrySchedule(raw: string): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw new Error(`must be a comma-separated list of durations such as 0.2s,0.5s,5m, got "${raw}"`);
  }
  if (parts.length > 50) throw new Error(`must have at most 50 entries, got ${parts.length}`);
  return parts.map((p, i) => {
    try {
      return parseDuration(p);
    } catch (e) {
      throw new Error(`entry ${i + 1} ${(e as Error).message}`);
    }
  });
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
