import { randomBytes } from 'node:crypto';
import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import { decodeCursor, encodeCursor } from '../cursor';
import { FilterRouter } from '../filter-router';
import { cancelledBecause, failingReason, GONE_REASON, healthOf } from '../outcome-health';
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
} from '../types';
import { PgAdmin } from './admin';
import { parseAnnouncement } from './announce';
import { explainConnectError, poolConfig, SCHEMA_PATTERN, type PostgresSettings } from './connection';
import { ReplicaListener } from './listener';
import { migrate } from './migrate';
import { prunePostgres } from './retention';
import { CLAIM_SQL, COMPLETE_SQL, INGEST_SQL, NEXT_DUE_SQL, SWEEP_SQL } from './sql';
import {
  DELIVERY_COLUMNS,
  EVENT_COLUMNS,
  bool,
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
} from '../rows';

/** How often a replica looks for replicas that died and frees their leases. */
const SWEEP_MS = 2_000;
/** Deadlocks (two replicas inserting the same dedupe keys in another order) and serialization failures are retried. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_TRIES = 4;

function pgCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
}

/** WHERE clauses over `deliveries d JOIN events e` for a delivery filter, numbering parameters after `params`. */
function deliveryWhere(filter: DeliveryFilter, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (sql: string, v: unknown): void => {
    params.push(v);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.state) add('d.state = ?', filter.state);
  if (filter.subscriptionId) add('d.subscription_id = ?', filter.subscriptionId);
  if (filter.provider) add('e.provider = ?', filter.provider);
  if (filter.type) add('e.type = ?', filter.type);
  if (filter.source) add('e.source = ?', filter.source);
  if (filter.scope) add('e.source = ANY(?::text[])', [...filter.scope]);
  if (filter.eventId) add('e.id = ?', filter.eventId);
  if (filter.deliveryId !== undefined) add('d.id = ?', filter.deliveryId);
  return clauses.length ? clauses.join(' AND ') : 'TRUE';
}

function page<T>(rows: Row[], limit: number, map: (r: Row) => T, key: string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(num(last, key)) : null };
}

/**
 * The networked backend: one PostgreSQL database (one schema in it) shared by any number of
 * relay replicas. Ingest is one statement per batch (events, dedupe by the UNIQUE key,
 * fan-out and the NOTIFY that wakes other replicas, atomic together); claims take due
 * deliveries with `FOR UPDATE SKIP LOCKED` under a lease naming the worker and its replica,
 * so replicas never hand out the same delivery at once; completions apply only while the
 * lease is still the worker's. Commits use the server's synchronous_commit (on by
 * default): an acknowledged event is on the server's disk.
 *
 * Changes to subscriptions, sources and tokens are announced on `<schema>_config`, so each
 * replica's caches (the filter router here; sources and tokens above storage) reload; a
 * filter change reaches another replica's ingest within that NOTIFY's delay.
 */
export class PostgresStorage implements RelayStorage {
  readonly kind = 'postgres';
  readonly replicaId = `r_${randomBytes(6).toString('hex')}`;
  readonly #pool: Pool;
  readonly #settings: PostgresSettings;
  readonly #channel: string;
  readonly #configChannel: string;
  readonly #eventsChannel: string;
  readonly #listeners = new Set<() => void>();
  readonly #eventListeners = new Set<(events: StoredEvent[]) => void>();
  readonly #missedListeners = new Set<() => void>();
  /** Announcements are read one after another, so streams see each replica's events in its commit order. */
  #remoteReads: Promise<void> = Promise.resolve();
  readonly #configListeners = new Set<(change: ConfigChange) => void>();
  readonly #listener: ReplicaListener;
  readonly #router = new FilterRouter();
  readonly #admin: PgAdmin;
  #routerLoad: Promise<void> | undefined;
  #routerStale = true;
  #sweepTimer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #closed = false;

