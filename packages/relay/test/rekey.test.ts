import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Webhook } from 'standardwebhooks';
import { RelayConfigError, type DatabaseConfig } from '../src/config';
import { keyFilePath, pendingKeyFilePath, readKeyFile, writeKeyFile } from '../src/security/key-file';
import { rekeyRelay } from '../src/security/rekey';
import { isEncrypted, SecretBox } from '../src/security/secret-box';
import { ForeignKeyError, openSecretsAtRest, rekeySecrets } from '../src/security/secrets-at-rest';
import { PostgresStorage } from '../src/storage/postgres/storage';
import { DatabaseInUseError } from '../src/storage/secrets-session';
import { SqliteStorage } from '../src/storage/sqlite';
import type { RelayStorage, SecretField } from '../src/storage/types';
import { assertBuilt, startRelayChild } from './support/child-relay';
import { api, get, postHook, startReceiver, startTestRelay, tempDir, vyoraEvent, type Receiver, type TestRelay } from './support/harness';
import { dropTestSchemas, PG_SKIP_NOTE, PG_URL, testSchema } from './support/postgres';

afterAll(dropTestSchemas);

/** What a relay holds that the rekey must carry over, in plain, to check after restarts. */
interface Stored {
  sourceId: string;
  sourceSecret: string;
  subscriptionSecret: string;
  previousSecret: string;
  headerValue: string;
}

const HEADER_VALUE = 'make-api-key-7d1c0e9b';
const SOURCE_SECRET = 'acme-vyora-webhook-secret-42';
const SOURCE_API_KEY = 'vya_live_acme_api_key_42';

/** A source with a secret and an API key, a subscription to it with a custom header, rotated once (so it has a previous secret). */
async function populate(url: string, receiver: Receiver): Promise<Stored> {
  const source = await api(url, 'POST', '/v1/sources', { provider: 'vyora', name: 'Acme', webhook_secret: SOURCE_SECRET, api_key: SOURCE_API_KEY });
  expect(source.status).toBe(201);
  const sourceId = get(source.body, 'id') as string;
  const sub = await api(url, 'POST', '/v1/subscriptions', {
    target_url: `${receiver.url}/hook`,
    events: ['vyora.*'],
    headers: { 'x-make-apikey': HEADER_VALUE },
    sources: [sourceId],
  });
  expect(sub.status).toBe(201);
  const rotated = await api(url, 'POST', `/v1/subscriptions/${get(sub.body, 'id') as string}/rotate-secret`);
  expect(rotated.status).toBe(200);
  return {
    sourceId,
    sourceSecret: SOURCE_SECRET,
    subscriptionSecret: get(rotated.body, 'secret') as string,
    previousSecret: get(sub.body, 'secret') as string,
    headerValue: HEADER_VALUE,
  };
}

/**
 * The relay after a rekey: the source's webhooks verify with its secret (and only with it),
 * and the delivery carries the header value and signatures that standardwebhooks verifies
 * with the subscription's current secret and with its previous one.
 */
async function expectWorking(relay: TestRelay, receiver: Receiver, stored: Stored): Promise<void> {
  const before = receiver.received.length;
  const forged = await postHook(relay.url, 'vyora', vyoraEvent(), { source: stored.sourceId, secret: 'not-the-source-secret' });
  expect(forged.status).toBe(401);
  const body = vyoraEvent();
  const accepted = await postHook(relay.url, 'vyora', body, { source: stored.sourceId, secret: stored.sourceSecret });
  expect(accepted.status).toBe(200);
  const [delivered] = (await receiver.waitFor(before + 1)).slice(before);
  const headers = {
    'webhook-id': String(delivered!.headers['webhook-id']),
    'webhook-timestamp': String(delivered!.headers['webhook-timestamp']),
    'webhook-signature': String(delivered!.headers['webhook-signature']),
  };
  for (const secret of [stored.subscriptionSecret, stored.previousSecret]) {
    expect(new Webhook(secret).verify(delivered!.body, headers)).toMatchObject({ id: get(accepted.body, 'id'), source: stored.sourceId, data: JSON.parse(body) as unknown });
  }
  expect(delivered!.headers['x-make-apikey']).toBe(stored.headerValue);
}

/** Each stored value split out of header maps, with the key id it is under (null: plain). */
/** Each stored value of a field: a headers field holds one per header. */
function sealedValues(f: SecretField): string[] {
  return f.column === 'headers' ? Object.values(JSON.parse(f.value) as Record<string, string>) : [f.value];
}

