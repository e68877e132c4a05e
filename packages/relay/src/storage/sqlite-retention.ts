import { num, type Row } from './rows';
import type { SqliteDb } from './sqlite-admin';
import type { PruneRequest, PruneResult } from './types';

/**
 * One batch of retention on SQLite: the next `limit` events by seq (the order they were
 * received in), of which those received before the cutoff and with no pending delivery go,
 * with their deliveries and attempts, in one short transaction, so ingest waits at most
 * one small batch. This process is the only writer, so nothing can add a delivery between
 * the check and the delete.
 */
export function pruneSqlite(db: SqliteDb, request: PruneRequest): PruneResult {
  return db.tx(() => {
    const rows = db.stmt('SELECT seq, received_at FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(request.afterSeq, request.limit) as Row[];
    const last = rows[rows.length - 1];
    if (!last) return { lastSeq: null, reachedCutoff: true, events: 0, deliveries: 0, attempts: 0 };
    const old = rows.filter((r) => num(r, 'received_at') < request.before).map((r) => num(r, 'seq'));
    const reachedCutoff = old.length < rows.length;
    if (old.length === 0) return { lastSeq: num(last, 'seq'), reachedCutoff, events: 0, deliveries: 0, attempts: 0 };
    const list = JSON.stringify(old);
    const busy = new Set(
      (db.stmt("SELECT DISTINCT event_seq FROM deliveries WHERE event_seq IN (SELECT value FROM json_each(?)) AND state = 'pending'").all(list) as Row[]).map(
        (r) => num(r, 'event_seq'),
      ),
    );
    const victims = JSON.stringify(old.filter((seq) => !busy.has(seq)));
    const attempts = Number(db.stmt('DELETE FROM attempts WHERE event_seq IN (SELECT value FROM json_each(?))').run(victims).changes);
    const deliveries = Number(db.stmt('DELETE FROM deliveries WHERE event_seq IN (SELECT value FROM json_each(?))').run(victims).changes);
    const events = Number(db.stmt('DELETE FROM events WHERE seq IN (SELECT value FROM json_each(?))').run(victims).changes);
    return { lastSeq: num(last, 'seq'), reachedCutoff, events, deliveries, attempts };
  }, 'normal');
}
