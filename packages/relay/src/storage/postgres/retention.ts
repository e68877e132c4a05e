import { num, type Row } from '../rows';
import type { PruneRequest, PruneResult } from '../types';

type Query = (sql: string, params?: unknown[]) => Promise<Row[]>;

/**
 * One batch of retention on PostgreSQL, in one transaction, safe beside other replicas
 * replaying, adding deliveries and ingesting under READ COMMITTED:
 * 1. the old events with no pending delivery are locked (FOR UPDATE SKIP LOCKED): a
 *    concurrent `addDelivery` must take a key-share lock on its event for the foreign key,
 *    so it waits, then finds the event gone and adds nothing (it reports the event missing);
 * 2. only their non-pending deliveries are deleted: a replay that committed meanwhile made
 *    its delivery pending again, and a DELETE re-checks a row changed under it, so it stays;
 * 3. only events left with no delivery at all are deleted (checked in a statement that sees
 *    every commit before it), with their attempts; an event kept by a replay is pruned by a
 *    later run once that delivery is done. The foreign key from deliveries to events is the
 *    last line: nothing can leave a delivery without its event.
 */
export async function prunePostgres(q: Query, request: PruneRequest): Promise<PruneResult> {
  const rows = await q('SELECT seq, received_at FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [request.afterSeq, request.limit]);
  const last = rows[rows.length - 1];
  if (!last) return { lastSeq: null, reachedCutoff: true, events: 0, deliveries: 0, attempts: 0 };
  const old = rows.filter((r) => num(r, 'received_at') < request.before).map((r) => num(r, 'seq'));
  const reachedCutoff = old.length < rows.length;
  const lastSeq = num(last, 'seq');
  if (old.length === 0) return { lastSeq, reachedCutoff, events: 0, deliveries: 0, attempts: 0 };
  const locked = await q(
    `SELECT seq FROM events e WHERE e.seq = ANY($1::bigint[])
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = e.seq AND d.state = 'pending')
     FOR UPDATE SKIP LOCKED`,
    [old],
  );
  const victims = locked.map((r) => num(r, 'seq'));
  if (victims.length === 0) return { lastSeq, reachedCutoff, events: 0, deliveries: 0, attempts: 0 };
  const deliveries = await q("DELETE FROM deliveries WHERE event_seq = ANY($1::bigint[]) AND state <> 'pending' RETURNING id", [victims]);
  const events = await q(
    `DELETE FROM events e WHERE e.seq = ANY($1::bigint[])
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = e.seq)
     RETURNING seq`,
    [victims],
  );
  const gone = events.map((r) => num(r, 'seq'));
  const attempts = gone.length > 0 ? await q('DELETE FROM attempts WHERE event_seq = ANY($1::bigint[]) RETURNING id', [gone]) : [];
  return { lastSeq, reachedCutoff, events: gone.length, deliveries: deliveries.length, attempts: attempts.length };
}
