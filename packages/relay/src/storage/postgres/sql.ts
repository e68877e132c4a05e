import { SEQ_RUNS_PER_NOTICE } from './announce';

/**
 * The statements on PostgreSQL's hot paths (ingest, claim, complete, sweep), each one round
 * trip. They are named prepared statements, so their text is parsed once per connection.
 */

/**
 * Ingest: events (deduplicated by the UNIQUE id and dedupe key), their fan-out, the NOTIFY
 * that wakes other replicas and the one that announces the new events to their live streams
 * (see announce.ts), atomic together. Fan-out is by type pattern, source and status in SQL; a
 * subscription with a filter takes only the (input position, subscription) pairs the
 * replica's filter router passed ($12, $13), since filters cannot run in SQL.
 * $1-$8, $11: the events' columns; $9: the wake channel; $10: this replica's id; $14: the
 * events channel.
 */
export const INGEST_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $11::text[])
    WITH ORDINALITY AS t(id, provider, type, event, created_at, received_at, dedupe_key, data, source, ord)
),
ins AS (
  INSERT INTO events (id, provider, type, event, created_at, received_at, dedupe_key, data, source)
  SELECT id, provider, type, event, created_at, received_at, dedupe_key, data, source FROM input ORDER BY ord
  ON CONFLICT DO NOTHING
  RETURNING seq, id, provider, type, source, received_at, dedupe_key
),
passed AS (SELECT * FROM unnest($12::int[], $13::text[]) AS p(ord, subscription_id)),
fan AS (
  INSERT INTO deliveries (event_seq, subscription_id, state, next_attempt_at, created_at, updated_at)
  SELECT ins.seq, s.id, 'pending', ins.received_at, ins.received_at, ins.received_at
  FROM ins
  CROSS JOIN LATERAL (SELECT min(i.ord) AS ord FROM input i WHERE i.id = ins.id) first
  JOIN subscriptions s ON s.status = 'active' AND s.events && ARRAY['*', ins.type, ins.provider || '.*']
    AND (s.sources IS NULL OR ins.source = ANY(s.sources))
    AND (s.filter IS NULL OR EXISTS (SELECT 1 FROM passed p WHERE p.ord = first.ord AND p.subscription_id = s.id))
  RETURNING event_seq
),
counts AS (SELECT event_seq, count(*)::int AS n FROM fan GROUP BY event_seq),
wake AS (SELECT pg_notify($9, $10) FROM (SELECT 1 FROM fan LIMIT 1) AS any_fan),
islands AS (
  SELECT min(seq) AS lo, max(seq) AS hi FROM (SELECT seq, seq - row_number() OVER (ORDER BY seq) AS run FROM ins) AS r GROUP BY run
),
announced AS (
  SELECT pg_notify($14, $10 || ' ' || string_agg(CASE WHEN hi > lo THEN lo || '-' || hi ELSE lo::text END, ',' ORDER BY lo))
  FROM (SELECT lo, hi, (row_number() OVER (ORDER BY lo) - 1) / ${SEQ_RUNS_PER_NOTICE} AS part FROM islands) AS p GROUP BY part
)
SELECT ins.id, ins.dedupe_key, COALESCE(c.n, 0) AS deliveries, (SELECT count(*) FROM wake) AS woke,
  (SELECT count(*) FROM announced) AS announced
