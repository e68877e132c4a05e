import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '@callbridge/core';
import { RelayConfigError } from '../src/config';
import { hashToken } from '../src/security/auth';
import { TokenRegistry } from '../src/security/principals';
import { SecretBox } from '../src/security/secret-box';
import { openSecretsAtRest, rekeySecrets } from '../src/security/secrets-at-rest';
import { SourceRegistry } from '../src/sources/registry';
import { SqliteStorage } from '../src/storage/sqlite';
import type { RelayStorage } from '../src/storage/types';
import { tempDir } from './support/harness';
import { dropTestSchemas, openTestPostgres, PG_SKIP_NOTE, PG_URL } from './support/postgres';

afterAll(dropTestSchemas);

async function plainSubscription(s: RelayStorage, id: string): Promise<void> {
  await s.createSubscription({
    id,
    targetUrl: 'https://example.com/h',
    events: ['*'],
    headers: { 'x-make-apikey': 'make-secret-value' },
    secret: 'whsec_cGxhaW4tc2VjcmV0',
    createdAt: '2026-01-01T00:00:00Z',
  });
}

const source = (id: string, webhookSecret: string, apiKey: string | null = null) => ({
  id,
  provider: 'vyora',
  name: id,
  webhookSecret,
  apiKey,
  baseUrl: null,
  organizationId: null,
  createdAt: 'x',
  updatedAt: 'x',
});

describe('secrets at rest on SQLite', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  beforeEach(() => {
    dir = tempDir();
    path = join(dir.dir, 'relay.db');
  });
  afterEach(() => dir.remove());

  test('a key file is made on first start; plain values an older relay stored are sealed; the raw file holds none of them', async () => {
    const s = new SqliteStorage({ path });
    await plainSubscription(s, 'sub_1');
    const at = await openSecretsAtRest(s, { database: { kind: 'sqlite', path } });
    expect([at.keySource, at.keyFile, at.keyFileCreated]).toEqual(['file', `${path}.key`, true]);
    const sub = await s.getSubscription('sub_1');
    expect(sub?.secret).toMatch(/^enc:v1:/);
    expect(sub?.headers['x-make-apikey']).toMatch(/^enc:v1:/);
    expect(at.reveal(sub!.secret)).toBe('whsec_cGxhaW4tc2VjcmV0');
    expect(at.reveal(sub!.headers['x-make-apikey']!)).toBe('make-secret-value');
    await s.createSource(source('src_aaaaaaaaaa', at.seal('source-webhook-secret'), at.seal('vya_source_api_key')));
    await s.close();
    const raw = readFileSync(path).toString('latin1') + (existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`).toString('latin1') : '');
    for (const secret of ['cGxhaW4tc2VjcmV0', 'make-secret-value', 'source-webhook-secret', 'vya_source_api_key']) expect(raw).not.toContain(secret);
    // Restart with the same key file: everything reads back.
    const again = new SqliteStorage({ path });
    const at2 = await openSecretsAtRest(again, { database: { kind: 'sqlite', path } });
    expect(at2.keyFileCreated).toBe(false);
    const registry = new SourceRegistry(again, at2, { vyora: { webhookSecret: 'env-secret' } });
    await registry.start();
    expect(registry.get('vyora', 'src_aaaaaaaaaa')).toMatchObject({ webhookSecret: 'source-webhook-secret', apiKey: 'vya_source_api_key', managedBy: 'api' });
    expect(registry.get('vyora', 'default')).toMatchObject({ webhookSecret: 'env-secret', managedBy: 'environment' });
    expect(registry.get('aila', 'src_aaaaaaaaaa')).toBeUndefined();
    registry.close();
    await again.close();
  });

  test('sealing what an older relay stored in plain leaves no copy of it in the file, its WAL or their free space', async () => {
    const s = new SqliteStorage({ path });
    // Long values and many rows: sealing grows each value, so rows move and pages are freed.
    const plain = (i: number) => `plain-make-key-${String(i).padStart(4, '0')}-${'k'.repeat(3000)}`;
    for (let i = 0; i < 40; i++) {
      await s.createSubscription({
        id: `sub_${i}`,
        targetUrl: 'https://example.com/h',
        events: ['*'],
        headers: { 'x-make-apikey': plain(i) },
        secret: 'whsec_cGxhaW4tc2VjcmV0',
        createdAt: '2026-01-01T00:00:00Z',
      });
    }
    await s.close();
    const again = new SqliteStorage({ path });
    await openSecretsAtRest(again, { database: { kind: 'sqlite', path } });
    const raw = () => readFileSync(path).toString('latin1') + (existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`).toString('latin1') : '');
    // While the relay runs, not only after it closes: the WAL is the first place a copy would stay.
    expect(raw()).not.toContain('plain-make-key-');
    expect(raw()).not.toContain('cGxhaW4tc2VjcmV0');
    await again.close();
    expect(raw()).not.toContain('plain-make-key-');
  });

  test('a new database file and its WAL are readable by the owner only; an existing file keeps its mode', async () => {
    const s = new SqliteStorage({ path });
    await plainSubscription(s, 'sub_1');
    for (const file of [path, `${path}-wal`]) expect([file, (statSync(file).mode & 0o777).toString(8)]).toEqual([file, '600']);
    await s.close();
    const other = join(dir.dir, 'chosen.db');
    writeFileSync(other, '');
    chmodSync(other, 0o640);
    const t = new SqliteStorage({ path: other });
    await t.close();
    expect((statSync(other).mode & 0o777).toString(8)).toBe('640');
  });

  test('a wrong key or a missing key file stops the start, naming both key ids, decrypting nothing', async () => {
    const s = new SqliteStorage({ path });
    await plainSubscription(s, 'sub_1');
    const at = await openSecretsAtRest(s, { database: { kind: 'sqlite', path } });
    const wrong = randomBytes(32).toString('hex');
    const e = await openSecretsAtRest(s, { database: { kind: 'sqlite', path }, encryptionKey: wrong }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RelayConfigError);
    expect((e as Error).message).toContain(`encrypted with key ${at.box!.keyId}`);
    expect((e as Error).message).toContain(`holds key ${new SecretBox(Buffer.from(wrong, 'hex')).keyId}`);
    expect((e as Error).message).not.toContain(wrong);
    // Stored values are untouched by the refused start.
    expect(at.reveal((await s.getSubscription('sub_1'))!.secret)).toBe('whsec_cGxhaW4tc2VjcmV0');
    const { unlinkSync } = await import('node:fs');
    unlinkSync(`${path}.key`);
    await expect(openSecretsAtRest(s, { database: { kind: 'sqlite', path } })).rejects.toThrow(/key file .* is missing, but the database holds encrypted secrets/);
    expect(existsSync(`${path}.key`)).toBe(false);
    await s.close();
  });

  test('rekey moves every secret to a new key; running it again changes nothing', async () => {
    const s = new SqliteStorage({ path });
    const oldKey = randomBytes(32).toString('hex');
    const newKey = randomBytes(32).toString('base64');
    const at = await openSecretsAtRest(s, { database: { kind: 'sqlite', path }, encryptionKey: oldKey });
    await s.createSubscription({
      id: 'sub_1',
      targetUrl: 'https://example.com/h',
      events: ['*'],
      headers: at.sealHeaders({ 'x-a': 'one' }),
      secret: at.seal('whsec_b25l'),
      createdAt: 'x',
    });
    await s.createSource(source('src_aaaaaaaaaa', at.seal('wsec')));
    const to = new SecretBox(Buffer.from(newKey, 'base64'));
    expect(await rekeySecrets(s, at.box!, to)).toBe(3);
    expect(await rekeySecrets(s, at.box!, to)).toBe(0);
    const after = await openSecretsAtRest(s, { database: { kind: 'sqlite', path }, encryptionKey: newKey });
    const sub = await s.getSubscription('sub_1');
    expect([after.reveal(sub!.secret), after.reveal(sub!.headers['x-a']!)]).toEqual(['whsec_b25l', 'one']);
    await expect(openSecretsAtRest(s, { database: { kind: 'sqlite', path }, encryptionKey: oldKey })).rejects.toThrow(/encrypted with key/);
    await s.close();
  });
});

