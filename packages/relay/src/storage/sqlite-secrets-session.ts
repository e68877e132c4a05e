import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { SECRET_QUERIES, secretFields, updateSecretSql, type Row } from './rows';
import { DatabaseInUseError, type SecretsSession } from './secrets-session';
import { forgetReplacedValues } from './sqlite-admin';
import { lockExclusively } from './sqlite-lock';
import { migrateSqlite } from './sqlite-migrate';
import type { SecretField } from './types';

/**
 * How a rekey knows no relay runs on the file: it takes the file's exclusive lock
 * (lockExclusively) and keeps it to the end of the session, which also keeps a relay from
 * starting halfway through.
 */
export function openSqliteSecretsSession(path: string): SecretsSession {
  // Opening would create an empty database: a mistyped path must be named instead.
  if (path === ':memory:' || !existsSync(path)) throw new Error(`there is no relay database at ${path}`);
  const db = new DatabaseSync(path);
  let done = false;
  try {
    if (!lockExclusively(db)) {
      throw new DatabaseInUseError(
        `the database ${path} is in use: a relay (or another rekey) has it open. Stop the relay first; its secrets cannot change under a running relay, which keeps the old key in memory`,
      );
    }
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    // A database from an older relay gets the columns this one reads, as a relay start would.
    migrateSqlite(db);
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    throw e;
  }
  return {
    async read(): Promise<SecretField[]> {
      return secretFields(db.prepare(SECRET_QUERIES.subscriptions).all() as Row[], db.prepare(SECRET_QUERIES.sources).all() as Row[]);
    },
    async write(fields: readonly SecretField[]): Promise<void> {
      if (done) throw new Error('this session has already written');
      for (const f of fields) db.prepare(updateSecretSql(f, 'sqlite')).run(f.value, f.id);
      db.exec('COMMIT');
      done = true;
      // Values under the old key must not linger in free space: rekeying is often done because that key leaked.
      forgetReplacedValues({ stmt: (sql) => db.prepare(sql) });
    },
    async close(): Promise<void> {
      if (!db.isOpen) return;
      if (db.isTransaction) db.exec('ROLLBACK');
      db.close();
    },
  };
}
