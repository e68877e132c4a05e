import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { decodeCursor, encodeCursor } from './cursor';
import { DELIVERY_COLUMNS, EVENT_COLUMNS, jsonRecord, num, numOrNull, str, toAttempt, toDelivery, toEvent, toSubscription, type Row } from './rows';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema';
import type {
  AttemptRecord,
  ClaimedDelivery,
  ClaimRequest,
  DeliveryFilter,
  DeliveryListFilter,
  DeliveryOutcome,
  DeliveryRecord,
  DeliveryState,
  EventFilter,
  IngestResult,
  NewEvent,
  NewSubscription,
  Page,
  RelayStorage,
  ReplayResult,
  StorageStats,
  StoredEvent,
  Subscription,
} from './types';

const MAX_CLAIM_BYTES = 8 * 1024 * 1024;
/**
 * WAL pages between automatic checkpoints (SQLite's default is 1000). A checkpoint runs
 * inside the commit that crosses the mark and stalls every webhook waiting on it; a quarter
 * of the default copies a quarter as much at a time, which took the ingest benchmark's p99
 * from 8-11 ms to 5-6 ms for a few percent of throughput.
 */
const CHECKPOINT_PAGES = 256;

function deliveryWhere(filter: DeliveryFilter): { sql: string; params: SQLInputValue[] } {
  const clauses: string[] = [];
  const params: SQLInputValue[] = [];
  if (filter.state) {
    clauses.push('d.state = ?');
    params.push(filter.state);
  }
  if (filter.subscriptionId) {
    clauses.push('d.subscription_id = ?');
    params.push(filter.subscriptionId);
  }
  if (filter.provider) {
    clauses.push('e.provider = ?');
    params.push(filter.provider);
  }
  if (filter.type) {
    clauses.push('e.type = ?');
    params.push(filter.type);
  }
  if (filter.eventId) {
    clauses.push('e.id = ?');
    params.push(filter.eventId);
  }
  if (filter.deliveryId !== undefined) {
    clauses.push('d.id = ?');
    params.push(filter.deliveryId);
  }
  return { sql: clauses.length ? clauses.join(' AND ') : '1 = 1', params };
}

export interface SqliteStorageOptions {
  /** A file path, or `:memory:` (nothing survives a restart: for unit tests only). */
  path: string;
}

/**
 * The embedded backend: one SQLite file in WAL mode with `synchronous = FULL`, so a commit
 * has reached the disk before `ingest` resolves (`ingestDeferred` leaves that last fsync to
 * its caller, the worker thread). node:sqlite is synchronous, and a commit here costs well
 * under a millisecond, so each batch runs inside one call; the callers' batching (group
 * commit) is what keeps the number of fsyncs low.
 *
 * One relay process owns the file: leases left in it at open belong to a process that
 * died, and are released so that its deliveries go out again at once.
 */
export class SqliteStorage implements RelayStorage {
  readonly kind = 'sqlite';
  readonly #db: DatabaseSync;
  readonly #listeners = new Set<() => void>();
  readonly #stmts = new Map<string, StatementSync>();
  #closed = false;
  #sync: 'full' | 'normal' = 'full';
  #claimRotation = 0;
  readonly #path: string;

