/**
 * How a PostgreSQL replica tells the others which events it has just committed, so that
 * every replica's live streams carry every event: the ingest statement NOTIFYs
 * `<schema>_events` with `<replica id> <seq runs>`, and each other replica reads those rows.
 * The seqs travel as runs (`12-40,43`): a batch's seqs are consecutive unless another
 * replica's batch took some in between. A NOTIFY payload must stay under 8000 bytes; this
 * many runs of two 19-digit numbers stay well under it, and more go in further notices.
 */
export const SEQ_RUNS_PER_NOTICE = 150;
/** Most seqs one announcement may name: a batch is at most 1000 events; anything far past that is not ours. */
const MAX_ANNOUNCED = 10_000;

/** `12-40,43` → [12, …, 40, 43]; null when the text is not a list of runs (not an announcement of ours). */
export function parseSeqRuns(text: string): number[] | null {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d{1,18})(?:-(\d{1,18}))?$/.exec(part);
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || out.length + hi - lo + 1 > MAX_ANNOUNCED) return null;
    for (let seq = lo; seq <= hi; seq++) out.push(seq);
  }
  return out;
}

/** `<replica id> <seq runs>` → who committed and which seqs; null for anything else. */
export function parseAnnouncement(payload: string): { from: string; seqs: number[] } | null {
  const space = payload.indexOf(' ');
  if (space <= 0) return null;
  const seqs = parseSeqRuns(payload.slice(space + 1));
  return seqs && seqs.length > 0 ? { from: payload.slice(0, space), seqs } : null;
}
