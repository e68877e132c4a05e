import { closeSync, constants as fsc, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { decodeCursor, encodeCursor } from './cursor';
import { FilterRouter } from './filter-router';
import { cancelledBecause, failingReason, GONE_REASON, healthOf } from './outcome-health';
import {
  DELIVERY_COLUMNS,
  EVENT_COLUMNS,
  jsonRecord,
  num,
  numOrNull,
  signingSecrets,
  str,
  strings,
  stringsOrNull,
  toAttempt,
  toDelivery,
  toEvent,
  toSubscription,
  type Row,
} from './rows';
import { SqliteAdmin, type SqliteDb } from './sqlite-admin';
import { isBusy, lockExclusively } from './sqlite-lock';
import { migrateSqlite } from './sqlite-migrate';
import { pruneSqlite } from './sqlite-retention';
import {
  DEFAULT_SOURCE,
  TEST_SOURCE,
  type AttemptRecord,
  type ClaimedDelivery,
  type ClaimRequest,
  type CompleteOptions,
  type CompleteResult,
  type ConfigChange,
  type DeliveryFilter,
  type DeliveryListFilter,
  type DeliveryOutcome,
  type DeliveryRecord,
  type DeliveryState,
  type EventFilter,
  type EventsAfter,
  type EventStreamFilter,
  type IngestResult,
  type NewEvent,
  type NewSubscription,
  type Page,
  type PruneRequest,
  type PruneResult,
  type RelayStorage,
  type ReplayResult,
  type SecretField,
  type SourcePatch,
  type SourceRecord,
  type StorageStats,
  type StoredEvent,
  type Subscription,
  type SubscriptionPatch,
  type TokenRecord,
} from './types';

const MAX_CLAIM_BYTES = 8 * 1024 * 1024;
/**
 * WAL pages between automatic checkpoints (SQLite's default is 1000). A checkpoint runs
 * inside the commit that crosses the mark and stalls every webhook waiting on it; a quarter
 * of the default copies a quarter as much at a time, which took the ingest benchmark's p99
 * from 8-11 ms to 5-6 ms for a few percent of throughput.
 */
const CHECKPOINT_PAGES = 256;

/** SQL over `deliveries d JOIN events e` for a delivery filter. */
function deliveryWhere(filter: DeliveryFilter): { sql: string; params: SQLInputValue[] } {
  const clauses: string[] = [];
  const params: SQLInputValue[] = [];
  const add = (sql: string, v: SQLInputValue): void => {
    clauses.push(sql);
    params.push(v);
  };
  if (filter.state) add('d.state = ?', filter.state);
  if (filter.subscriptionId) add('d.subscription_id = ?', filter.subscriptionId);
  if (filter.provider) add('e.provider = ?', filter.provider);
  if (filter.type) add('e.type = ?', filter.type);
  if (filter.source) add('e.source = ?', filter.source);
  if (filter.scope) add('e.source IN (SELECT value FROM json_each(?))', JSON.stringify(filter.scope));
  if (filter.eventId) add('e.id = ?', filter.eventId);
  if (filter.deliveryId !== undefined) add('d.id = ?', filter.deliveryId);
  return { sql: clauses.length ? clauses.join(' AND ') : '1 = 1', params };
}

/** A subscription's rate limit as the spacing between attempts it allows, rounded up so it is never exceeded. */
export function rateSpacingMs(perSecond: number): number {
  return Math.ceil(1000 / perSecond);
}

/**
 * The slot after one taken at `now` whose due time was `due`. Slots follow the schedule, not
 * the moment the worker woke: a claim a little late (timers, the claim itself) would otherwise
 * push every later slot back, and 5/s would deliver nearer 4.6/s. Lateness under half a
 * spacing is absorbed, so two starts are never closer than half a spacing; after a longer idle
 * spell the schedule restarts from now, a whole spacing on. PostgreSQL computes the same in its
 * claim (postgres/sql.ts).
 */
export function nextRateSlot(due: number, now: number, perSecond: number): number {
  const spacing = rateSpacingMs(perSecond);
  return (now - due < spacing / 2 ? due : now) + spacing;
}

export interface SqliteStorageOptions {
  /** A file path, or `:memory:` (nothing survives a restart: for unit tests only). */
  path: string;
}

function inUseMessage(path: string): string {
  return (
    `the database ${path} is in use by another process: another relay, \`callbridge relay rekey\` or a tool has it open. ` +
    'One relay owns a SQLite file (two would hand out the same deliveries and keep apart what they hold in memory); ' +
    'stop the other one, give this one its own file (--database), or run several relays on PostgreSQL'
  );
}

/**
 * One relay per SQLite file: a second relay started on it by mistake (`npm start` twice, a
 * second port) is stopped before it releases the first one's leases as if their owner had died.
 */
function assertNotInUse(path: string): void {
  const probe = new DatabaseSync(path);
  try {
    if (!lockExclusively(probe)) throw new Error(inUseMessage(path));
  } finally {
    probe.close();
  }
}

/**
 * A new database file is created readable by its owner only (0600), like the key file beside
 * it: it holds every payload the providers sent, which is customer data. SQLite gives its
 * -wal and -shm files the database's mode. An existing file keeps the mode its operator chose.
 */
function createPrivately(path: string): void {
  try {
    closeSync(openSync(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/**
 * The embedded backend: one SQLite file in WAL mode with `synchronous = FULL`, so a commit
 * has reached the disk before `ingest` resolves (`ingestDeferred` leaves that last fsync to
 * its caller, the worker thread). node:sqlite is synchronous, and a commit here costs well
 * under a millisecond, so each batch runs inside one call; the callers' batching (group
 * commit) is what keeps the number of fsyncs low.
 *
 * One relay process owns the file: leases left in it at open belong to a process that
 * died, and are released so that its deliveries go out again at once. Being the only
 * writer, it also keeps the filter router exact: every subscription change passes here.
 */
export class SqliteStorage implements RelayStorage, SqliteDb {
  readonly kind = 'sqlite';
  readonly #db: DatabaseSync;
  readonly #listeners = new Set<() => void>();
  readonly #configListeners = new Set<(change: ConfigChange) => void>();
  readonly #stmts = new Map<string, StatementSync>();
  readonly #router = new FilterRouter();
  readonly #admin: SqliteAdmin;
  #routerStale = true;
  #closed = false;
  #sync: 'full' | 'normal' = 'full';
  #claimRotation = 0;
  readonly #path: string;

  constructor(options: SqliteStorageOptions) {
    this.#path = options.path;
    if (options.path !== ':memory:') {
      mkdirSync(dirname(options.path), { recursive: true });
      createPrivately(options.path);
      assertNotInUse(options.path);
    }
    this.#db = new DatabaseSync(options.path);
    try {
      this.#db.exec('PRAGMA journal_mode = WAL');
    } catch (e) {
      this.#db.close();
      // SQLITE_BUSY before anything else ran: someone took the file between the check and now.
      if (isBusy(e)) throw new Error(inUseMessage(options.path));
      throw e;
    }
    this.#db.exec('PRAGMA synchronous = FULL');
    this.#db.exec(`PRAGMA wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
    this.#db.exec('PRAGMA busy_timeout = 5000');
    this.#db.exec('PRAGMA foreign_keys = ON');
    migrateSqlite(this.#db);
    this.stmt("UPDATE deliveries SET lease_owner = NULL, lease_until = 0 WHERE state = 'pending' AND lease_until > 0").run();
    this.#admin = new SqliteAdmin(this, (change) => this.#changed(change));
  }

  stmt(sql: string): StatementSync {
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
  tx<T>(fn: () => T, sync: 'full' | 'normal' = 'full'): T {
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

  #changed(change: ConfigChange): void {
    if (change === 'subscriptions') this.#routerStale = true;
    for (const l of this.#configListeners) l(change);
  }

  #routerNow(): FilterRouter {
    if (this.#routerStale) {
      const rows = this.stmt("SELECT id, events, sources, filter FROM subscriptions WHERE status = 'active' AND filter IS NOT NULL").all() as Row[];
      this.#router.set(rows.map((r) => ({ id: str(r, 'id'), events: strings(r, 'events'), sources: stringsOrNull(r, 'sources'), filter: str(r, 'filter') })));
      this.#routerStale = false;
    }
    return this.#router;
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
    const insert = this.stmt(
      `INSERT INTO events (id, provider, type, event, created_at, received_at, dedupe_key, data, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    // One statement fans the whole batch out: new events have the highest seqs, because
    // this connection is the only writer. Filtered subscriptions take only the pairs the
    // router passed (`?2`: "seq subscription" strings).
    const fanOut = this.stmt(
      `INSERT INTO deliveries (event_seq, subscription_id, state, next_attempt_at, created_at, updated_at)
       SELECT e.seq, s.id, 'pending', e.received_at, e.received_at, e.received_at
       FROM events e JOIN subscriptions s ON s.status = 'active'
       WHERE e.seq >= ?1 AND e.test = 0
         AND EXISTS (SELECT 1 FROM json_each(s.events) j WHERE j.value IN ('*', e.type, e.provider || '.*'))
         AND (s.sources IS NULL OR EXISTS (SELECT 1 FROM json_each(s.sources) j WHERE j.value = e.source))
         AND (s.filter IS NULL OR (e.seq || ' ' || s.id) IN (SELECT value FROM json_each(?2)))`,
    );
    const perEvent = this.stmt('SELECT event_seq, COUNT(*) AS n FROM deliveries WHERE event_seq >= ? GROUP BY event_seq');
    const router = this.#routerNow();
    return this.tx(() => {
      const seqs: Array<number | null> = [];
      const passed: string[] = [];
      const filtered: number[] = [];
      let first: number | null = null;
      for (const e of events) {
        const source = e.source ?? DEFAULT_SOURCE;
        const r = insert.run(e.id, e.provider, e.type, e.event, e.createdAt, e.receivedAt, e.dedupeKey, e.data, source);
        const seq = Number(r.changes) === 0 ? null : Number(r.lastInsertRowid);
        if (seq !== null && first === null) first = seq;
        seqs.push(seq);
        let failed = 0;
        if (seq !== null && router.size > 0) {
          const verdict = router.evaluate({ ...e, source });
          for (const id of verdict.pass) passed.push(`${seq} ${id}`);
          failed = verdict.failed;
        }
        filtered.push(failed);
      }
      const counts = new Map<number, number>();
      if (first !== null) {
        const created = Number(fanOut.run(first, JSON.stringify(passed)).changes);
        if (created > 0) for (const row of perEvent.all(first) as Row[]) counts.set(num(row, 'event_seq'), num(row, 'n'));
      }
      return events.map((e, i): IngestResult => {
        const seq = seqs[i] ?? null;
        return seq === null
          ? { id: e.id, duplicate: true, deliveries: 0, filtered: 0 }
          : { id: e.id, duplicate: false, deliveries: counts.get(seq) ?? 0, filtered: filtered[i] ?? 0 };
      });
    }, sync);
  }

  async createSubscription(sub: NewSubscription): Promise<Subscription> {
    this.tx(() =>
      this.stmt(
        `INSERT INTO subscriptions (id, target_url, events, headers, secret, created_at, updated_at, status, description, filter, rate_limit, sources)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)`,
      ).run(
        sub.id,
        sub.targetUrl,
        JSON.stringify(sub.events),
        JSON.stringify(sub.headers),
        sub.secret,
        sub.createdAt,
        sub.createdAt,
        sub.description ?? null,
        sub.filter ?? null,
        sub.rateLimitPerSecond ?? null,
        sub.sources ? JSON.stringify(sub.sources) : null,
      ),
    );
    this.#changed('subscriptions');
    return (await this.getSubscription(sub.id)) as Subscription;
  }

  async getSubscription(id: string): Promise<Subscription | null> {
    const row = this.stmt('SELECT * FROM subscriptions WHERE id = ?').get(id) as Row | undefined;
    return row ? toSubscription(row) : null;
  }

  async listSubscriptions(limit: number, cursor?: string, scope?: readonly string[]): Promise<Page<Subscription>> {
    const after = cursor ? decodeCursor(cursor) : 0;
    // A scoped caller sees subscriptions limited to its sources only (null means every source).
    const scoped = scope
      ? `AND sources IS NOT NULL AND NOT EXISTS (SELECT 1 FROM json_each(sources) j WHERE j.value NOT IN (SELECT value FROM json_each(?)))`
      : '';
    const params: SQLInputValue[] = [after, ...(scope ? [JSON.stringify(scope)] : []), limit + 1];
    const rows = this.stmt(`SELECT * FROM subscriptions WHERE seq > ? ${scoped} ORDER BY seq LIMIT ?`).all(...params) as Row[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toSubscription),
      nextCursor: rows.length > limit && last ? encodeCursor(num(last, 'seq')) : null,
    };
  }

  async updateSubscription(id: string, patch: SubscriptionPatch, now: number): Promise<Subscription | null> {
    const sets: string[] = [];
    const params: SQLInputValue[] = [];
    const set = (column: string, v: SQLInputValue): void => {
      sets.push(`${column} = ?`);
      params.push(v);
    };
    if (patch.targetUrl !== undefined) set('target_url', patch.targetUrl);
    if (patch.events !== undefined) set('events', JSON.stringify(patch.events));
    if (patch.headers !== undefined) set('headers', JSON.stringify(patch.headers));
    if (patch.description !== undefined) set('description', patch.description);
    if (patch.filter !== undefined) set('filter', patch.filter);
    if (patch.rateLimitPerSecond !== undefined) set('rate_limit', patch.rateLimitPerSecond);
    if (patch.sources !== undefined) set('sources', patch.sources ? JSON.stringify(patch.sources) : null);
    if (patch.status?.status === 'active') {
      sets.push("status = 'active'", 'disabled_reason = NULL', 'failing_since = NULL');
    } else if (patch.status?.status === 'disabled') {
      sets.push("status = 'disabled'");
      set('disabled_reason', patch.status.reason);
    }
    set('updated_at', new Date(now).toISOString());
    const found = this.tx(() => {
      const r = this.stmt(`UPDATE subscriptions SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
      if (Number(r.changes) === 0) return false;
      if (patch.status?.status === 'disabled') this.#cancelPending(id, cancelledBecause(patch.status.reason), now);
      return true;
    });
    if (!found) return null;
    this.#changed('subscriptions');
    return this.getSubscription(id);
  }

  #cancelPending(subscriptionId: string, reason: string, now: number): void {
    this.stmt(
      `UPDATE deliveries SET state = 'cancelled', next_attempt_at = NULL, lease_owner = NULL, lease_until = 0,
         last_error = ?, updated_at = ?
       WHERE subscription_id = ? AND state = 'pending'`,
    ).run(reason, now, subscriptionId);
  }

  async rotateSecret(id: string, secret: string, previousExpiresAt: number, now: number): Promise<Subscription | null> {
    const found = this.tx(
      () =>
        Number(
          this.stmt(
            `UPDATE subscriptions SET previous_secret = secret, secret = ?, previous_secret_expires_at = ?, updated_at = ? WHERE id = ?`,
          ).run(secret, previousExpiresAt, new Date(now).toISOString(), id).changes,
        ) > 0,
    );
    if (!found) return null;
    this.#changed('subscriptions');
    return this.getSubscription(id);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    const now = Date.now();
    const deleted = this.tx(() => {
      const r = this.stmt('DELETE FROM subscriptions WHERE id = ?').run(id);
      if (Number(r.changes) === 0) return false;
      this.#cancelPending(id, 'subscription deleted', now);
      return true;
    });
    if (deleted) this.#changed('subscriptions');
    return deleted;
  }

  async addTestDelivery(event: NewEvent, subscriptionId: string, now: number): Promise<{ eventId: string; deliveryId: number } | null> {
    const out = this.tx(() => {
      const sub = this.stmt("SELECT id FROM subscriptions WHERE id = ? AND status = 'active'").get(subscriptionId) as Row | undefined;
      if (!sub) return null;
      const e = this.stmt(
        `INSERT INTO events (id, provider, type, event, created_at, received_at, dedupe_key, data, source, test)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      ).run(event.id, event.provider, event.type, event.event, event.createdAt, event.receivedAt, event.dedupeKey, event.data, TEST_SOURCE);
      const d = this.stmt(
        `INSERT INTO deliveries (event_seq, subscription_id, state, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, 'pending', ?, ?, ?)`,
      ).run(Number(e.lastInsertRowid), subscriptionId, now, now, now);
      return { eventId: event.id, deliveryId: Number(d.lastInsertRowid) };
    });
    if (out) this.#wake();
    return out;
  }

  async getEvent(id: string): Promise<StoredEvent | null> {
    const row = this.stmt(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.id = ?`).get(id) as Row | undefined;
    return row ? toEvent(row) : null;
  }

  async listEvents(filter: EventFilter): Promise<Page<StoredEvent>> {
    const clauses: string[] = [];
    const params: SQLInputValue[] = [];
    const add = (sql: string, v: SQLInputValue): void => {
      clauses.push(sql);
      params.push(v);
    };
    if (filter.cursor) add('e.seq < ?', decodeCursor(filter.cursor));
    if (filter.provider) add('e.provider = ?', filter.provider);
    if (filter.type) add('e.type = ?', filter.type);
    if (filter.source) add('e.source = ?', filter.source);
    if (filter.scope) add('e.source IN (SELECT value FROM json_each(?))', JSON.stringify(filter.scope));
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const rows = this.stmt(`SELECT ${EVENT_COLUMNS} FROM events e ${where} ORDER BY e.seq DESC LIMIT ?`).all(
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

  async listEventsAfter(afterId: string, limit: number, filter: EventStreamFilter): Promise<EventsAfter | null> {
    const anchor = this.stmt('SELECT seq FROM events WHERE id = ?').get(afterId) as Row | undefined;
    if (!anchor) return null;
    const params: SQLInputValue[] = [num(anchor, 'seq')];
    // Test deliveries' events are never streamed.
    let where = 'e.seq > ? AND e.test = 0';
    if (filter.types !== undefined || filter.providers !== undefined) {
      where += ' AND (e.type IN (SELECT value FROM json_each(?)) OR e.provider IN (SELECT value FROM json_each(?)))';
      params.push(JSON.stringify(filter.types ?? []), JSON.stringify(filter.providers ?? []));
    }
    if (filter.sources !== undefined) {
      where += ' AND e.source IN (SELECT value FROM json_each(?))';
      params.push(JSON.stringify(filter.sources));
    }
    // Newest first and reversed: when more were missed than fit, the oldest are the ones left
    // out, so what is sent joins the live events without a gap.
    const rows = this.stmt(`SELECT ${EVENT_COLUMNS} FROM events e WHERE ${where} ORDER BY e.seq DESC LIMIT ?`).all(
      ...params,
      limit + 1,
    ) as Row[];
    return { events: rows.slice(0, limit).reverse().map(toEvent), more: rows.length > limit };
  }

  /** The database file is this process's alone: no other process commits events to it. */
  onRemoteEvents(): () => void {
    return () => undefined;
  }

  async listDeliveries(filter: DeliveryListFilter): Promise<Page<DeliveryRecord>> {
    const where = deliveryWhere(filter);
    let sql = where.sql;
    const params = [...where.params];
    if (filter.cursor) {
      sql += ' AND d.id < ?';
      params.push(decodeCursor(filter.cursor));
    }
    const rows = this.stmt(
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
    const rows = this.stmt(
      `SELECT a.* FROM attempts a JOIN events e ON e.seq = a.event_seq WHERE e.id = ? ORDER BY a.id`,
    ).all(eventId) as Row[];
    return rows.map(toAttempt);
  }

  async claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    if (request.limit <= 0) return [];
    // Per subscription, through the (subscription_id, next_attempt_at) index: the cost of a
    // claim grows with the number of subscriptions, never with one receiver's backlog.
    const subscriptions = this.stmt(
      `SELECT id, target_url, headers, secret, previous_secret, previous_secret_expires_at, rate_limit, rate_next_at
       FROM subscriptions WHERE status = 'active' ORDER BY seq`,
    );
    const due = this.stmt(
      `SELECT id, attempts, schedule_offset, event_seq FROM deliveries INDEXED BY deliveries_due_by_subscription
       WHERE subscription_id = ? AND state = 'pending' AND next_attempt_at <= ? AND lease_until <= ?
       ORDER BY next_attempt_at LIMIT ?`,
    );
    const eventRow = this.stmt('SELECT id, type, provider, created_at, received_at, data, source, test FROM events WHERE seq = ?');
    const lease = this.stmt('UPDATE deliveries SET lease_owner = ?, lease_until = ? WHERE id = ?');
    const advance = this.stmt('UPDATE subscriptions SET rate_next_at = ? WHERE id = ?');
    return this.tx(() => {
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
        let room = Math.min(request.perSubscriptionLimit - (request.inFlight.get(subId) ?? 0), request.limit - out.length);
        // A rate-limited subscription starts at most one attempt per spacing: waiting is no attempt.
        const rate = numOrNull(sub, 'rate_limit');
        const rateNext = num(sub, 'rate_next_at');
        if (rate !== null) room = rateNext <= request.now ? Math.min(room, 1) : 0;
        if (room <= 0) continue;
        const rows = due.all(subId, request.now, request.now, room) as Row[];
        if (rows.length === 0) continue;
        if (rate !== null) advance.run(nextRateSlot(rateNext, request.now, rate), subId);
        const subscription = {
          id: subId,
          targetUrl: str(sub, 'target_url'),
          headers: jsonRecord(str(sub, 'headers')),
          secrets: signingSecrets(sub, request.now),
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
              source: str(e, 'source'),
              test: num(e, 'test') === 1,
            },
            subscription,
          });
        }
      }
      return out;
    }, 'normal');
  }

  async complete(outcomes: readonly DeliveryOutcome[], now: number, options: CompleteOptions = { disableAfterMs: 0 }): Promise<CompleteResult> {
    if (outcomes.length === 0) return { disabled: [] };
    const attempt = this.stmt(
      `INSERT INTO attempts (delivery_id, event_seq, subscription_id, attempt, started_at, duration_ms, status, error, outcome, response_body)
       SELECT ?, d.event_seq, ?, ?, ?, ?, ?, ?, ?, ? FROM deliveries d WHERE d.id = ?`,
    );
    const update = this.stmt(
      `UPDATE deliveries SET state = ?, attempts = attempts + 1, next_attempt_at = ?, lease_owner = NULL, lease_until = 0,
         last_status = ?, last_error = ?, updated_at = ?
       WHERE id = ? AND state = 'pending' AND lease_owner = ?`,
    );
    const disable = this.stmt(`UPDATE subscriptions SET status = 'disabled', disabled_reason = ?, updated_at = ? WHERE id = ? AND status = 'active'`);
    const healthy = this.stmt('UPDATE subscriptions SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL');
    const failingFrom = this.stmt('UPDATE subscriptions SET failing_since = ? WHERE id = ? RETURNING failing_since, status');
    const failingKeep = this.stmt('UPDATE subscriptions SET failing_since = COALESCE(failing_since, ?) WHERE id = ? RETURNING failing_since, status');
    const disabled: Array<{ id: string; reason: string }> = [];
    const disableNow = (id: string, reason: string): void => {
      if (Number(disable.run(reason, new Date(now).toISOString(), id).changes) === 0) return;
      this.#cancelPending(id, cancelledBecause(reason), now);
      disabled.push({ id, reason });
    };
    this.tx(() => {
      for (const o of outcomes) {
        const a = o.attempt;
        attempt.run(o.deliveryId, o.subscriptionId, a.attempt, a.startedAt, a.durationMs, a.status, a.error, o.kind, a.responseBody, o.deliveryId);
        const state: DeliveryState = o.kind === 'success' ? 'succeeded' : o.kind === 'retry' ? 'pending' : 'dead';
        const next = o.kind === 'retry' ? (o.nextAttemptAt ?? now) : null;
        update.run(state, next, a.status, a.error, now, o.deliveryId, o.owner);
        if (o.kind === 'gone') disableNow(o.subscriptionId, GONE_REASON);
      }
      for (const h of healthOf(outcomes)) {
        if (h.mode === 'clear') {
          healthy.run(h.id);
          continue;
        }
        const row = (h.mode === 'set' ? failingFrom : failingKeep).get(h.since, h.id) as Row | undefined;
        const since = row ? numOrNull(row, 'failing_since') : null;
        if (options.disableAfterMs > 0 && since !== null && now - since >= options.disableAfterMs) {
          disableNow(h.id, failingReason(options.disableAfterMs));
        }
      }
    }, 'normal');
    if (disabled.length > 0) this.#changed('subscriptions');
    return { disabled };
  }

  async releaseLeases(owner: string): Promise<void> {
    if (this.#closed) return;
    this.tx(
      () => this.stmt("UPDATE deliveries SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = ? AND state = 'pending'").run(owner),
      'normal',
    );
  }

  async nextDueAt(): Promise<number | null> {
    const leased = this.stmt(
      "SELECT MIN(lease_until) AS t FROM deliveries WHERE state = 'pending' AND lease_until > 0",
    ).get() as Row;
    // Without rate limits the earliest due delivery is one index lookup; with them a
    // subscription's deliveries are due no sooner than its next slot, so ask per subscription.
    const rated = this.stmt("SELECT 1 AS x FROM subscriptions WHERE status = 'active' AND rate_limit IS NOT NULL LIMIT 1").get();
    const free = rated
      ? (this.stmt(
          `SELECT MIN(CASE WHEN rate_limit IS NULL THEN t ELSE MAX(t, rate_next_at) END) AS t FROM (
             SELECT s.rate_limit, s.rate_next_at,
               (SELECT d.next_attempt_at FROM deliveries d INDEXED BY deliveries_due_by_subscription
                WHERE d.subscription_id = s.id AND d.state = 'pending' AND d.lease_until = 0
                ORDER BY d.next_attempt_at LIMIT 1) AS t
             FROM subscriptions s WHERE s.status = 'active')`,
        ).get() as Row)
      : (this.stmt("SELECT MIN(next_attempt_at) AS t FROM deliveries WHERE state = 'pending' AND lease_until = 0").get() as Row);
    const times = [numOrNull(free, 't'), numOrNull(leased, 't')].filter((t): t is number => t !== null);
    return times.length ? Math.min(...times) : null;
  }

  async replayDeliveries(filter: DeliveryFilter, now: number): Promise<ReplayResult> {
    const where = deliveryWhere(filter);
    // Cancelled deliveries (of a subscription disabled meanwhile) go again only when asked for by state.
    const notCancelled = filter.state === 'cancelled' ? '' : "AND d.state != 'cancelled'";
    const result = this.tx(() => {
      const skipped = this.stmt(
        `SELECT COUNT(*) AS n FROM deliveries d JOIN events e ON e.seq = d.event_seq
         WHERE ${where.sql} ${notCancelled}
           AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = d.subscription_id AND s.status = 'active')`,
      ).get(...where.params) as Row;
      // The schedule restarts: a replayed delivery gets every retry again.
      const r = this.stmt(
        `UPDATE deliveries SET state = 'pending', schedule_offset = attempts, next_attempt_at = ?, lease_owner = NULL,
           lease_until = 0, last_error = NULL, updated_at = ?
         WHERE id IN (
           SELECT d.id FROM deliveries d JOIN events e ON e.seq = d.event_seq
           JOIN subscriptions s ON s.id = d.subscription_id AND s.status = 'active'
           WHERE ${where.sql} ${notCancelled}
             AND NOT (d.state = 'pending' AND d.lease_until > ?))`,
      ).run(now, now, ...where.params, now);
      return { replayed: Number(r.changes), skipped: num(skipped, 'n') };
    });
    if (result.replayed > 0) this.#wake();
    return result;
  }

  async addDelivery(eventId: string, subscriptionId: string, now: number): Promise<boolean> {
    const added = this.tx(() => {
      const r = this.stmt(
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

  async prune(request: PruneRequest): Promise<PruneResult> {
    return pruneSqlite(this, request);
  }

  createSource = (source: SourceRecord): Promise<SourceRecord> => this.#admin.createSource(source);
  getSource = (id: string): Promise<SourceRecord | null> => this.#admin.getSource(id);
  listSources = (limit: number, cursor?: string): Promise<Page<SourceRecord>> => this.#admin.listSources(limit, cursor);
  updateSource = (id: string, patch: SourcePatch, updatedAt: string): Promise<SourceRecord | null> => this.#admin.updateSource(id, patch, updatedAt);
  deleteSource = (id: string): Promise<boolean> => this.#admin.deleteSource(id);
  createToken = (token: TokenRecord): Promise<TokenRecord> => this.#admin.createToken(token);
  listTokens = (limit: number, cursor?: string): Promise<Page<TokenRecord>> => this.#admin.listTokens(limit, cursor);
  deleteToken = (id: string): Promise<boolean> => this.#admin.deleteToken(id);
  touchTokens = (ids: readonly string[], now: number): Promise<void> => this.#admin.touchTokens(ids, now);
  readSecrets = (): Promise<SecretField[]> => this.#admin.readSecrets();
  writeSecrets = (fields: readonly SecretField[]): Promise<void> => this.#admin.writeSecrets(fields);

  async stats(scope?: readonly string[]): Promise<StorageStats> {
    if (scope) {
      const scoped = (state: string): number =>
        num(
          this.stmt(
            `SELECT COUNT(*) AS n FROM deliveries d JOIN events e ON e.seq = d.event_seq
             WHERE d.state = ? AND e.source IN (SELECT value FROM json_each(?))`,
          ).get(state, JSON.stringify(scope)) as Row,
          'n',
        );
      return { pending: scoped('pending'), dead: scoped('dead') };
    }
    const count = (sql: string): number => num(this.stmt(sql).get() as Row, 'n');
    return {
      pending: count("SELECT COUNT(*) AS n FROM deliveries WHERE state = 'pending'"),
      dead: count("SELECT COUNT(*) AS n FROM deliveries WHERE state = 'dead'"),
    };
  }

  async health(): Promise<void> {
    if (this.#closed) throw new Error('storage is closed');
    // A write, not only a read: a full disk or a read-only file must show as unhealthy.
    this.tx(
      () =>
        this.stmt("INSERT INTO meta (key, value) VALUES ('health_check', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
          String(Date.now()),
        ),
      'normal',
    );
  }

  async getSetting(key: string): Promise<string | null> {
    const row = this.stmt('SELECT value FROM meta WHERE key = ?').get(`setting:${key}`) as Row | undefined;
    return row ? str(row, 'value') : null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.tx(() =>
      this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
        `setting:${key}`,
        value,
      ),
    );
  }

  onWake(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onConfigChange(listener: (change: ConfigChange) => void): () => void {
    this.#configListeners.add(listener);
    return () => this.#configListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#configListeners.clear();
    this.#stmts.clear();
    this.#db.close();
  }
}
