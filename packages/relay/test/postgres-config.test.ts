import { describeConfig, loadRelayConfig } from '../src/config';
import { explainConnectError, redactUrl } from '../src/storage/postgres/connection';
import { PostgresStorage } from '../src/storage/postgres/storage';

describe('PostgreSQL configuration', () => {
  test('a postgres:// URL selects PostgreSQL with the default pool, timeout and schema', () => {
    const c = loadRelayConfig({ RELAY_DATABASE_URL: 'postgres://relay:hunter2-secret@db.internal:5432/relay' });
    expect(c.database).toEqual({
      kind: 'postgres',
      url: 'postgres://relay:hunter2-secret@db.internal:5432/relay',
      poolSize: 10,
      statementTimeoutMs: 5_000,
      schema: 'callbridge_relay',
    });
  });

  test('postgresql://, the pool size, the timeout and the schema (from the URL or the variable, which wins)', () => {
    const fromUrl = loadRelayConfig({
      RELAY_DATABASE_URL: 'postgresql://u@h/db?schema=tenant_a',
      RELAY_PG_POOL_SIZE: '25',
      RELAY_PG_STATEMENT_TIMEOUT: '750ms',
    });
    expect(fromUrl.database).toMatchObject({ kind: 'postgres', poolSize: 25, statementTimeoutMs: 750, schema: 'tenant_a' });
    const fromEnv = loadRelayConfig({ RELAY_DATABASE_URL: 'postgresql://u@h/db?schema=tenant_a', RELAY_PG_SCHEMA: 'tenant_b' });
    expect(fromEnv.database).toMatchObject({ schema: 'tenant_b' });
  });

  test('describeConfig and every error message leave the password out', () => {
    const url = 'postgres://relay:hunter2-secret@db.internal:5432/relay';
    const shown = JSON.stringify(describeConfig(loadRelayConfig({ RELAY_DATABASE_URL: url })));
    expect(shown).toContain('db.internal');
    expect(shown).not.toContain('hunter2-secret');
    expect(redactUrl(url)).toBe('postgres://relay:***@db.internal:5432/relay');
    const refused = explainConnectError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' }), url);
    expect(refused.message).toMatch(/could not connect to PostgreSQL at postgres:\/\/relay:\*\*\*@db\.internal:5432\/relay: nothing is listening/);
    expect(refused.message).not.toContain('hunter2-secret');
    expect(() => loadRelayConfig({ RELAY_DATABASE_URL: 'postgres://relay:hunter2-secret@' })).toThrow(/RELAY_DATABASE_URL/);
    try {
      loadRelayConfig({ RELAY_DATABASE_URL: 'postgres://relay:hunter2-secret@' });
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2-secret');
    }
  });

  test('an unreachable server fails the start with a clear error, leaving nothing open', async () => {
    // Port 1 on loopback: nothing listens there, the refusal is immediate.
    const started = PostgresStorage.open({
      url: 'postgres://relay:hunter2-secret@127.0.0.1:1/relay',
      poolSize: 2,
      statementTimeoutMs: 1_000,
      schema: 'callbridge_relay',
    });
    await expect(started).rejects.toThrow(/could not connect to PostgreSQL at postgres:\/\/relay:\*\*\*@127\.0\.0\.1:1\/relay: nothing is listening/);
    await started.catch((e: Error) => expect(e.message).not.toContain('hunter2-secret'));
  });
});
