import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';
import { MIGRATIONS } from '../src/storage/postgres/schema';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from '../src/storage/schema';
import { SqliteStorage } from '../src/storage/sqlite';
import type { RelayStorage } from '../src/storage/types';
import { tempDir } from './support/harness';
import { dropTestSchemas, openTestPostgres, PG_SKIP_NOTE, PG_URL, testSchema } from './support/postgres';

/**
 * A database written by the relay before this round (schema 1) is upgraded in place on
 * open, keeping every event, delivery, attempt, subscription and setting, which then read
 * back with the new fields' defaults (source `default`, no filter, active).
 */
afterAll(dropTestSchemas);

/** Rows as the previous relay wrote them: only the columns schema 1 had. */
const V1_ROWS = `
INSERT INTO subscriptions (id, target_url, events, headers, secret, created_at, status, disabled_reason)
  VALUES ('sub_old', 'https://example.com/hook', '["vyora.*"]', '{"x-make-apikey":"k"}', 'whsec_b2xk', '2026-01-01T00:00:00Z', 'active', NULL);
INSERT INTO subscriptions (id, target_url, events, headers, secret, created_at, status, disabled_reason)
  VALUES ('sub_gone', 'https://example.com/gone', '["*"]', '{}', 'whsec_Z29uZQ==', '2026-01-02T00:00:00Z', 'disabled', 'the receiver answered 410 Gone');
INSERT INTO events (seq, id, provider, type, event, created_at, received_at, dedupe_key, data)
  VALUES (1, 'evt_old_1', 'vyora', 'vyora.call_completed', 'call_completed', '2026-01-01T00:00:00Z', 1000, 'call_completed:c1', '{"call_id":"c1"}');
INSERT INTO deliveries (id, event_seq, subscription_id, state, attempts, next_attempt_at, created_at, updated_at)
  VALUES (1, 1, 'sub_old', 'pending', 1, 5000, 1000, 2000);
INSERT INTO attempts (delivery_id, event_seq, subscription_id, attempt, started_at, duration_ms, status, error, outcome, response_body)
  VALUES (1, 1, 'sub_old', 1, 1500, 12, 500, 'HTTP 500', 'retry', 'oops');
INSERT INTO meta (key, value) VALUES ('setting:api_token_sha256', '${'ab'.repeat(32)}');
`;

async function expectUpgraded(s: RelayStorage): Promise<void> {
  const sub = await s.getSubscription('sub_old');
  expect(sub).toMatchObject({
    targetUrl: 'https://example.com/hook',
    events: ['vyora.*'],
    headers: { 'x-make-apikey': 'k' },
    secret: 'whsec_b2xk',
    status: 'active',
    description: null,
    filter: null,
    rateLimitPerSecond: null,
    sources: null,
    previousSecret: null,
    updatedAt: '2026-01-01T00:00:00Z',
  });
  expect(await s.getSubscription('sub_gone')).toMatchObject({ status: 'disabled', disabledReason: 'the receiver answered 410 Gone' });
  expect(await s.getEvent('evt_old_1')).toMatchObject({ type: 'vyora.call_completed', source: 'default', test: false, data: '{"call_id":"c1"}' });
  expect((await s.listDeliveries({ limit: 10 })).items).toMatchObject([{ id: 1, eventId: 'evt_old_1', state: 'pending', attempts: 1, source: 'default' }]);
  expect(await s.listAttempts('evt_old_1')).toMatchObject([{ attempt: 1, status: 500, outcome: 'retry', responseBody: 'oops' }]);
  expect(await s.getSetting('api_token_sha256')).toBe('ab'.repeat(32));
  // The upgraded database works as a new one: the old event deduplicates, new ones fan out.
  const again = await s.ingest([
    { id: 'evt_old_1', type: 'vyora.call_completed', provider: 'vyora', event: 'call_completed', createdAt: 'x', receivedAt: 9_000, dedupeKey: 'call_completed:c1', data: '{}' },
  ]);
  expect(again[0]?.duplicate).toBe(true);
  const fresh = await s.ingest([
    { id: 'evt_new_1', type: 'vyora.call_started', provider: 'vyora', event: 'call_started', createdAt: 'x', receivedAt: 9_000, dedupeKey: 'call_started:c2', data: '{}' },
  ]);
  expect(fresh[0]).toMatchObject({ duplicate: false, deliveries: 1 });
  expect(await s.updateSubscription('sub_old', { filter: '{"data.call_id":"c3"}' }, 10_000)).toMatchObject({ filter: '{"data.call_id":"c3"}' });
}

describe('SQLite: a schema-1 database is upgraded in place', () => {
  test('every row survives and reads back with the new fields', async () => {
    const dir = tempDir();
    const path = join(dir.dir, 'relay.db');
    const old = new DatabaseSync(path);
    old.exec((SQLITE_MIGRATIONS[0] as { sql: string }).sql);
    old.exec("INSERT INTO meta (key, value) VALUES ('schema_version', '1')");
    old.exec(V1_ROWS);
    old.close();
    const s = new SqliteStorage({ path });
    try {
      await expectUpgraded(s);
    } finally {
      await s.close();
    }
    const check = new DatabaseSync(path);
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SQLITE_SCHEMA_VERSION) });
    check.close();
    // Opening again applies nothing twice.
    const reopened = new SqliteStorage({ path });
    expect((await reopened.getSubscription('sub_old'))?.filter).toBe('{"data.call_id":"c3"}');
    await reopened.close();
    dir.remove();
  });

  test('a database from a newer relay is refused, not guessed at', () => {
    const dir = tempDir();
    const path = join(dir.dir, 'relay.db');
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '99')");
    db.close();
    expect(() => new SqliteStorage({ path })).toThrow(/schema version 99, newer than this relay knows/);
    dir.remove();
  });
});

const pg = PG_URL ? describe : describe.skip;
pg(PG_URL ? 'PostgreSQL: a schema-1 database is upgraded in place' : PG_SKIP_NOTE, () => {
  test('every row survives and reads back with the new fields', async () => {
    const key = 'migrate-v1';
    const schema = testSchema(key);
    const client = new Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`SET search_path = ${schema}`);
      await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      await client.query((MIGRATIONS[0] as { sql: string }).sql);
      await client.query("INSERT INTO schema_migrations (version, name) VALUES (1, 'initial')");
      // PostgreSQL keeps the events list as text[].
      await client.query(V1_ROWS.replace(`'["vyora.*"]'`, `ARRAY['vyora.*']`).replace(`'["*"]'`, `ARRAY['*']`));
      await client.query("SELECT setval('events_seq_seq', 1); SELECT setval('deliveries_id_seq', 1)");
    } finally {
      await client.end();
    }
    const s = await openTestPostgres(key);
    try {
      await expectUpgraded(s);
    } finally {
      await s.close();
    }
  });
});