  constructor(options: SqliteStorageOptions) {
    this.#path = options.path;
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.#db = new DatabaseSync(options.path);
    this.#db.exec('PRAGMA journal_mode = WAL');
    this.#db.exec('PRAGMA synchronous = FULL');
    this.#db.exec(`PRAGMA wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
    this.#db.exec('PRAGMA busy_timeout = 5000');
    this.#db.exec('PRAGMA foreign_keys = ON');
    this.#db.exec(SCHEMA_SQL);
    this.#stmt("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING").run(
      String(SCHEMA_VERSION),
    );
    this.#stmt("UPDATE deliveries SET lease_owner = NULL, lease_until = 0 WHERE state = 'pending' AND lease_until > 0").run();
  }

  #stmt(sql: string): StatementSync {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  /**
   * One transaction. `full` (events, subscriptions, replays, settings: what a caller is told
   * is done) fsyncs the WAL before returning. `normal` is for delivery bookkeeping (leases,
   * attempt results): it survives a process crash, and what a power cut could take back is
   * only a delivery being sent again, which at-least-once allows. Either way the next `full`
   * commit syncs the whole WAL, and checkpoints stay synced, so the file never corrupts.
   */
  #tx<T>(fn: () => T, sync: 'full' | 'normal' = 'full'): T {
    if (this.#closed) throw new Error('storage is closed');
    if (sync !== this.#sync) {
      this.#db.exec(sync === 'full' ? 'PRAGMA synchronous = FULL' : 'PRAGMA synchronous = NORMAL');
      this.#sync = sync;
    }
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.#db.exec('COMMIT');
      return out;
    } catch (e) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw e;
    }
  }

  #wake(): void {
    for (const l of this.#listeners) l();
  }

  async ingest(events: readonly NewEvent[]): Promise<IngestResult[]> {
    const results = this.#ingest(events, 'full');
    if (results.some((r) => r.deliveries > 0)) this.#wake();
    return results;
  }

  /**
   * The events committed with synchronous = NORMAL: they survive a crash of this process
   * but not yet a power cut. The caller makes them durable (an fdatasync of `walPath`)
   * before it acknowledges them, and wakes the delivery worker then: the worker thread
   * does that off this thread, so the next batch is written while this one syncs.
   */
  ingestDeferred(events: readonly NewEvent[]): IngestResult[] {
    return this.#ingest(events, 'normal');
  }

  /** The WAL file that `ingestDeferred` leaves to the caller to sync; null in memory. */
  get walPath(): string | null {
    return this.#path === ':memory:' ? null : `${this.#path}-wal`;
  }

  #ingest(events: readonly NewEvent[], sync: 'full' | 'normal'): IngestResult[] {
    const insert = this.#stmt(
      `INSERT INTO events (id, provider, type, event, created_at, received_at, dedupe_key, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    // One statement fans the whole batch out: new events have the highest seqs, because
    // this connection is the only writer.
    const fanOut = this.#stmt(
      `INSERT INTO deliveries (event_seq, subscription_id, state, next_attempt_at, created_at, updated_at)
       SELECT e.seq, s.id, 'pending', e.received_at, e.received_at, e.received_at
       FROM events e JOIN subscriptions s ON s.status = 'active'
       WHERE e.seq >= ? AND EXISTS (SELECT 1 FROM json_each(s.events) j WHERE j.value IN ('*', e.type, e.provider || '.*'))`,
    );
    const perEvent = this.#stmt('SELECT event_seq, COUNT(*) AS n FROM deliveries WHERE event_seq >= ? GROUP BY event_seq');
    return this.#tx(() => {
      const seqs: Array<number | null> = [];
      let first: number | null = null;
      for (const e of events) {
        const r = insert.run(e.id, e.provider, e.type, e.event, e.createdAt, e.receivedAt, e.dedupeKey, e.data);
        const seq = Number(r.changes) === 0 ? null : Number(r.lastInsertRowid);
        if (seq !== null && first === null) first = seq;
        seqs.push(seq);
      }
      const counts = new Map<number, number>();
      if (first !== null) {
        const created = Number(fanOut.run(first).changes);
        if (created > 0) for (const row of perEvent.all(first) as Row[]) counts.set(num(row, 'event_seq'), num(row, 'n'));
      }
      return events.map((e, i): IngestResult => {
        const seq = seqs[i] ?? null;
        return seq === null ? { id: e.id, duplicate: true, deliveries: 0 } : { id: e.id, duplicate: false, deliveries: counts.get(seq) ?? 0 };
      });
    }, sync);
  }

  async createSubscription(sub: NewSubscription): Promise<Subscription> {
    this.#tx(() =>
      this.#stmt(
        `INSERT INTO subscriptions (id, target_url, events, headers, secret, created_at, status)
         VALUES (?, ?, ?, ?, ?, ?, 'active')`,
      ).run(sub.id, sub.targetUrl, JSON.stringify(sub.events), JSON.stringify(sub.headers), sub.secret, sub.createdAt),
    );
    return { ...sub, events: [...sub.events], headers: { ...sub.headers }, status: 'active', disabledReason: null };
  }

  async getSubscription(id: string): Promise<Subscription | null> {
    const row = this.#stmt('SELECT * FROM subscriptions WHERE id = ?').get(id) as Row | undefined;
    return row ? toSubscription(row) : null;
  }

  async listSubscriptions(limit: number, cursor?: string): Promise<Page<Subscription>> {
    const after = cursor ? decodeCursor(cursor) : 0;
    const rows = this.#stmt('SELECT * FROM subscriptions WHERE seq > ? ORDER BY seq LIMIT ?').all(after, limit + 1) as Row[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toSubscription),
      nextCursor: rows.length > limit && last ? encodeCursor(num(last, 'seq')) : null,
    };
  }

  async deleteSubscription(id: string): Promise<boolean> {
    const now = Date.now();
    return this.#tx(() => {
      const r = this.#stmt('DELETE FROM subscriptions WHERE id = ?').run(id);
      if (Number(r.changes) === 0) return false;
      this.#stmt(
        `UPDATE deliveries SET state = 'cancelled', next_attempt_at = NULL, lease_owner = NULL, lease_until = 0,
           last_error = 'subscription deleted', updated_at = ?
         WHERE subscription_id = ? AND state = 'pending'`,
      ).run(now, id);
      return true;
    });
  }

  async getEvent(id: string): Promise<StoredEvent | null> {
    const row = this.#stmt(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.id = ?`).get(id) as Row | undefined;
    return row ? toEvent(row) : null;
  }

  async listEvents(filter: EventFilter): Promise<Page<StoredEvent>> {
    const clauses: string[] = [];
    const params: SQLInputValue[] = [];
    if (filter.cursor) {
      clauses.push('e.seq < ?');
      params.push(decodeCursor(filter.cursor));
    }
    if (filter.provider) {
      clauses.push('e.provider = ?');
      params.push(filter.provider);
    }
    if (filter.type) {
      clauses.push('e.type = ?');
      params.push(filter.type);
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const rows = this.#stmt(`SELECT ${EVENT_COLUMNS} FROM events e ${where} ORDER BY e.seq DESC LIMIT ?`).all(
      ...params,
      filter.limit + 1,
    ) as Row[];
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toEvent),
      nextCursor: rows.length > filter.limit && last ? encodeCursor(num(last, 'seq')) : null,
    };
  }

  async listDeliveries(filter: DeliveryListFilter): Promise<Page<DeliveryRecord>> {
    const where = deliveryWhere(filter);
    let sql = where.sql;
    const params = [...where.params];
    if (filter.cursor) {
      sql += ' AND d.id < ?';
      params.push(decodeCursor(filter.cursor));
    }
    const rows = this.#stmt(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN events e ON e.seq = d.event_seq
       WHERE ${sql} ORDER BY d.id DESC LIMIT ?`,
    ).all(...params, filter.limit + 1) as Row[];
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDelivery),
      nextCursor: rows.length > filter.limit && last ? encodeCursor(num(last, 'id')) : null,
    };
  }

  async listAttempts(eventId: string): Promise<AttemptRecord[]> {
    const rows = this.#stmt(
      `SELECT a.* FROM attempts a JOIN events e ON e.seq = a.event_seq WHERE e.id = ? ORDER BY a.id`,
    ).all(eventId) as Row[];
    return rows.map(toAttempt);
  }

  async claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    if (request.limit <= 0) return [];
    // Per subscription, through the (subscription_id, next_attempt_at) index: the cost of a
    // claim grows with the number of subscriptions, never with one receiver's backlog.
    const subscriptions = this.#stmt("SELECT id, target_url, headers, secret FROM subscriptions WHERE status = 'active' ORDER BY seq");
    const due = this.#stmt(
      `SELECT id, attempts, schedule_offset, event_seq FROM deliveries INDEXED BY deliveries_due_by_subscription
       WHERE subscription_id = ? AND state = 'pending' AND next_attempt_at <= ? AND lease_until <= ?
       ORDER BY next_attempt_at LIMIT ?`,
    );
    const eventRow = this.#stmt('SELECT id, type, provider, created_at, received_at, data FROM events WHERE seq = ?');
    const lease = this.#stmt('UPDATE deliveries SET lease_owner = ?, lease_until = ? WHERE id = ?');
    return this.#tx(() => {
      const subs = subscriptions.all() as Row[];
      const out: ClaimedDelivery[] = [];
      if (subs.length === 0) return out;
      // Start from a different subscription each claim so that, when the limit runs out
      // before the list does, no subscription is always last.
      const start = this.#claimRotation++ % subs.length;
      const until = request.now + request.leaseMs;
      // Large payloads: stop once a claim carries this much, so one claim stays small in memory.
      let bytes = 0;
      for (let k = 0; k < subs.length && out.length < request.limit && bytes < MAX_CLAIM_BYTES; k++) {
        const sub = subs[(start + k) % subs.length] as Row;
        const subId = str(sub, 'id');
        const room = Math.min(request.perSubscriptionLimit - (request.inFlight.get(subId) ?? 0), request.limit - out.length);
        if (room <= 0) continue;
        const rows = due.all(subId, request.now, request.now, room) as Row[];
        if (rows.length === 0) continue;
        const subscription = {
          id: subId,
          targetUrl: str(sub, 'target_url'),
          headers: jsonRecord(str(sub, 'headers')),
          secret: str(sub, 'secret'),
        };
        for (const row of rows) {
          if (bytes >= MAX_CLAIM_BYTES) break;
          const e = eventRow.get(num(row, 'event_seq')) as Row;
          bytes += str(e, 'data').length;
          const attempts = num(row, 'attempts');
          const id = num(row, 'id');
          lease.run(request.owner, until, id);
          out.push({
            id,
            attempts,
            scheduleAttempts: attempts - num(row, 'schedule_offset'),
            event: {
              id: str(e, 'id'),
              type: str(e, 'type'),
              provider: str(e, 'provider'),
              createdAt: str(e, 'created_at'),
              receivedAt: num(e, 'received_at'),
              data: str(e, 'data'),
            },
            subscription,
          });
        }
      }
      return out;
    }, 'normal');
  }

  async complete(outcomes: readonly DeliveryOutcome[], now: number): Promise<void> {
    if (outcomes.length === 0) return;
    const attempt = this.#stmt(
      `INSERT INTO attempts (delivery_id, event_seq, subscription_id, attempt, started_at, duration_ms, status, error, outcome, response_body)
       SELECT ?, d.event_seq, ?, ?, ?, ?, ?, ?, ?, ? FROM deliveries d WHERE d.id = ?`,
    );
    const update = this.#stmt(
      `UPDATE deliveries SET state = ?, attempts = attempts + 1, next_attempt_at = ?, lease_owner = NULL, lease_until = 0,
         last_status = ?, last_error = ?, updated_at = ?
       WHERE id = ? AND state = 'pending' AND lease_owner = ?`,
    );
    const disable = this.#stmt(
      `UPDATE subscriptions SET status = 'disabled', disabled_reason = ? WHERE id = ? AND status = 'active'`,
    );
    const killPending = this.#stmt(
      `UPDATE deliveries SET state = 'dead', next_attempt_at = NULL, lease_owner = NULL, lease_until = 0,
         last_error = ?, updated_at = ?
       WHERE subscription_id = ? AND state = 'pending'`,
    );
    this.#tx(() => {
      for (const o of outcomes) {
        const a = o.attempt;
        attempt.run(o.deliveryId, o.subscriptionId, a.attempt, a.startedAt, a.durationMs, a.status, a.error, o.kind, a.responseBody, o.deliveryId);
        const state: DeliveryState = o.kind === 'success' ? 'succeeded' : o.kind === 'retry' ? 'pending' : 'dead';
        const next = o.kind === 'retry' ? (o.nextAttemptAt ?? now) : null;
        update.run(state, next, a.status, a.error, now, o.deliveryId, o.owner);
        if (o.kind === 'gone') {
          const reason = 'the receiver answered 410 Gone';
          disable.run(reason, o.subscriptionId);
          killPending.run(`subscription disabled: ${reason}`, now, o.subscriptionId);
        }
      }
    }, 'normal');
  }

  async releaseLeases(owner: string): Promise<void> {
    if (this.#closed) return;
    this.#tx(
      () => this.#stmt("UPDATE deliveries SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = ? AND state = 'pending'").run(owner),
      'normal',
    );
  }

  async nextDueAt(): Promise<number | null> {
    const free = this.#stmt(
      "SELECT MIN(next_attempt_at) AS t FROM deliveries WHERE state = 'pending' AND lease_until = 0",
    ).get() as Row;
    const leased = this.#stmt(
      "SELECT MIN(lease_until) AS t FROM deliveries WHERE state = 'pending' AND lease_until > 0",
    ).get() as Row;
    const times = [numOrNull(free, 't'), numOrNull(leased, 't')].filter((t): t is number => t !== null);
    return times.length ? Math.min(...times) : null;
  }

  async replayDeliveries(filter: DeliveryFilter, now: number): Promise<ReplayResult> {
    const where = deliveryWhere(filter);
    const result = this.#tx(() => {
      const skipped = this.#stmt(
        `SELECT COUNT(*) AS n FROM deliveries d JOIN events e ON e.seq = d.event_seq
         WHERE ${where.sql} AND d.state != 'cancelled'
           AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = d.subscription_id AND s.status = 'active')`,
      ).get(...where.params) as Row;
      // The schedule restarts: a replayed delivery gets every retry again.
      const r = this.#stmt(
        `UPDATE deliveries SET state = 'pending', schedule_offset = attempts, next_attempt_at = ?, lease_owner = NULL,
           lease_until = 0, last_error = NULL, updated_at = ?
         WHERE id IN (
           SELECT d.id FROM deliveries d JOIN events e ON e.seq = d.event_seq
           JOIN subscriptions s ON s.id = d.subscription_id AND s.status = 'active'
           WHERE ${where.sql} AND d.state != 'cancelled'
             AND NOT (d.state = 'pending' AND d.lease_until > ?))`,
      ).run(now, now, ...where.params, now);
      return { replayed: Number(r.changes), skipped: num(skipped, 'n') };
    });
    if (result.replayed > 0) this.#wake();
    return result;
  }

  async addDelivery(eventId: string, subscriptionId: string, now: number): Promise<boolean> {
    const added = this.#tx(() => {
      const r = this.#stmt(
        `INSERT INTO deliveries (event_seq, subscription_id, state, next_attempt_at, created_at, updated_at)
         SELECT e.seq, s.id, 'pending', ?, ?, ? FROM events e, subscriptions s
         WHERE e.id = ? AND s.id = ? AND s.status = 'active'
         ON CONFLICT (event_seq, subscription_id) DO NOTHING`,
      ).run(now, now, now, eventId, subscriptionId);
      return Number(r.changes) > 0;
    });
    if (added) this.#wake();
    return added;
  }

  async stats(): Promise<StorageStats> {
    const count = (sql: string): number => num(this.#stmt(sql).get() as Row, 'n');
    return {
      pending: count("SELECT COUNT(*) AS n FROM deliveries WHERE state = 'pending'"),
      dead: count("SELECT COUNT(*) AS n FROM deliveries WHERE state = 'dead'"),
    };
  }

  async health(): Promise<void> {
    if (this.#closed) throw new Error('storage is closed');
    // A write, not only a read: a full disk or a read-only file must show as unhealthy.
    this.#tx(
      () =>
        this.#stmt("INSERT INTO meta (key, value) VALUES ('health_check', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
          String(Date.now()),
        ),
      'normal',
    );
  }

  async getSetting(key: string): Promise<string | null> {
    const row = this.#stmt('SELECT value FROM meta WHERE key = ?').get(`setting:${key}`) as Row | undefined;
    return row ? str(row, 'value') : null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.#tx(() =>
      this.#stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
        `setting:${key}`,
        value,
      ),
    );
  }

  onWake(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#stmts.clear();
    this.#db.close();
  }
}
