/**
 * The SQLite schema, as numbered migrations applied in order on open and recorded in
 * `meta.schema_version`. Timestamps the worker compares are epoch ms integers; the event's
 * own `created_at` stays the ISO text the provider (or the relay) gave it.
 * A migration, once released, is never edited: add the next one. Each mirrors the
 * PostgreSQL migration of the same number (postgres/schema.ts).
 */
export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

/** The schema every relay created before migrations were numbered (it recorded version 1). */
const INITIAL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS events (
  seq         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  provider    TEXT NOT NULL,
  type        TEXT NOT NULL,
  event       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  dedupe_key  TEXT NOT NULL,
  data        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_type ON events (type, seq);
CREATE INDEX IF NOT EXISTS events_by_provider ON events (provider, seq);

CREATE TABLE IF NOT EXISTS subscriptions (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  target_url      TEXT NOT NULL,
  events          TEXT NOT NULL,
  headers         TEXT NOT NULL,
  secret          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  status          TEXT NOT NULL,
  disabled_reason TEXT
);

CREATE TABLE IF NOT EXISTS deliveries (
  id              INTEGER PRIMARY KEY,
  event_seq       INTEGER NOT NULL REFERENCES events (seq),
  subscription_id TEXT NOT NULL,
  state           TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  schedule_offset INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  lease_owner     TEXT,
  lease_until     INTEGER NOT NULL DEFAULT 0,
  last_status     INTEGER,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (event_seq, subscription_id)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_due_by_subscription ON deliveries (subscription_id, next_attempt_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_leased ON deliveries (lease_until) WHERE state = 'pending' AND lease_until > 0;
CREATE INDEX IF NOT EXISTS deliveries_by_state ON deliveries (state, id);
CREATE INDEX IF NOT EXISTS deliveries_by_subscription ON deliveries (subscription_id, state);

CREATE TABLE IF NOT EXISTS attempts (
  id              INTEGER PRIMARY KEY,
  delivery_id     INTEGER NOT NULL,
  event_seq       INTEGER NOT NULL,
  subscription_id TEXT NOT NULL,
  attempt         INTEGER NOT NULL,
  started_at      INTEGER NOT NULL,
  duration_ms     INTEGER NOT NULL,
  status          INTEGER,
  error           TEXT,
  outcome         TEXT NOT NULL,
  response_body   TEXT
);
CREATE INDEX IF NOT EXISTS attempts_by_event ON attempts (event_seq, id);
`;

/**
 * The long run (subscriptions you can edit, filter, rate-limit and rotate; retention) and
 * sources with scoped tokens. Existing rows keep their meaning: every event came from the
 * environment-configured source `default`, no subscription had a filter or limit.
 */
const LONG_RUN = `
ALTER TABLE subscriptions ADD COLUMN description TEXT;
ALTER TABLE subscriptions ADD COLUMN filter TEXT;
ALTER TABLE subscriptions ADD COLUMN rate_limit REAL;
ALTER TABLE subscriptions ADD COLUMN rate_next_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN sources TEXT;
ALTER TABLE subscriptions ADD COLUMN previous_secret TEXT;
ALTER TABLE subscriptions ADD COLUMN previous_secret_expires_at INTEGER;
ALTER TABLE subscriptions ADD COLUMN updated_at TEXT;
ALTER TABLE subscriptions ADD COLUMN failing_since INTEGER;
UPDATE subscriptions SET updated_at = created_at;

ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT 'default';
ALTER TABLE events ADD COLUMN test INTEGER NOT NULL DEFAULT 0;
CREATE INDEX events_by_source ON events (source, seq);

CREATE TABLE sources (
  seq             INTEGER PRIMARY KEY,
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
  seq          INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  sources      TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_used_at INTEGER
);
`;

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  { version: 1, name: 'initial', sql: INITIAL },
  { version: 2, name: 'long_run_sources_tokens', sql: LONG_RUN },
];

export const SQLITE_SCHEMA_VERSION = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version));
