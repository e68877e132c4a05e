import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PostgresStorage } from '../../src/storage/postgres/storage';
import type { RelayStorage } from '../../src/storage/types';

/**
 * PostgreSQL for tests: the server named by CALLBRIDGE_TEST_POSTGRES_URL (CI sets it to the
 * local server), one fresh schema per database a test opens, all dropped afterwards.
 * Without the variable the PostgreSQL suites are skipped and say so.
 */
export const PG_URL = process.env['CALLBRIDGE_TEST_POSTGRES_URL'];
export const PG_SKIP_NOTE = 'PostgreSQL (skipped: set CALLBRIDGE_TEST_POSTGRES_URL to run these)';

const run = randomBytes(4).toString('hex');
const created = new Set<string>();

/** A schema name unique to this test run, the same each time for one key (a reopen finds its data). */
export function testSchema(key: string): string {
  const schema = `relay_t_${run}_${createHash('sha1').update(key).digest('hex').slice(0, 12)}`;
  created.add(schema);
  return schema;
}

export function openTestPostgres(key: string, extra: { poolSize?: number } = {}): Promise<PostgresStorage> {
  if (!PG_URL) throw new Error('CALLBRIDGE_TEST_POSTGRES_URL is not set');
  return PostgresStorage.open({ url: PG_URL, poolSize: extra.poolSize ?? 4, statementTimeoutMs: 5_000, schema: testSchema(key) });
}

/** A storage-suite backend keyed by the SQLite path the suite would have used. */
export const postgresBackend = async (path: string): Promise<RelayStorage> => openTestPostgres(path);

/** Drops every schema this test file created. */
export async function dropTestSchemas(): Promise<void> {
  if (!PG_URL || created.size === 0) return;
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    for (const schema of created) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    created.clear();
  } finally {
    await client.end();
  }
}
