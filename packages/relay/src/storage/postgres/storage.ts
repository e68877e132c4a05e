import { randomBytes } from 'node:crypto';
import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import { decodeCursor, encodeCursor } from '../cursor';
import type {
  AttemptRecord,
  ClaimedDelivery,
  ClaimRequest,
  DeliveryFilter,
  DeliveryListFilter,
  DeliveryOutcome,
  DeliveryRecord,
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
} from '../types';
import { explainConnectError, poolConfig, SCHEMA_PATTERN, type PostgresSettings } from './connection';
import { ReplicaListener } from './listener';
import { migrate } from './migrate';
import { DELIVERY_COLUMNS, EVENT_COLUMNS, jsonRecord, num, numOrNull, str, toAttempt, toDelivery, toEvent, toSubscription, type Row } from '../rows';

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
  if (filter.eventId) add('e.id = ?', filter.eventId);
  if (filter.deliveryId !== undefined) add('d.id = ?', filter.deliveryId);
  return clauses.length ? clauses.join(' AND ') : 'TRUE';
}

function page<T>(rows: Row[], limit: number, map: (r: Row) => T, key: string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(num(last, key)) : null };
}

const INGEST_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[])
    WITH ORDINALITY AS t(id, provider, type, event, created_at, received_at, dedupe_key, data, ord)
),
ins AS (
  INSERT INTO events (id, provider, type, event, created_at, received_at, dedupe_key, data)
  SELECT id, provider, type, event, created_at, received_at, dedupe_key, data FROM input ORDER BY ord
  ON CONFLICT DO NOTHING
  RETURNING seq, id, provider, type, received_at, dedupe_key
),
fan AS (
  INSERT INTO deliveries (event_seq, subscription_id, state, next_attempt_at, created_at, updated_at)
  SELECT ins.seq, s.id, 'pending', ins.received_at, ins.received_at, ins.received_at
  FROM ins JOIN subscriptions s ON s.status = 'active' AND s.events && ARRAY['*', ins.type, ins.provider || '.*']
  RETURNING event_seq
),
counts AS (SELECT event_seq, count(*)::int AS n FROM fan GROUP BY event_seq),
wake AS (SELECT pg_notify($9, $10) FROM (SELECT 1 FROM fan LIMIT 1) AS any_fan)
SELECT ins.id, ins.dedupe_key, COALESCE(c.n, 0) AS deliveries, (SELECT count(*) FROM wake) AS woke
FROM ins LEFT JOIN counts c ON c.event_seq = ins.seq`;

const CLAIM_SQL = `
WITH busy AS (
  SELECT * FROM unnest($7::text[], $8::int[]) AS b(subscription_id, n)
),
picked AS (
  SELECT c.id FROM subscriptions s
  LEFT JOIN busy b ON b.subscription_id = s.id
  CROSS JOIN LATERAL (
    SELECT d.id, d.next_attempt_at FROM deliveries d
    WHERE d.subscription_id = s.id AND d.state = 'pending' AND d.next_attempt_at <= $1 AND d.lease_until <= $1
    ORDER BY d.next_attempt_at
    LIMIT GREATEST(0, LEAST($6::int - COALESCE(b.n, 0), $2::int))
    FOR UPDATE SKIP LOCKED
  ) c
  WHERE s.status = 'active'
  ORDER BY c.next_attempt_at
  LIMIT $2
)
UPDATE deliveries d SET lease_owner = $4, lease_replica = $5, lease_until = $3
FROM picked p, events e, subscriptions s
WHERE d.id = p.id AND e.seq = d.event_seq AND s.id = d.subscription_id
RETURNING d.id, d.attempts, d.schedule_offset, d.next_attempt_at, e.id AS event_id, e.type, e.provider, e.created_at,
  e.received_at, e.data, s.id AS subscription_id, s.target_url, s.headers, s.secret`;

const COMPLETE_SQL = `
WITH o AS (
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::int[], $7::bigint[], $8::int[],
    $9::int[], $10::text[], $11::text[])
    AS o(delivery_id, subscription_id, owner, kind, next_attempt_at, attempt, started_at, duration_ms, status, error, response_body)
),
logged AS (
  INSERT INTO attempts (delivery_id, event_seq, subscription_id, attempt, started_at, duration_ms, status, error, outcome, response_body)
  SELECT o.delivery_id, d.event_seq, o.subscription_id, o.attempt, o.started_at, o.duration_ms, o.status, o.error, o.kind, o.response_body
  FROM o JOIN deliveries d ON d.id = o.delivery_id
)
UPDATE deliveries d SET
  state = CASE o.kind WHEN 'success' THEN 'succeeded' WHEN 'retry' THEN 'pending' ELSE 'dead' END,
  attempts = d.attempts + 1,
  next_attempt_at = CASE WHEN o.kind = 'retry' THEN COALESCE(o.next_attempt_at, $12) END,
  lease_owner = NULL, lease_replica = NULL, lease_until = 0,
  last_status = o.status, last_error = o.error, updated_at = $12