function keyIdsOf(fields: readonly SecretField[]): Array<string | null> {
  return fields.flatMap(sealedValues).map((v) => (isEncrypted(v) ? SecretBox.keyIdIn(v) : null));
}

async function readStored(database: DatabaseConfig): Promise<SecretField[]> {
  let storage: RelayStorage;
  if (database.kind === 'sqlite') storage = new SqliteStorage({ path: database.path });
  else storage = await PostgresStorage.open(database);
  try {
    return await storage.readSecrets();
  } finally {
    await storage.close();
  }
}

const hexKey = (): string => randomBytes(32).toString('hex');
const boxOf = (hex: string): SecretBox => new SecretBox(Buffer.from(hex, 'hex'));

describe('callbridge relay rekey on SQLite with the key file', () => {
  let dir: ReturnType<typeof tempDir>;
  let receiver: Receiver;
  let database: DatabaseConfig & { kind: 'sqlite' };
  let stored: Stored;
  beforeEach(async () => {
    dir = tempDir();
    receiver = await startReceiver();
    database = { kind: 'sqlite', path: join(dir.dir, 'relay.db') };
    const relay = await startTestRelay({}, dir.dir);
    stored = await populate(relay.url, receiver);
    await relay.close();
  });
  afterEach(async () => {
    await receiver.close();
    dir.remove();
  });

  test('moves every secret to a generated key in the key file; the relay restarts on it and works', async () => {
    const oldKey = readKeyFile(keyFilePath(database.path));
    const oldId = new SecretBox(oldKey).keyId;
    // Every secret: the subscription's current and previous secrets, its header, the source's secret and key.
    expect(keyIdsOf(await readStored(database))).toEqual([oldId, oldId, oldId, oldId, oldId]);
    const sealedUnderOld = (await readStored(database)).flatMap(sealedValues);

    const report = await rekeyRelay({ database });
    expect(report).toMatchObject({ rewritten: 5, unchanged: 0, fromKeyId: oldId, resumed: false, newKeyIn: { kind: 'file', path: keyFilePath(database.path), generated: true } });
    const newKey = readKeyFile(keyFilePath(database.path));
    expect(newKey.equals(oldKey)).toBe(false);
    expect(new SecretBox(newKey).keyId).toBe(report.toKeyId);
    expect(statSync(keyFilePath(database.path)).mode & 0o777).toBe(0o600);
    expect(existsSync(pendingKeyFilePath(database.path))).toBe(false);
    expect(keyIdsOf(await readStored(database))).toEqual(Array(5).fill(report.toKeyId));
    // The raw file holds no secret in plain, before or after.
    const raw = readFileSync(database.path).toString('latin1') + (existsSync(`${database.path}-wal`) ? readFileSync(`${database.path}-wal`).toString('latin1') : '');
    for (const secret of [SOURCE_SECRET, SOURCE_API_KEY, HEADER_VALUE, stored.subscriptionSecret.slice(6), stored.previousSecret.slice(6)]) expect(raw).not.toContain(secret);
    // Nor what the old key sealed: a rekey is often done because that key leaked.
    expect(sealedUnderOld.length).toBe(5);
    for (const old of sealedUnderOld) expect(raw).not.toContain(old.slice(-40));

    const relay = await startTestRelay({}, dir.dir);
    try {
      expect(relay.relay.keyFile).toEqual({ path: keyFilePath(database.path), created: false });
      await expectWorking(relay, receiver, stored);
    } finally {
      await relay.close();
    }

    // The old key opens nothing now: a relay given it refuses to start, naming both ids.
    await expect(startTestRelay({ RELAY_ENCRYPTION_KEY: oldKey.toString('hex') }, dir.dir)).rejects.toThrow(
      new RegExp(`holds key ${oldId}, but stored secrets were encrypted with key ${report.toKeyId}`),
    );
  });

  test('RELAY_NEW_ENCRYPTION_KEY is the new key when given, and goes into the key file', async () => {
    const next = hexKey();
    const report = await rekeyRelay({ database, newKey: next });
    expect(report).toMatchObject({ rewritten: 5, toKeyId: boxOf(next).keyId, newKeyIn: { kind: 'file', generated: false } });
    expect(readKeyFile(keyFilePath(database.path)).toString('hex')).toBe(next);
  });

  test('refuses while a relay in another process has the database open, and changes nothing', async () => {
    assertBuilt();
    const before = await readStored(database);
    const keyBefore = readFileSync(keyFilePath(database.path), 'utf8');
    const child = await startRelayChild({ RELAY_DATABASE_URL: `sqlite:${database.path}`, VYORA_WEBHOOK_SECRET: 'x'.repeat(20) });
    try {
      // Idle: no request in flight, yet its open connection is what the lock finds.
      const e = await rekeyRelay({ database }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DatabaseInUseError);
      expect((e as Error).message).toContain(`the database ${database.path} is in use: a relay (or another rekey) has it open. Stop the relay first`);
    } finally {
      child.proc.kill('SIGTERM');
      await child.exited;
    }
    expect(existsSync(pendingKeyFilePath(database.path))).toBe(false);
    expect(readFileSync(keyFilePath(database.path), 'utf8')).toBe(keyBefore);
    expect(await readStored(database)).toEqual(before);
    // Stopped, the same command goes through.
    expect((await rekeyRelay({ database })).rewritten).toBe(5);
  });

  test('refuses while a relay in this process has it open too, and a relay cannot start during a rekey', async () => {
    const relay = await startTestRelay({}, dir.dir);
    try {
      await expect(rekeyRelay({ database })).rejects.toBeInstanceOf(DatabaseInUseError);
    } finally {
      await relay.close();
    }
    // Hold the lock the way the rekey does, and start a relay: it is told why it cannot.
    const lock = new DatabaseSync(database.path);
    lock.exec('PRAGMA locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
    try {
      await expect(startTestRelay({}, dir.dir)).rejects.toThrow(`the database ${database.path} is in use by another process`);
    } finally {
      lock.exec('ROLLBACK');
      lock.close();
    }
  });

  test('a wrong current key stops it naming both key ids; nothing changes and no key file is left', async () => {
    const before = await readStored(database);
    const realId = new SecretBox(readKeyFile(keyFilePath(database.path))).keyId;
    const wrong = hexKey();
    const next = hexKey();
    const e = await rekeyRelay({ database, currentKey: wrong, newKey: next }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ForeignKeyError);
    expect((e as Error).message).toBe(
      `stored secrets are encrypted with key ${realId}, which is neither the current key (${boxOf(wrong).keyId}) nor the new key (${boxOf(next).keyId}). The current key was RELAY_ENCRYPTION_KEY; nothing was changed`,
    );
    expect((e as Error).message).not.toContain(wrong);
    // The key file swapped for another: the same refusal, and no <db>.key.new is written.
    const keyFile = keyFilePath(database.path);
    const saved = readFileSync(keyFile, 'utf8');
    writeFileSync(keyFile, `${hexKey()}\n`, { mode: 0o600 });
    await expect(rekeyRelay({ database })).rejects.toThrow(`The current key was the key file ${keyFile}; nothing was changed`);
    expect(existsSync(pendingKeyFilePath(database.path))).toBe(false);
    writeFileSync(keyFile, saved, { mode: 0o600 });
    expect(await readStored(database)).toEqual(before);
  });

  test('needs RELAY_NEW_ENCRYPTION_KEY beside RELAY_ENCRYPTION_KEY, refuses the current key as the new one, and a missing database', async () => {
    const current = readKeyFile(keyFilePath(database.path)).toString('hex');
    await expect(rekeyRelay({ database, currentKey: current })).rejects.toThrow(/^RELAY_NEW_ENCRYPTION_KEY: is required when RELAY_ENCRYPTION_KEY is set/);
    await expect(rekeyRelay({ database, newKey: current })).rejects.toThrow(/^RELAY_NEW_ENCRYPTION_KEY: is the current key/);
    await expect(rekeyRelay({ database, newKey: 'short' })).rejects.toBeInstanceOf(RelayConfigError);
    await expect(rekeyRelay({ database: { kind: 'sqlite', path: join(dir.dir, 'typo.db') } })).rejects.toThrow(`there is no relay database at ${join(dir.dir, 'typo.db')}`);
    expect(existsSync(join(dir.dir, 'typo.db'))).toBe(false);
  });

  test('interrupted before its commit: the relay refuses to start and says how to finish; running it again finishes', async () => {
    const oldId = new SecretBox(readKeyFile(keyFilePath(database.path))).keyId;
    // A write that fails inside the transaction, after <db>.key.new is on disk: the state a
    // crash there leaves (the database still under the old key).
    const db = new DatabaseSync(database.path);
    db.exec("CREATE TRIGGER fail_rekey BEFORE UPDATE OF webhook_secret ON sources BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END");
    db.close();
    await expect(rekeyRelay({ database })).rejects.toThrow('disk I/O error (simulated)');
    const pending = pendingKeyFilePath(database.path);
    expect(existsSync(pending)).toBe(true);
    expect(statSync(pending).mode & 0o777).toBe(0o600);
    const waiting = new SecretBox(readKeyFile(pending)).keyId;
    expect(keyIdsOf(await readStored(database))).toEqual(Array(5).fill(oldId));

    await expect(startTestRelay({}, dir.dir)).rejects.toThrow(
      `${pending}: exists: a \`callbridge relay rekey\` stopped before it finished, so the stored secrets may be under the old key (${keyFilePath(database.path)}) or the new one (${pending}). Run \`callbridge relay rekey\` on this database again`,
    );
    // Another new key while one is waiting would strand it: refused.
    await expect(rekeyRelay({ database, newKey: hexKey() })).rejects.toThrow(`is not the key in ${pending}`);

    const fix = new DatabaseSync(database.path);
    fix.exec('DROP TRIGGER fail_rekey');
    fix.close();
    const report = await rekeyRelay({ database });
    expect(report).toMatchObject({ resumed: true, rewritten: 5, unchanged: 0, fromKeyId: oldId, toKeyId: waiting });
    expect(existsSync(pending)).toBe(false);
    const relay = await startTestRelay({}, dir.dir);
    try {
      await expectWorking(relay, receiver, stored);
    } finally {
      await relay.close();
    }
  });

  test('interrupted after its commit, before the rename: running it again keeps every value and puts the key in place', async () => {
    const oldBox = new SecretBox(readKeyFile(keyFilePath(database.path)));
    const next = hexKey();
    // The state a crash between the commit and the rename leaves: the database under the
    // new key, which is only in <db>.key.new.
    writeKeyFile(pendingKeyFilePath(database.path), Buffer.from(next, 'hex'));
    const s = new SqliteStorage({ path: database.path });
    expect(await rekeySecrets(s, oldBox, boxOf(next))).toBe(5);
    await s.close();
    await expect(startTestRelay({}, dir.dir)).rejects.toThrow(/relay\.db\.key\.new: exists/);

    const report = await rekeyRelay({ database });
    expect(report).toMatchObject({ resumed: true, rewritten: 0, unchanged: 5, toKeyId: boxOf(next).keyId });
    expect(readKeyFile(keyFilePath(database.path)).toString('hex')).toBe(next);
    const relay = await startTestRelay({}, dir.dir);
    try {
      await expectWorking(relay, receiver, stored);
    } finally {
      await relay.close();
    }
  });
});

describe('callbridge relay rekey with RELAY_ENCRYPTION_KEY', () => {
  test('on SQLite: the new key from RELAY_NEW_ENCRYPTION_KEY; no key file is touched; a run again changes nothing', async () => {
    const dir = tempDir();
    const receiver = await startReceiver();
    const database: DatabaseConfig = { kind: 'sqlite', path: join(dir.dir, 'relay.db') };
    try {
      const oldKey = hexKey();
      const relay = await startTestRelay({ RELAY_ENCRYPTION_KEY: oldKey }, dir.dir);
      const stored = await populate(relay.url, receiver);
      await relay.close();
      const newKey = randomBytes(32).toString('base64');
      const report = await rekeyRelay({ database, currentKey: oldKey, newKey });
      expect(report).toMatchObject({ rewritten: 5, unchanged: 0, fromKeyId: boxOf(oldKey).keyId, newKeyIn: { kind: 'environment' }, resumed: false });
      expect(await rekeyRelay({ database, currentKey: oldKey, newKey })).toMatchObject({ rewritten: 0, unchanged: 5 });
      expect(existsSync(keyFilePath(database.path))).toBe(false);
      expect(existsSync(pendingKeyFilePath(database.path))).toBe(false);
      await expect(startTestRelay({ RELAY_ENCRYPTION_KEY: oldKey }, dir.dir)).rejects.toThrow(/but stored secrets were encrypted with key/);
      const restarted = await startTestRelay({ RELAY_ENCRYPTION_KEY: newKey }, dir.dir);
      try {
        await expectWorking(restarted, receiver, stored);
      } finally {
        await restarted.close();
      }
    } finally {
      await receiver.close();
      dir.remove();
    }
  });
});

(PG_URL ? describe : describe.skip)(PG_URL ? 'callbridge relay rekey on PostgreSQL' : `callbridge relay rekey on ${PG_SKIP_NOTE}`, () => {
  const settings = (key: string) => ({ url: PG_URL as string, poolSize: 2, statementTimeoutMs: 5_000, schema: testSchema(key) });

  test('refuses while a replica runs; stopped, it moves every secret, and replicas restarted with the new key work', async () => {
    const receiver = await startReceiver();
    const database: DatabaseConfig = { kind: 'postgres', ...settings(`rekey-${Date.now()}`) };
    const env = { RELAY_DATABASE_URL: PG_URL as string, RELAY_PG_SCHEMA: database.schema };
    const oldKey = hexKey();
    const newKey = hexKey();
    try {
      const relay = await startTestRelay({ ...env, RELAY_ENCRYPTION_KEY: oldKey });
      const stored = await populate(relay.url, receiver);
      const before = await readStored(database);
      try {
        const e = await rekeyRelay({ database, currentKey: oldKey, newKey }).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(DatabaseInUseError);
        expect((e as Error).message).toMatch(/^1 relay replica is running on postgres:\/\/.*\(schema relay_t_\w+\): stop every replica first/);
      } finally {
        await relay.close();
      }
      expect(await readStored(database)).toEqual(before);

      // A wrong current key: refused, nothing changed.
      await expect(rekeyRelay({ database, currentKey: hexKey(), newKey })).rejects.toBeInstanceOf(ForeignKeyError);
      expect(await readStored(database)).toEqual(before);
      // No new key: PostgreSQL has no key file to put one in.
      await expect(rekeyRelay({ database, currentKey: oldKey })).rejects.toThrow(/^RELAY_NEW_ENCRYPTION_KEY: is required on PostgreSQL/);

      const report = await rekeyRelay({ database, currentKey: oldKey, newKey });
      expect(report).toMatchObject({ rewritten: 5, unchanged: 0, fromKeyId: boxOf(oldKey).keyId, toKeyId: boxOf(newKey).keyId, newKeyIn: { kind: 'environment' } });
      expect(keyIdsOf(await readStored(database))).toEqual(Array(5).fill(boxOf(newKey).keyId));
      // Run again (as after an interruption): everything is already under the new key.
      expect(await rekeyRelay({ database, currentKey: oldKey, newKey })).toMatchObject({ rewritten: 0, unchanged: 5 });

      await expect(startTestRelay({ ...env, RELAY_ENCRYPTION_KEY: oldKey })).rejects.toThrow(/but stored secrets were encrypted with key/);
      const [a, b] = [await startTestRelay({ ...env, RELAY_ENCRYPTION_KEY: newKey }), await startTestRelay({ ...env, RELAY_ENCRYPTION_KEY: newKey })];
      try {
        await expectWorking(a, receiver, stored);
        await expectWorking(b, receiver, stored);
      } finally {
        await a.close();
        await b.close();
      }
    } finally {
      await receiver.close();
    }
  });

  test('encrypts the secrets of a relay that ran without a key', async () => {
    const database: DatabaseConfig = { kind: 'postgres', ...settings(`rekey-plain-${Date.now()}`) };
    const storage = await PostgresStorage.open(database);
    await storage.createSubscription({ id: 'sub_plain', targetUrl: 'https://example.com/h', events: ['*'], headers: { 'x-a': 'one' }, secret: 'whsec_cGxhaW4', createdAt: 'x' });
    await storage.close();
    const newKey = hexKey();
    expect(await rekeyRelay({ database, newKey })).toMatchObject({ rewritten: 2, fromKeyId: null });
    const reopened = await PostgresStorage.open(database);
    try {
      const at = await openSecretsAtRest(reopened, { database, encryptionKey: newKey });
      const sub = await reopened.getSubscription('sub_plain');
      expect([at.reveal(sub!.secret), at.reveal(sub!.headers['x-a']!)]).toEqual(['whsec_cGxhaW4', 'one']);
      expect(isEncrypted(sub!.secret)).toBe(true);
    } finally {
      await reopened.close();
    }
  });
});
