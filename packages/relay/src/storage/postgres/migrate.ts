import type { ClientBase } from 'pg';
import { MIGRATIONS } from './schema';

/** Advisory-lock class for migrations; the schema's hash is the object, so schemas migrate independently. */
const MIGRATION_LOCK_CLASS = 0x52_4c_59_31; // "RLY1"

/**
 * Brings `schema` up to the newest migration, in one transaction that first takes an
 * advisory lock: replicas starting together queue here, and each after the first finds
 * nothing left to do. A database migrated by a newer relay is refused rather than guessed at.
 * Returns the versions this call applied.
 */
export async function migrate(client: ClientBase, schema: string): Promise<number[]> {
  const applied: number[] = [];
  await client.query('BEGIN');
  try {
    // Waiting for another replica's migration is expected; the pool's statement timeout is not for this.
    await client.query("SET LOCAL statement_timeout = '120s'");
    await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET LOCAL search_path = ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version    INTEGER PRIMARY KEY,
         name       TEXT NOT NULL,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
       )`,
    );
    const rows = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.rows.map((r) => Number(r.version)));
    const newest = Math.max(...MIGRATIONS.map((m) => m.version));
    const ahead = [...done].filter((v) => v > newest);
    if (ahead.length > 0) {
      throw new Error(
        `PostgreSQL schema "${schema}" has migration ${Math.max(...ahead)}, newer than this relay knows (${newest}); upgrade the relay`,
      );
    }
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