FROM o
WHERE d.id = o.delivery_id AND d.state = 'pending' AND d.lease_owner = o.owner`;

/**
 * Frees the leases of replicas that are gone: a replica's advisory lock dies with its
 * session, so a lock this transaction can take belongs to a dead replica. Its leases would
 * run out anyway; freeing them now sends its unfinished deliveries again within seconds.
 */
const SWEEP_SQL = `
WITH dead AS (
  DELETE FROM replicas WHERE id <> $1 AND pg_try_advisory_xact_lock(lock_key) RETURNING id
)
UPDATE deliveries d SET lease_owner = NULL, lease_replica = NULL, lease_until = 0
WHERE d.state = 'pending' AND d.lease_until > 0 AND d.lease_replica IS NOT NULL AND d.lease_replica <> $1
  AND (d.lease_replica IN (SELECT id FROM dead) OR NOT EXISTS (SELECT 1 FROM replicas r WHERE r.id = d.lease_replica))`;

/**
 * The networked backend: one PostgreSQL database (one schema in it) shared by any number of
 * relay replicas. Ingest is one statement per batch (events, dedupe by the UNIQUE key,
 * fan-out and the NOTIFY that wakes other replicas, atomic together); claims take due
 * deliveries with `FOR UPDATE SKIP LOCKED` under a lease naming the worker and its replica,
 * so replicas never hand out the same delivery at once; completions apply only while the
 * lease is still the worker's. Commits use the server's synchronous_commit (on by
 * default): an acknowledged event is on the server's disk.
 */
export class PostgresStorage implements RelayStorage {
  readonly kind = 'postgres';
  readonly replicaId = `r_${randomBytes(6).toString('hex')}`;
  readonly #pool: Pool;
  readonly #settings: PostgresSettings;
  readonly #channel: string;
  readonly #listeners = new Set<() => void>();
  readonly #listener: ReplicaListener;
  #sweepTimer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #closed = false;

  private constructor(settings: PostgresSettings) {
    this.#settings = settings;
    this.#channel = `${settings.schema}_wake`;
    this.#pool = new Pool(poolConfig(settings, settings.poolSize));
    // An idle client losing its connection must not crash the process; the next query reports it.
    this.#pool.on('error', () => undefined);
    this.#listener = new ReplicaListener({
      config: poolConfig(settings, 1),
      channel: this.#channel,
      replicaId: this.replicaId,
      lockKey: randomBytes(8).readBigInt64BE().toString(),
      onWake: () => this.#wake(),
    });
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
    return events.map((e): IngestResult => {
      const s = stored.get(e.dedupeKey);
      if (s && !s.taken && s.id === e.id) {
        s.taken = true;
        return { id: e.id, duplicate: false, deliveries: s.deliveries };
      }
      const id = s?.id ?? earlier.get(`k:${e.dedupeKey}`) ?? earlier.get(`i:${e.id}`) ?? e.id;
      return { id, duplicate: true, deliveries: 0 };
    });
  }

  async createSubscription(sub: NewSubscription): Promise<Subscription> {
    await this.#query(
      `INSERT INTO subscriptions (id, target_url, events, headers, secret, created_at, status)
       VALUES ($1, $2, $3::text[], $4, $5, $6, 'active')`,
      [sub.id, sub.targetUrl, [...sub.events], JSON.stringify(sub.headers), sub.secret, sub.createdAt],
    );
    return { ...sub, events: [...sub.events], headers: { ...sub.headers }, status: 'active', disabledReason: null };
  }

  async getSubscription(id: string): Promise<Subscription | null> {
    const [row] = await this.#query('SELECT * FROM subscriptions WHERE id = $1', [id]);
    return row ? toSubscription(row) : null;
  }

  async listSubscriptions(limit: number, cursor?: string): Promise<Page<Subscription>> {
    const after = cursor ? decodeCursor(cursor) : 0;
    const rows = await this.#query('SELECT * FROM subscriptions WHERE seq > $1 ORDER BY seq LIMIT $2', [after, limit + 1]);
    return page(rows, limit, toSubscription, 'seq');
  }

  async deleteSubscription(id: string): Promise<boolean> {
    const now = Date.now();
    return this.#tx(async (c) => {
      const r = await c.query('DELETE FROM subscriptions WHERE id = $1', [id]);
      if ((r.rowCount ?? 0) === 0) return false;
      await c.query(
        `UPDATE deliveries SET state = 'cancelled', next_attempt_at = NULL, lease_owner = NULL, lease_replica = NULL,
           lease_until = 0, last_error = 'subscription deleted', updated_at = $1
         WHERE subscription_id = $2 AND state = 'pending'`,
        [now, id],
      );
      return true;
    });
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
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    params.push(filter.limit + 1);
    const rows = await this.#query(`SELECT ${EVENT_COLUMNS} FROM events e ${where} ORDER BY e.seq DESC LIMIT $${params.length}`, params);
    return page(rows, filter.limit, toEvent, 'seq');
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
        },
        subscription: {
          id: str(r, 'subscription_id'),
          targetUrl: str(r, 'target_url'),
          headers: jsonRecord(str(r, 'headers')),
          secret: str(r, 'secret'),
        },
      };
    });
  }

  async complete(outcomes: readonly DeliveryOutcome[], now: number): Promise<void> {
    if (outcomes.length === 0) return;
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
    ];
    const gone = [...new Set(outcomes.filter((o) => o.kind === 'gone').map((o) => o.subscriptionId))];
    if (gone.length === 0) {
      await this.#query({ name: 'relay_complete', text: COMPLETE_SQL }, params);
      return;
    }
    const reason = 'the receiver answered 410 Gone';
    await this.#tx(async (c) => {
      await c.query(COMPLETE_SQL, params);
      await c.query(`UPDATE subscriptions SET status = 'disabled', disabled_reason = $1 WHERE id = ANY($2::text[]) AND status = 'active'`, [
        reason,
        gone,
      ]);
      await c.query(
        `UPDATE deliveries SET state = 'dead', next_attempt_at = NULL, lease_owner = NULL, lease_replica = NULL, lease_until = 0,
           last_error = $1, updated_at = $2
         WHERE subscription_id = ANY($3::text[]) AND state = 'pending'`,
        [`subscription disabled: ${reason}`, now, gone],
      );
    });
  }

  async releaseLeases(owner: string): Promise<void> {
    if (this.#closed) return;
    await this.#query(
      "UPDATE deliveries SET lease_owner = NULL, lease_replica = NULL, lease_until = 0 WHERE lease_owner = $1 AND state = 'pending'",
      [owner],
    );
  }

  async nextDueAt(): Promise<number | null> {
    const [row] = await this.#query(
      `SELECT LEAST(
         (SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending' AND lease_until = 0),
         (SELECT MIN(lease_until) FROM deliveries WHERE state = 'pending' AND lease_until > 0)) AS t`,
    );
    return row ? numOrNull(row, 't') : null;
  }

  async replayDeliveries(filter: DeliveryFilter, now: number): Promise<ReplayResult> {
    const result = await this.#tx(async (c) => {
      const sp: unknown[] = [];
      const sw = deliveryWhere(filter, sp);
      const skipped = await c.query(
        `SELECT COUNT(*) AS n FROM deliveries d JOIN events e ON e.seq = d.event_seq
         WHERE ${sw} AND d.state <> 'cancelled'
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
           WHERE ${uw} AND d.state <> 'cancelled'
             AND NOT (d.state = 'pending' AND d.lease_until > $1))`,
        up,
      );
      return { replayed: r.rowCount ?? 0, skipped: num((skipped.rows[0] ?? {}) as Row, 'n') };
    });
    if (result.replayed > 0) await this.#notifyAll();
    return result;
  }

  async addDelivery(eventId: string, subscriptionId: string, now: number): Promise<boolean> {
    const rows = await this.#query(
      `INSERT INTO deliveries (event_seq, subscription_id, state, next_attempt_at, created_at, updated_at)
       SELECT e.seq, s.id, 'pending', $1, $1, $1 FROM events e, subscriptions s
       WHERE e.id = $2 AND s.id = $3 AND s.status = 'active'
       ON CONFLICT (event_seq, subscription_id) DO NOTHING
       RETURNING id`,
      [now, eventId, subscriptionId],
    );
    if (rows.length > 0) await this.#notifyAll();
    return rows.length > 0;
  }

  async stats(): Promise<StorageStats> {
    const [row] = await this.#query(
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

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    if (this.#sweepTimer) clearInterval(this.#sweepTimer);
    await this.#sweeping?.catch(() => undefined);
    // The listener's session holds the replica's lock: ending it marks the replica gone.
    await this.#listener.close();
    await this.#pool.end().catch(() => undefined);
  }
}
