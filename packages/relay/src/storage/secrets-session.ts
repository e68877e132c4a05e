import type { DatabaseConfig } from '../config';
import { openPostgresSecretsSession } from './postgres/secrets-session';
import { openSqliteSecretsSession } from './sqlite-secrets-session';
import type { SecretField } from './types';

/**
 * Sole access to a relay database's secrets, for `callbridge relay rekey`: opening one
 * refuses while a relay uses the database (DatabaseInUseError), and keeps any relay from
 * starting on it until the session closes. `read` and `write` run in one transaction: what
 * `write` stores is exactly the rewrite of what `read` returned, and if the process dies
 * before `write` commits, nothing changed.
 */
export interface SecretsSession {
  read(): Promise<SecretField[]>;
  /** Stores the fields and commits; the session is then done. */
  write(fields: readonly SecretField[]): Promise<void>;
  /** Ends the session; an uncommitted transaction is rolled back. */
  close(): Promise<void>;
}

/** A relay (or another rekey) holds the database. */
export class DatabaseInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseInUseError';
  }
}

export async function openSecretsSession(database: DatabaseConfig): Promise<SecretsSession> {
  switch (database.kind) {
    case 'sqlite':
      return openSqliteSecretsSession(database.path);
    case 'postgres':
      return openPostgresSecretsSession(database);
  }
}