FROM ins LEFT JOIN counts c ON c.event_seq = ins.seq`;

/**
 * Claim: due deliveries under a lease, oldest first, at most $6 in flight per subscription.
 * Subscriptions without a rate limit are claimed as before, without locking them. A
 * rate-limited subscription gives at most one delivery per claim and only when its next slot
 * has come; its row is locked (SKIP LOCKED) while its slot advances, so replicas share one
 * budget and never spend the same slot twice. Waiting for a slot is no attempt.
 */
export const CLAIM_SQL = `
WITH busy AS (
  SELECT * FROM unnest($7::text[], $8::int[]) AS b(subscription_id, n)
),
rated AS (
  SELECT s.id FROM subscriptions s
  WHERE s.status = 'active' AND s.rate_limit IS NOT NULL AND s.rate_next_at <= $1
  FOR UPDATE SKIP LOCKED
),
rated_picked AS (
  SELECT c.id, r.id AS subscription_id FROM rated r
  LEFT JOIN busy b ON b.subscription_id = r.id
  CROSS JOIN LATERAL (
    SELECT d.id FROM deliveries d
    WHERE d.subscription_id = r.id AND d.state = 'pending' AND d.next_attempt_at <= $1 AND d.lease_until <= $1
    ORDER BY d.next_attempt_at
    LIMIT LEAST(1, GREATEST(0, $6::int - COALESCE(b.n, 0)))
    FOR UPDATE SKIP LOCKED
  ) c
),
advanced AS (
  UPDATE subscriptions s SET rate_next_at = CEIL(1000 / s.rate_limit)::bigint +
    CASE WHEN $1 - s.rate_next_at < CEIL(1000 / s.rate_limit) / 2 THEN s.rate_next_at ELSE $1 END
  FROM rated_picked p WHERE s.id = p.subscription_id
  RETURNING s.id
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
  WHERE s.status = 'active' AND s.rate_limit IS NULL
  ORDER BY c.next_attempt_at
  LIMIT GREATEST(0, $2::int - (SELECT count(*) FROM rated_picked))
),
all_picked AS (SELECT id FROM picked UNION ALL SELECT id FROM rated_picked)
UPDATE deliveries d SET lease_owner = $4, lease_replica = $5, lease_until = $3
FROM all_picked p, events e, subscriptions s
WHERE d.id = p.id AND e.seq = d.event_seq AND s.id = d.subscription_id
RETURNING d.id, d.attempts, d.schedule_offset, d.next_attempt_at, e.id AS event_id, e.type, e.provider, e.created_at,
  e.received_at, e.data, e.source, e.test, s.id AS subscription_id, s.target_url, s.headers, s.secret, s.previous_secret,
  s.previous_secret_expires_at, (SELECT count(*) FROM advanced) AS advanced`;

/**
 * Complete: every attempt logged and every delivery's new state in one statement, applied
 * only while the lease is still the worker's. It also keeps each subscription's
 * `failing_since` (cleared by a success, set from the first failure after one) and returns
 * those now failing, so the caller can apply RELAY_DISABLE_AFTER. $13-$15: per subscription,
 * the health the batch shows (outcome-health.ts).
 */
export const COMPLETE_SQL = `
WITH o AS (
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::int[], $7::bigint[], $8::int[],
    $9::int[], $10::text[], $11::text[])
    AS o(delivery_id, subscription_id, owner, kind, next_attempt_at, attempt, started_at, duration_ms, status, error, response_body)
),
logged AS (
  INSERT INTO attempts (delivery_id, event_seq, subscription_id, attempt, started_at, duration_ms, status, error, outcome, response_body)
  SELECT o.delivery_id, d.event_seq, o.subscription_id, o.attempt, o.started_at, o.duration_ms, o.status, o.error, o.kind, o.response_body
  FROM o JOIN deliveries d ON d.id = o.delivery_id
),
updated AS (
  UPDATE deliveries d SET
    state = CASE o.kind WHEN 'success' THEN 'succeeded' WHEN 'retry' THEN 'pending' ELSE 'dead' END,
    attempts = d.attempts + 1,
    next_attempt_at = CASE WHEN o.kind = 'retry' THEN COALESCE(o.next_attempt_at, $12) END,
    lease_owner = NULL, lease_replica = NULL, lease_until = 0,
    last_status = o.status, last_error = o.error, updated_at = $12
  FROM o
  WHERE d.id = o.delivery_id AND d.state = 'pending' AND d.lease_owner = o.owner
),
health AS (
  UPDATE subscriptions s SET failing_since = CASE h.mode WHEN 'clear' THEN NULL WHEN 'set' THEN h.since ELSE COALESCE(s.failing_since, h.since) END
  FROM unnest($13::text[], $14::text[], $15::bigint[]) AS h(id, mode, since)
  WHERE s.id = h.id AND (h.mode <> 'clear' OR s.failing_since IS NOT NULL)
  RETURNING s.id, s.failing_since
)
SELECT id, failing_since FROM health WHERE failing_since IS NOT NULL`;

/**
 * Frees the leases of replicas that are gone: a replica's advisory lock dies with its
 * session, so a lock this transaction can take belongs to a dead replica. Its leases would
 * run out anyway; freeing them now sends its unfinished deliveries again within seconds.
 */
export const SWEEP_SQL = `
WITH dead AS (
  DELETE FROM replicas WHERE id <> $1 AND pg_try_advisory_xact_lock(lock_key) RETURNING id
)
UPDATE deliveries d SET lease_owner = NULL, lease_replica = NULL, lease_until = 0
WHERE d.state = 'pending' AND d.lease_until > 0 AND d.lease_replica IS NOT NULL AND d.lease_replica <> $1
  AND (d.lease_replica IN (SELECT id FROM dead) OR NOT EXISTS (SELECT 1 FROM replicas r WHERE r.id = d.lease_replica))`;

/**
 * When the worker should look again: the earliest lease to run out, and the earliest due
 * delivery, which for a rate-limited subscription is no sooner than its next slot (so a
 * worker waiting on a limit sleeps instead of spinning). Without any rate limit the second
 * is one index lookup; with one, it is one per subscription.
 */
export const NEXT_DUE_SQL = `
SELECT LEAST(
  (SELECT MIN(lease_until) FROM deliveries WHERE state = 'pending' AND lease_until > 0),
  CASE WHEN EXISTS (SELECT 1 FROM subscriptions WHERE status = 'active' AND rate_limit IS NOT NULL)
    THEN (SELECT MIN(CASE WHEN s.rate_limit IS NULL THEN t.n ELSE GREATEST(t.n, s.rate_next_at) END)
          FROM subscriptions s CROSS JOIN LATERAL (
            SELECT d.next_attempt_at AS n FROM deliveries d
            WHERE d.subscription_id = s.id AND d.state = 'pending' AND d.lease_until = 0
            ORDER BY d.next_attempt_at LIMIT 1) t
          WHERE s.status = 'active')
    ELSE (SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending' AND lease_until = 0)
  END) AS t`;
