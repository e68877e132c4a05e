import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseConfig } from '../config';
import { PostgresStorage } from './postgres/storage';
import { SqliteStorage } from './sqlite';
import { ThreadedSqliteStorage } from './threaded';
import type { RelayStorage } from './types';

/** The compiled worker entry; absent when running from TypeScript sources (the tests). */
export const SQLITE_WORKER_FILE = join(__dirname, 'sqlite-worker.js');

/**
 * The backend a database URL names. SQLite runs in a worker thread when the compiled
 * worker is available (always, from dist), in process otherwise. PostgreSQL connects,
 * migrates and registers this process as one of possibly several replicas.
 */
export async function openStorage(database: DatabaseConfig, options: { thread?: boolean } = {}): Promise<RelayStorage> {
  switch (database.kind) {
    case 'sqlite': {
      const thread = options.thread ?? existsSync(SQLITE_WORKER_FILE);
      if (!thread) return new SqliteStorage({ path: database.path });
      const storage = new ThreadedSqliteStorage(SQLITE_WORKER_FILE, database.path);
      try {
        await storage.ready();
      } catch (e) {
        await storage.close().catch(() => undefined);
        throw e;
      }
      return storage;
    }
    case 'postgres':
      return PostgresStorage.open(database);
  }
}
