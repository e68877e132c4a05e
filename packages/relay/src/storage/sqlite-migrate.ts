import type { DatabaseSync } from 'node:sqlite';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from './schema';

/**
 * Brings an SQLite database up to the newest migration, each in its own transaction, and
 * records the version reached in `meta`. A database written by a newer relay is refused
 * rather than guessed at. Returns the versions applied.
 */
export function migrateSqlite(db: DatabaseSync): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value?: unknown } | undefined;
  const current = row && typeof row.value === 'string' ? Number(row.value) : 0;
  if (!Number.isInteger(current) || current < 0) throw new Error(`the database's schema_version "${String(row?.value)}" is not a version number`);
  if (current > SQLITE_SCHEMA_VERSION) {
    throw new Error(`the database has schema version ${current}, newer than this relay knows (${SQLITE_SCHEMA_VERSION}); upgrade the relay`);
  }
  const applied: number[] = [];
  for (const m of SQLITE_MIGRATIONS) {
    if (m.version <= current) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(m.sql);
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
        String(m.version),
      );
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw new Error(`migration ${m.version} (${m.name}) failed: ${(e as Error).message}`);
    }
    applied.push(m.version);
  }
  return applied;
}
