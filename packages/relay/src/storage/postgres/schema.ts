/**
 * The PostgreSQL schema, as numbered migrations applied in order and recorded in
 * `schema_migrations`. It mirrors the SQLite schema (same columns, epoch-ms BIGINTs) with
 * what several replicas need: a UNIQUE dedupe key so deduplication holds across processes,
 * the replica holding each lease, and a table of live replicas.
 * A migration, once released, is never edited: add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE events (
  seq         BIGSERIAL PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  provider    TEXT NOT NULL,
  type        TEXT NOT NULL,
  event       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  dedupe_key  TEXT NOT NULL UNIQUE,
  data        TEXT NOT NULL
);
CREATE INDEX events_by_type ON events (type, seq);
CREATE INDEX events_by_provider ON events (provider, seq);

CREATE TABLE subscriptions (
  seq             BIGSERIAL PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  target_url      TEXT NOT NULL,
  events          TEXT[] NOT NULL,
  headers         TEXT NOT NULL,
  secret          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  status          TEXT NOT NULL,
  disabled_reason TEXT
);

CREATE TABLE deliveries (
  id              BIGSERIAL PRIMARY KEY,
  event_seq       BIGINT NOT NULL REFERENCES events (seq),
  subscription_id TEXT NOT NULL,
  state           TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  schedule_offset INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  lease_owner     TEXT,
  lease_replica   TEXT,
  lease_until     BIGINT NOT NULL DEFAULT 0,
  last_status     INTEGER,
  last_error      TEXT,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  UNIQUE (event_seq, subscription_id)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX deliveries_due_by_subscription ON deliveries (subscription_id, next_attempt_at) WHERE state = 'pending';
CREATE INDEX deliveries_leased ON deliveries (lease_until) WHERE state = 'pending' AND lease_until > 0;
CREATE INDEX deliveries_by_state ON deliveries (state, id);
CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, state);

CREATE TABLE attempts (
  id              BIGSERIAL PRIMARY KEY,
  delivery_id     BIGINT NOT NULL,
  event_seq       BIGINT NOT NULL,
  subscription_id TEXT NOT NULL,
  attempt         INTEGER NOT NULL,
  started_at      BIGINT NOT NULL,
  duration_ms     INTEGER NOT NULL,
  status          INTEGER,
  error           TEXT,
  outcome         TEXT NOT NULL,
  response_body   TEXT
);
CREATE INDEX attempts_by_event ON attempts (event_seq, id);

-- One row per running relay; each holds an advisory lock on its lock_key for as long as its
-- session lives, so a replica whose process died is recognisable at once.
CREATE TABLE replicas (
  id         TEXT PRIMARY KEY,
  lock_key   BIGINT NOT NULL UNIQUE,
  started_at BIGINT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'long_run_sources_tokens',
    // Mirrors SQLite's migration 2. Adding a column with a constant default rewrites no rows
    // on PostgreSQL 11+, so this is quick on a large events table.
    sql: `
ALTER TABLE subscriptions ADD COLUMN description TEXT;
ALTER TABLE subscriptions ADD COLUMN filter TEXT;
ALTER TABLE subscriptions ADD COLUMN rate_limit DOUBLE PRECISION;
ALTER TABLE subscriptions ADD COLUMN rate_next_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN sources TEXT[];
ALTER TABLE subscriptions ADD COLUMN previous_secret TEXT;
ALTER TABLE subscriptions ADD COLUMN previous_secret_expires_at BIGINT;
ALTER TABLE subscriptions ADD COLUMN updated_at TEXT;
ALTER TABLE subscriptions ADD COLUMN failing_since BIGINT;
UPDATE subscriptions SET updated_at = created_at;

ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT 'default';
ALTER TABLE events ADD COLUMN test BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX events_by_source ON events (source, seq);

CREATE TABLE sources (
  seq             BIGSERIAL PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  provider        TEXT NOT NULL,
  name            TEXT NOT NULL,
  webhook_secret  TEXT,
  api_key         TEXT,
  base_url        TEXT,
  organization_id TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);

CREATE TABLE tokens (
  seq          BIGSERIAL PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  sources      TEXT[] NOT NULL,
  created_at   TEXT NOT NULL,
  last_used_at BIGINT
);
`,
  },
];
