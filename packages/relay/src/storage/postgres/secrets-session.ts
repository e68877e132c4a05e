import { Client } from 'pg';
import { SECRET_QUERIES, secretFields, updateSecretSql, type Row } from '../rows';
import { DatabaseInUseError, type SecretsSession } from '../secrets-session';
import type { SecretField } from '../types';
import { explainConnectError, poolConfig, redactUrl, SCHEMA_PATTERN, type PostgresSettings } from './connection';
import { migrate } from './migrate';

/** How long the rekey waits for a replica's open transaction on the secret tables before giving up. */
const LOCK_TIMEOUT = '10s';

/**
 * The rekey's session on PostgreSQL. Running replicas keep the old key in memory (their
 * source and subscription caches, and every secret they write), so a rekey under them would
 * leave them unable to read what it wrote: it refuses while any replica runs. A live replica
 * holds an advisory lock for as long as its session lasts (the same mark replicas use to free
 * a dead one's leases), so a lock this transaction can take belongs to a replica that is gone.
 * The secret tables are locked ACCESS EXCLUSIVE for the whole transaction, and replicas are
 * counted again under that lock: a replica starting meanwhile waits to read its secrets
 * until the rekey has committed, and then refuses to start under the old key, naming both.
 */
export async function openPostgresSecretsSession(settings: PostgresSettings): Promise<SecretsSession> {
  if (!SCHEMA_PATTERN.test(settings.schema)) {
    throw new Error(`PostgreSQL schema "${settings.schema}" must be lower-case letters, digits and _ (at most 50), starting with a letter or _`);
  }
  const client = new Client({ ...poolConfig(settings, 1), statement_timeout: 60_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    throw explainConnectError(e, settings.url);
  }
  const q = async (sql: string, params: unknown[] = []): Promise<Row[]> => (await client.query(sql, params)).rows as Row[];
  const liveReplicas = async (): Promise<string[]> =>
    (await q('SELECT id FROM replicas WHERE NOT pg_try_advisory_xact_lock(lock_key) ORDER BY started_at')).map((r) => String(r['id']));
  const refuseIfLive = async (): Promise<void> => {
    const live = await liveReplicas();
    if (live.length > 0) {
      throw new DatabaseInUseError(
        `${live.length} relay ${live.length === 1 ? 'replica is' : 'replicas are'} running on ${redactUrl(settings.url)} (schema ${settings.schema}): stop every replica first; a running replica keeps the old key in memory and could not read secrets under the new one`,
      );
    }
  };
  let done = false;
  try {
    // A database from an older relay gets the columns this one reads, as a replica's start would.
    await migrate(client, settings.schema);
    await q('BEGIN');
    await q(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    // First without waiting on any table lock, so a busy replica is named at once.
    await refuseIfLive();
    await q('LOCK TABLE subscriptions, sources IN ACCESS EXCLUSIVE MODE');
    await refuseIfLive();
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
    throw e;
  }
  return {
    async read(): Promise<SecretField[]> {
      return secretFields(await q(SECRET_QUERIES.subscriptions), await q(SECRET_QUERIES.sources));
    },
    async write(fields: readonly SecretField[]): Promise<void> {
      if (done) throw new Error('this session has already written');
      for (const f of fields) await q(updateSecretSql(f, 'postgres'), [f.value, f.id]);
      await q('COMMIT');
      done = true;
    },
    async close(): Promise<void> {
      if (!done) await client.query('ROLLBACK').catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