  private constructor(settings: PostgresSettings) {
    this.#settings = settings;
    this.#channel = `${settings.schema}_wake`;
    this.#configChannel = `${settings.schema}_config`;
    this.#eventsChannel = `${settings.schema}_events`;
    this.#pool = new Pool(poolConfig(settings, settings.poolSize));
    // An idle client losing its connection must not crash the process; the next query reports it.
    this.#pool.on('error', () => undefined);
    this.#listener = new ReplicaListener({
      // Named for its replica, so an operator can tell the sessions apart in pg_stat_activity.
      config: { ...poolConfig(settings, 1), application_name: `callbridge-relay listener ${this.replicaId}` },
      channel: this.#channel,
      channels: {
        [this.#configChannel]: (payload) => {
          const [from, change] = payload.split(':');
          if (from !== this.replicaId && (change === 'subscriptions' || change === 'sources' || change === 'tokens')) this.#changedHere(change);
        },
        [this.#eventsChannel]: (payload) => this.#onAnnouncement(payload),
      },
      replicaId: this.replicaId,
      lockKey: randomBytes(8).readBigInt64BE().toString(),
      onWake: () => this.#wake(),
      onReconnect: () => {
        for (const change of ['subscriptions', 'sources', 'tokens'] as const) this.#changedHere(change);
        // Announcements sent while the session was down are lost: live streams resume from storage.
        this.#missedEvents();
      },
    });
    this.#admin = new PgAdmin({
      query: (sql, params) => this.#query(sql, params ?? []),
      tx: (fn) => this.#tx((c) => fn(async (sql, params) => (await c.query(sql, params ?? [])).rows as Row[])),
      changed: (change) => this.#announce(change),
    });
  }

  #changedHere(change: ConfigChange): void {
    if (change === 'subscriptions') this.#routerStale = true;
    for (const l of this.#configListeners) l(change);
  }

  /** Tells this replica's caches now and every other replica's through NOTIFY. */
  async #announce(change: ConfigChange): Promise<void> {
    this.#changedHere(change);
    await this.#query('SELECT pg_notify($1, $2)', [this.#configChannel, `${this.replicaId}:${change}`]).catch(() => undefined);
  }

  /** The filter router, reloaded after a subscription change (one query, shared by concurrent ingests). */
  async #routerNow(): Promise<FilterRouter> {
    while (this.#routerStale) {
      this.#routerLoad ??= (async () => {
        this.#routerStale = false;
        try {
          const rows = await this.#query("SELECT id, events, sources, filter FROM subscriptions WHERE status = 'active' AND filter IS NOT NULL");
          this.#router.set(rows.map((r) => ({ id: str(r, 'id'), events: strings(r, 'events'), sources: stringsOrNull(r, 'sources'), filter: str(r, 'filter') })));
        } catch (e) {
          this.#routerStale = true;
          throw e;
        } finally {
          this.#routerLoad = undefined;
        }
      })();
      await this.#routerLoad;
    }
    return this.#router;
  }

  /** Connects, migrates (once, whichever replica gets there first), registers this replica and listens. */
  static async open(settings: PostgresSettings): Promise<PostgresStorage> {
    if (!SCHEMA_PATTERN.test(settings.schema)) {
      throw new Error(`PostgreSQL schema "${settings.schema}" must be lower-case letters, digits and _ (at most 50), starting with a letter or _`);
    }
    const storage = new PostgresStorage(settings);
    try {
      let client: PoolClient;
      try {
        client = await storage.#pool.connect();
      } catch (e) {
        throw explainConnectError(e, settings.url);
      }
      try {
        await migrate(client, settings.schema);
      } finally {
        client.release();
      }
      await storage.#listener.start();
      await storage.#sweep();
    } catch (e) {
      await storage.close();
      throw e;
    }
    storage.#sweepTimer = setInterval(() => void storage.#sweep().catch(() => undefined), SWEEP_MS);
    storage.#sweepTimer.unref();
    return storage;
  }

  get schema(): string {
    return this.#settings.schema;
  }

  async #query<T extends QueryResultRow = Row>(sql: string | { name: string; text: string }, params: unknown[] = []): Promise<T[]> {
    if (this.#closed) throw new Error('storage is closed');
    const text = typeof sql === 'string' ? sql : sql.text;
    const name = typeof sql === 'string' ? undefined : sql.name;
    for (let tries = 1; ; tries++) {
      try {
        const r = await this.#pool.query<T>({ text, values: params, ...(name ? { name } : {}) });
        return r.rows;
      } catch (e) {
        if (tries >= MAX_TRIES || !RETRYABLE.has(pgCode(e))) throw e;
      }
    }
  }

  async #tx<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error('storage is closed');
    for (let tries = 1; ; tries++) {
      const client = await this.#pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(client);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (tries >= MAX_TRIES || !RETRYABLE.has(pgCode(e))) throw e;
      } finally {
        client.release();
      }
    }
  }

  #wake(): void {
    for (const l of this.#listeners) l();
  }

  /** Wakes this replica's worker now and, after commit, every other replica's. */
  async #notifyAll(): Promise<void> {
    this.#wake();
    await this.#query('SELECT pg_notify($1, $2)', [this.#channel, this.replicaId]).catch(() => undefined);
  }

  #sweep(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#sweeping ??= (async () => {
      try {
        const freed = await this.#pool.query(SWEEP_SQL, [this.replicaId]);
        if ((freed.rowCount ?? 0) > 0 && !this.#closed) await this.#notifyAll();
      } finally {
        this.#sweeping = undefined;
      }
    })();
    return this.#sweeping;
  }

  async ingest(events: readonly NewEvent[]): Promise<IngestResult[]> {
    if (events.length === 0) return [];
    const col = <K extends keyof NewEvent>(k: K): Array<NewEvent[K]> => events.map((e) => e[k]);
    const router = await this.#routerNow();
    const passOrd: number[] = [];
    const passSub: string[] = [];
    const failed: number[] = [];
    events.forEach((e, i) => {
      const verdict = router.size > 0 ? router.evaluate({ ...e, source: e.source ?? DEFAULT_SOURCE }) : null;
      for (const id of verdict?.pass ?? []) {
        passOrd.push(i + 1);
        passSub.push(id);
      }
      failed.push(verdict?.failed ?? 0);
    });
    const rows = await this.#query({ name: 'relay_ingest', text: INGEST_SQL }, [
      col('id'),
      col('provider'),
      col('type'),
      col('event'),
      col('createdAt'),
      col('receivedAt'),
      col('dedupeKey'),
      col('data'),
      this.#channel,
      this.replicaId,
      events.map((e) => e.source ?? DEFAULT_SOURCE),
      passOrd,
      passSub,
      this.#eventsChannel,
    ]);
    // Each dedupe key was stored at most once; the first event in the batch that carries the
    // stored id is the one that was new, every other one is a duplicate of it.
    const stored = new Map<string, { id: string; deliveries: number; taken: boolean }>();
    let created = 0;
    for (const r of rows) {
      stored.set(str(r, 'dedupe_key'), { id: str(r, 'id'), deliveries: num(r, 'deliveries'), taken: false });
      created += num(r, 'deliveries');
    }
    const missing = events.filter((e) => !stored.has(e.dedupeKey));
    const earlier = new Map<string, string>();
    if (missing.length > 0) {
      // Duplicates of events committed before this batch (here or by another replica).
      const found = await this.#query(
        'SELECT id, dedupe_key FROM events WHERE dedupe_key = ANY($1::text[]) OR id = ANY($2::text[])',
        [missing.map((e) => e.dedupeKey), missing.map((e) => e.id)],
      );
      for (const r of found) {
        earlier.set(`k:${str(r, 'dedupe_key')}`, str(r, 'id'));
        earlier.set(`i:${str(r, 'id')}`, str(r, 'id'));
      }
    }
    if (created > 0) this.#wake();
    return events.map((e, i): IngestResult => {
      const s = stored.get(e.dedupeKey);
      if (s && !s.taken && s.id === e.id) {
        s.taken = true;
        return { id: e.id, duplicate: false, deliveries: s.deliveries, filtered: failed[i] ?? 0 };
      }
      const id = s?.id ?? earlier.get(`k:${e.dedupeKey}`) ?? earlier.get(`i:${e.id}`) ?? e.id;
      return { id, duplicate: true, deliveries: 0, filtered: 0 };
    });
  }

  async createSubscription(sub: NewSubscription): Promise<Subscription> {
    const [row] = await this.#query(
      `INSERT INTO subscriptions (id, target_url, events, headers, secret, created_at, updated_at, status, description, filter, rate_limit, sources)
       VALUES ($1, $2, $3::text[], $4, $5, $6, $6, 'active', $7, $8, $9, $10::text[]) RETURNING *`,
      [
        sub.id,
        sub.targetUrl,
        [...sub.events],
        JSON.stringify(sub.headers),
        sub.secret,
        sub.createdAt,
        sub.description ?? null,
        sub.filter ?? null,
        sub.rateLimitPerSecond ?? null,
        sub.sources ? [...sub.sources] : null,
      ],
    );
    await this.#announce('subscriptions');
    return toSubscription(row as Row);
  }

  async getSubscription(id: string): Promise<Subscription | null> {
    const [row] = await this.#query('SELECT * FROM subscriptions WHERE id = $1', [id]);
    return row ? toSubscription(row) : null;
  }

  async listSubscriptions(limit: number, cursor?: string, scope?: readonly string[]): Promise<Page<Subscription>> {
    const after = cursor ? decodeCursor(cursor) : 0;
    // A scoped caller sees subscriptions limited to its sources only (null means every source).
    const rows = scope
      ? await this.#query('SELECT * FROM subscriptions WHERE seq > $1 AND sources IS NOT NULL AND sources <@ $3::text[] ORDER BY seq LIMIT $2', [
          after,
          limit + 1,
          [...scope],
        ])
      : await this.#query('SELECT * FROM subscriptions WHERE seq > $1 ORDER BY seq LIMIT $2', [after, limit + 1]);
    return page(rows, limit, toSubscription, 'seq');
  }

  async updateSubscription(id: string, patch: SubscriptionPatch, now: number): Promise<Subscription | null> {
    const params: unknown[] = [];
    const sets: string[] = [];
    const set = (column: string, v: unknown, cast = ''): void => {
      params.push(v);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (patch.targetUrl !== undefined) set('target_url', patch.targetUrl);
    if (patch.events !== undefined) set('events', [...patch.events], '::text[]');
    if (patch.headers !== undefined) set('headers', JSON.stringify(patch.headers));
    if (patch.description !== undefined) set('description', patch.description);
    if (patch.filter !== undefined) set('filter', patch.filter);
    if (patch.rateLimitPerSecond !== undefined) set('rate_limit', patch.rateLimitPerSecond);
    if (patch.sources !== undefined) set('sources', patch.sources ? [...patch.sources] : null, '::text[]');
    if (patch.status?.status === 'active') sets.push("status = 'active'", 'disabled_reason = NULL', 'failing_since = NULL');
    else if (patch.status?.status === 'disabled') {
      sets.push("status = 'disabled'");
      set('disabled_reason', patch.status.reason);
    }
    set('updated_at', new Date(now).toISOString());
    params.push(id);
    const row = await this.#tx(async (c) => {
      const r = await c.query(`UPDATE subscriptions SET ${sets.join(', ')} WHERE id = $${params.length} RETURNING *`, params);
      if (patch.status?.status === 'disabled' && r.rows[0]) await this.#cancelPending(c, [id], cancelledBecause(patch.status.reason), now);
      return (r.rows[0] as Row | undefined) ?? null;
    });
    if (!row) return null;
    await this.#announce('subscriptions');
    return toSubscription(row);
  }

  async #cancelPending(c: PoolClient, ids: readonly string[], reason: string, now: number): Promise<void> {
    await c.query(
      `UPDATE deliveries SET state = 'cancelled', next_attempt_at = NULL, lease_owner = NULL, lease_replica = NULL,
         lease_until = 0, last_error = $1, updated_at = $2
       WHERE subscription_id = ANY($3::text[]) AND state = 'pending'`,
      [reason, now, [...ids]],
    );
  }

  async rotateSecret(id: string, secret: string, previousExpiresAt: number, now: number): Promise<Subscription | null> {
    const [row] = await this.#query(
      `UPDATE subscriptions SET previous_secret = secret, secret = $1, previous_secret_expires_at = $2, updated_at = $3
       WHERE id = $4 RETURNING *`,
      [secret, previousExpiresAt, new Date(now).toISOString(), id],
    );
    if (!row) return null;
    await this.#announce('subscriptions');
    return toSubscription(row);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    const now = Date.now();
    const deleted = await this.#tx(async (c) => {
      const r = await c.query('DELETE FROM subscriptions WHERE id = $1', [id]);
      if ((r.rowCount ?? 0) === 0) return false;
      await this.#cancelPending(c, [id], 'subscription deleted', now);
      return true;
    });
    if (deleted) await this.#announce('subscriptions');
    return deleted;
  }

  async addTestDelivery(event: NewEvent, subscriptionId: string, now: number): Promise<{ eventId: string; deliveryId: number } | null> {
    const rows = await this.#query(
      `WITH sub AS (SELECT id FROM subscriptions WHERE id = $10 AND status = 'active'),
       ev AS (
         INSERT INTO events (id, provider, type, event, created_at, received_at, dedupe_key, data, source, test)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, true FROM sub
         RETURNING seq
       )
       INSERT INTO deliveries (event_seq, subscription_id, state, next_attempt_at, created_at, updated_at)
       SELECT ev.seq, $10, 'pending', $11, $11, $11 FROM ev
       RETURNING id`,
      [event.id, event.provider, event.type, event.event, event.createdAt, event.receivedAt, event.dedupeKey, event.data, TEST_SOURCE, subscriptionId, now],
    );
    const row = rows[0];
    if (!row) return null;
    await this.#notifyAll();
    return { eventId: event.id, deliveryId: num(row, 'id') };
  }

  async getEvent(id: string): Promise<StoredEvent | null> {
    const [row] = await this.#query(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.id = $1`, [id]);
    return row ? toEvent(row) : null;
  }

  async listEvents(filter: EventFilter): Promise<Page<StoredEvent>> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown): void => {
      params.push(v);
      clauses.push(`${sql} $${params.length}`);
    };
    if (filter.cursor) add('e.seq <', decodeCursor(filter.cursor));
    if (filter.provider) add('e.provider =', filter.provider);
    if (filter.type) add('e.type =', filter.type);
    if (filter.source) add('e.source =', filter.source);
    if (filter.scope) {
      params.push([...filter.scope]);
      clauses.push(`e.source = ANY($${params.length}::text[])`);
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    params.push(filter.limit + 1);
    const rows = await this.#query(`SELECT ${EVENT_COLUMNS} FROM events e ${where} ORDER BY e.seq DESC LIMIT $${params.length}`, params);
    return page(rows, filter.limit, toEvent, 'seq');
  }

  async listEventsAfter(afterId: string, limit: number, filter: EventStreamFilter): Promise<EventsAfter | null> {
    const [anchor] = await this.#query('SELECT seq FROM events WHERE id = $1', [afterId]);
    if (!anchor) return null;
    const params: unknown[] = [num(anchor, 'seq')];
    // Test deliveries' events are never streamed.
    let where = 'e.seq > $1 AND NOT e.test';
    if (filter.types !== undefined || filter.providers !== undefined) {
      params.push(filter.types ?? [], filter.providers ?? []);
      where += ` AND (e.type = ANY($${params.length - 1}::text[]) OR e.provider = ANY($${params.length}::text[]))`;
    }
    if (filter.sources !== undefined) {
      params.push(filter.sources);
      where += ` AND e.source = ANY($${params.length}::text[])`;
    }
    params.push(limit + 1);
    // Newest first and reversed: when more were missed than fit, the oldest are left out, so
    // what is sent joins the live events without a gap.
    const rows = await this.#query(`SELECT ${EVENT_COLUMNS} FROM events e WHERE ${where} ORDER BY e.seq DESC LIMIT $${params.length}`, params);
    return { events: rows.slice(0, limit).reverse().map(toEvent), more: rows.length > limit };
  }

  async listDeliveries(filter: DeliveryListFilter): Promise<Page<DeliveryRecord>> {
    const params: unknown[] = [];
    let where = deliveryWhere(filter, params);
    if (filter.cursor) {
      params.push(decodeCursor(filter.cursor));
      where += ` AND d.id < $${params.length}`;
    }
    params.push(filter.limit + 1);
    const rows = await this.#query(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN events e ON e.seq = d.event_seq
       WHERE ${where} ORDER BY d.id DESC LIMIT $${params.length}`,
      params,
    );
    return page(rows, filter.limit, toDelivery, 'id');
  }

  async listAttempts(eventId: string): Promise<AttemptRecord[]> {
    const rows = await this.#query(
      'SELECT a.* FROM attempts a JOIN events e ON e.seq = a.event_seq WHERE e.id = $1 ORDER BY a.id',
      [eventId],
    );
    return rows.map(toAttempt);
  }

  async claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    if (request.limit <= 0) return [];
    const busy = [...request.inFlight.entries()];
    const rows = await this.#query({ name: 'relay_claim', text: CLAIM_SQL }, [
      request.now,
      request.limit,
      request.now + request.leaseMs,
      request.owner,
      this.replicaId,
      request.perSubscriptionLimit,
      busy.map(([id]) => id),
      busy.map(([, n]) => n),
    ]);
    // Oldest due first, as the claim chose them (RETURNING keeps no order).
    rows.sort((a, b) => num(a, 'next_attempt_at') - num(b, 'next_attempt_at') || num(a, 'id') - num(b, 'id'));
    return rows.map((r) => {
      const attempts = num(r, 'attempts');
      return {
        id: num(r, 'id'),
        attempts,
        scheduleAttempts: attempts - num(r, 'schedule_offset'),
        event: {
          id: str(r, 'event_id'),
          type: str(r, 'type'),
          provider: str(r, 'provider'),
          createdAt: str(r, 'created_at'),
          receivedAt: num(r, 'received_at'),
          data: str(r, 'data'),
          source: str(r, 'source'),
          test: bool(r, 'test'),
        },
        subscription: {
          id: str(r, 'subscription_id'),
          targetUrl: str(r, 'target_url'),
          headers: jsonRecord(str(r, 'headers')),
          secrets: signingSecrets(r, request.now),
        },
      };
    });
  }

  async complete(outcomes: readonly DeliveryOutcome[], now: number, options: CompleteOptions = { disableAfterMs: 0 }): Promise<CompleteResult> {
    if (outcomes.length === 0) return { disabled: [] };
    const health = healthOf(outcomes);
    const params = [
      outcomes.map((o) => o.deliveryId),
      outcomes.map((o) => o.subscriptionId),
      outcomes.map((o) => o.owner),
      outcomes.map((o) => o.kind),
      outcomes.map((o) => (o.kind === 'retry' ? (o.nextAttemptAt ?? null) : null)),
      outcomes.map((o) => o.attempt.attempt),
      outcomes.map((o) => o.attempt.startedAt),
      outcomes.map((o) => Math.round(o.attempt.durationMs)),
      outcomes.map((o) => o.attempt.status),
      outcomes.map((o) => o.attempt.error),
      outcomes.map((o) => o.attempt.responseBody),
      now,
      health.map((h) => h.id),
      health.map((h) => h.mode),
      health.map((h) => h.since),
    ];
    const failing = await this.#query({ name: 'relay_complete', text: COMPLETE_SQL }, params);
    const toDisable = new Map<string, string>();
    for (const o of outcomes) if (o.kind === 'gone') toDisable.set(o.subscriptionId, GONE_REASON);
    if (options.disableAfterMs > 0) {
      for (const r of failing) {
        if (now - num(r, 'failing_since') >= options.disableAfterMs && !toDisable.has(str(r, 'id'))) {
          toDisable.set(str(r, 'id'), failingReason(options.disableAfterMs));
        }
      }
    }
    if (toDisable.size === 0) return { disabled: [] };
    const disabled = await this.#tx(async (c) => {
      const out: Array<{ id: string; reason: string }> = [];
      for (const [id, reason] of toDisable) {
        const r = await c.query(
          `UPDATE subscriptions SET status = 'disabled', disabled_reason = $1, updated_at = $2 WHERE id = $3 AND status = 'active'`,
          [reason, new Date(now).toISOString(), id],
        );
        if ((r.rowCount ?? 0) === 0) continue;
        await this.#cancelPending(c, [id], cancelledBecause(reason), now);
        out.push({ id, reason });
      }
      return out;
    });
    if (disabled.length > 0) await this.#announce('subscriptions');
    return { disabled };
  }

  async releaseLeases(owner: string): Promise<void> {
    if (this.#closed) return;
    await this.#query(
      "UPDATE deliveries SET lease_owner = NULL, lease_replica = NULL, lease_until = 0 WHERE lease_owner = $1 AND state = 'pending'",
      [owner],
    );
  }

  async nextDueAt(): Promise<number | null> {
    const [row] = await this.#query({ name: 'relay_next_due', text: NEXT_DUE_SQL });
    return row ? numOrNull(row, 't') : null;
  }

  async replayDeliveries(filter: DeliveryFilter, now: number): Promise<ReplayResult> {
    const result = await this.#tx(async (c) => {
      const sp: unknown[] = [];
      const sw = deliveryWhere(filter, sp);
      // Cancelled deliveries (of a subscription disabled meanwhile) go again only when asked for by state.
      const notCancelled = filter.state === 'cancelled' ? '' : "AND d.state <> 'cancelled'";
      const skipped = await c.query(
        `SELECT COUNT(*) AS n FROM deliveries d JOIN events e ON e.seq = d.event_seq
         WHERE ${sw} ${notCancelled}
           AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = d.subscription_id AND s.status = 'active')`,
        sp,
      );
      const up: unknown[] = [now];
      const uw = deliveryWhere(filter, up);
      // The schedule restarts: a replayed delivery gets every retry again.
      const r = await c.query(
        `UPDATE deliveries SET state = 'pending', schedule_offset = attempts, next_attempt_at = $1, lease_owner = NULL,
           lease_replica = NULL, lease_until = 0, last_error = NULL, updated_at = $1
         WHERE id IN (
           SELECT d.id FROM deliveries d JOIN events e ON e.seq = d.event_seq
           JOIN subscriptions s ON s.id = d.subscription_id AND s.status = 'active'
           WHERE ${uw} ${notCancelled}
             AND NOT (d.state = 'pending' AND d.lease_until > $1))`,
        up,
      );
      return { replayed: r.rowCount ?? 0, skipped: num((skipped.rows[0] ?? {}) as Row, 'n') };
    });
    if (result.replayed > 0) await this.#notifyAll();
    return result;
  }

  async addDelivery(eventId: string, subscriptionId: string, now: number): Promise<boolean> {
    const rows = await this.#addDelivery(eventId, subscriptionId, now);
    if (rows.length > 0) await this.#notifyAll();
    return rows.length > 0;
  }

  async #addDelivery(eventId: string, subscriptionId: string, now: number): Promise<Row[]> {
    try {
      return await this.#insertDelivery(eventId, subscriptionId, now);
    } catch (e) {
      // The event was pruned between the lookup and the insert (retention's lock made us wait).
      if (pgCode(e) === '23503') return [];
      throw e;
    }
  }

  #insertDelivery(eventId: string, subscriptionId: string, now: number): Promise<Row[]> {
    return this.#query(
      `INSERT INTO deliveries (event_seq, subscription_id, state, next_attempt_at, created_at, updated_at)
       SELECT e.seq, s.id, 'pending', $1, $1, $1 FROM events e, subscriptions s
       WHERE e.id = $2 AND s.id = $3 AND s.status = 'active'
       ON CONFLICT (event_seq, subscription_id) DO NOTHING
       RETURNING id`,
      [now, eventId, subscriptionId],
    );
  }

  async prune(request: PruneRequest): Promise<PruneResult> {
    return this.#tx((c) => prunePostgres(async (sql, params) => (await c.query(sql, params ?? [])).rows as Row[], request));
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
    const [row] = scope
      ? await this.#query(
          `SELECT count(*) FILTER (WHERE d.state = 'pending') AS pending, count(*) FILTER (WHERE d.state = 'dead') AS dead
           FROM deliveries d JOIN events e ON e.seq = d.event_seq
           WHERE d.state IN ('pending', 'dead') AND e.source = ANY($1::text[])`,
          [[...scope]],
        )
      : await this.#query(
          `SELECT (SELECT COUNT(*) FROM deliveries WHERE state = 'pending') AS pending,
                  (SELECT COUNT(*) FROM deliveries WHERE state = 'dead') AS dead`,
        );
    const r = row ?? {};
    return { pending: num(r, 'pending'), dead: num(r, 'dead') };
  }

  async health(): Promise<void> {
    if (this.#closed) throw new Error('storage is closed');
    // A write, not only a read: a read-only standby or a full disk must show as unhealthy.
    await this.#query(
      "INSERT INTO meta (key, value) VALUES ('health_check', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [String(Date.now())],
    );
    if (!this.#listener.connected) throw new Error('the LISTEN connection to PostgreSQL is down; reconnecting');
  }

  /** Pool figures for /healthz. */
  poolStatus(): { size: number; idle: number; waiting: number; max: number } {
    return { size: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount, max: this.#settings.poolSize };
  }

  async getSetting(key: string): Promise<string | null> {
    const [row] = await this.#query('SELECT value FROM meta WHERE key = $1', [`setting:${key}`]);
    return row ? str(row, 'value') : null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.#query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
      `setting:${key}`,
      value,
    ]);
  }

  onWake(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onRemoteEvents(listener: (events: StoredEvent[]) => void, onMissed?: () => void): () => void {
    this.#eventListeners.add(listener);
    if (onMissed) this.#missedListeners.add(onMissed);
    return () => {
      this.#eventListeners.delete(listener);
      if (onMissed) this.#missedListeners.delete(onMissed);
    };
  }

  #missedEvents(): void {
    for (const l of this.#missedListeners) l();
  }

  /** Another replica committed events: read them, once, for this replica's streams. */
  #onAnnouncement(payload: string): void {
    const announced = parseAnnouncement(payload);
    if (!announced || announced.from === this.replicaId || this.#eventListeners.size === 0) return;
    this.#remoteReads = this.#remoteReads
      .then(async () => {
        if (this.#closed || this.#eventListeners.size === 0) return;
        const rows = await this.#query(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.seq = ANY($1::bigint[]) ORDER BY e.seq`, [announced.seqs]);
        const events = rows.map(toEvent);
        if (events.length > 0) for (const l of this.#eventListeners) l(events);
      })
      // They stay stored and listed: live streams resume from storage to get them.
      .catch(() => this.#missedEvents());
  }

  onConfigChange(listener: (change: ConfigChange) => void): () => void {
    this.#configListeners.add(listener);
    return () => this.#configListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#eventListeners.clear();
    this.#missedListeners.clear();
    this.#configListeners.clear();
    if (this.#sweepTimer) clearInterval(this.#sweepTimer);
    await this.#sweeping?.catch(() => undefined);
    // The listener's session holds the replica's lock: ending it marks the replica gone.
    await this.#listener.close();
    await this.#pool.end().catch(() => undefined);
  }
}