describe('scoped tokens in memory', () => {
  test('the admin and each live token authenticate; a revoked one stops at once; last use is written back', async () => {
    const dir = tempDir();
    const s = new SqliteStorage({ path: join(dir.dir, 'relay.db') });
    const registry = new TokenRegistry(s, hashToken('admin-token-0123456789'), systemClock);
    await registry.start();
    await s.createToken({ id: 'tok_a', name: 'Client A', tokenHash: hashToken('cbr_scoped_a').toString('hex'), sources: ['src_a'], createdAt: 'x', lastUsedAt: null });
    await registry.reload();
    expect(registry.authenticate('admin-token-0123456789')).toEqual({ kind: 'admin' });
    expect(registry.authenticate('cbr_scoped_a')).toEqual({ kind: 'scoped', id: 'tok_a', name: 'Client A', sources: ['src_a'] });
    expect(registry.authenticate('cbr_scoped_b')).toBeNull();
    await registry.flushTouches();
    expect((await s.listTokens(10)).items[0]?.lastUsedAt).toBeGreaterThan(0);
    await s.deleteToken('tok_a');
    // The storage's change notice reloads the registry.
    for (let i = 0; i < 50 && registry.authenticate('cbr_scoped_a'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(registry.authenticate('cbr_scoped_a')).toBeNull();
    await registry.close();
    await s.close();
    dir.remove();
  });
});

const pg = PG_URL ? describe : describe.skip;
pg(PG_URL ? 'secrets at rest on PostgreSQL' : PG_SKIP_NOTE, () => {
  test('without RELAY_ENCRYPTION_KEY nothing is sealed until a source exists; then the start is refused with the reason', async () => {
    const s = await openTestPostgres('secrets-no-key');
    try {
      const at = await openSecretsAtRest(s, { database: { kind: 'postgres', url: PG_URL as string, poolSize: 1, statementTimeoutMs: 1000, schema: 'x' } });
      expect([at.keySource, at.seal('v')]).toEqual(['none', 'v']);
      await s.createSource(source('src_aaaaaaaaaa', 'plain'));
      await expect(
        openSecretsAtRest(s, { database: { kind: 'postgres', url: PG_URL as string, poolSize: 1, statementTimeoutMs: 1000, schema: 'x' } }),
      ).rejects.toThrow(/RELAY_ENCRYPTION_KEY: is required on PostgreSQL once sources exist/);
      const key = randomBytes(32).toString('hex');
      const sealed = await openSecretsAtRest(s, { database: { kind: 'postgres', url: PG_URL as string, poolSize: 1, statementTimeoutMs: 1000, schema: 'x' }, encryptionKey: key });
      expect((await s.getSource('src_aaaaaaaaaa'))?.webhookSecret).toMatch(/^enc:v1:/);
      expect(sealed.reveal((await s.getSource('src_aaaaaaaaaa'))!.webhookSecret!)).toBe('plain');
    } finally {
      await s.close();
    }
  });
});
