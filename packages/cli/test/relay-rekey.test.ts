import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { postVyora, removeDir, startLocalReceiver, startTestRelay, RELAY_TOKEN } from './relay-helpers';
import { run } from './helpers';

/**
 * `callbridge relay rekey` as a person runs it: what it prints (key ids, never a key), its
 * exit codes, and a relay that works afterwards. The rekey itself, its crash safety and
 * PostgreSQL are tested in packages/relay/test/rekey.test.ts.
 */
beforeAll(() => nock.enableNetConnect('127.0.0.1'));

test('rekeys a stopped relay with the key file, prints no key, and the relay works after; a running one is refused', async () => {
  const first = await startTestRelay();
  const dir = first.dir;
  const database = `sqlite:${path.join(dir, 'relay.db')}`;
  const keyFile = path.join(dir, 'relay.db.key');
  const receiver = await startLocalReceiver();
  try {
    const env = { RELAY_URL: first.url, RELAY_API_TOKEN: RELAY_TOKEN };
    const created = await run(['subscriptions', 'create', '--target-url', receiver.url, '--headers', '{"x-make-apikey":"k-rekey-123"}', '--json'], { env });
    expect(created.code).toBe(0);

    const busy = await run(['relay', 'rekey', '--database', database]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('is in use: a relay (or another rekey) has it open. Stop the relay first');
    await first.close();

    const oldKey = readFileSync(keyFile, 'utf8').trim();
    const r = await run(['relay', 'rekey', '--database', database]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const newKey = readFileSync(keyFile, 'utf8').trim();
    expect(newKey).not.toBe(oldKey);
    expect(r.stdout).toMatch(/^Re-encrypted 2 stored secrets from key [0-9a-f]{16} to key [0-9a-f]{16}\.$/m);
    expect(r.stdout).toContain(`The new key is in ${keyFile} (generated)`);
    for (const key of [oldKey, newKey, Buffer.from(newKey, 'hex').toString('base64')]) expect(r.stdout).not.toContain(key);

    const again = await startTestRelay({ dir });
    try {
      await postVyora(again.url);
      for (let i = 0; i < 200 && receiver.received.length === 0; i++) await new Promise((res) => setTimeout(res, 25));
      expect(receiver.received[0]?.headers['x-make-apikey']).toBe('k-rekey-123');
    } finally {
      await again.close();
    }
  } finally {
    await receiver.close();
    removeDir(dir);
  }
});

test('with RELAY_ENCRYPTION_KEY: needs the new key (exit 2 naming it), refuses a wrong current key (exit 1), never echoes a key', async () => {
  const oldKey = randomBytes(32).toString('hex');
  const relay = await startTestRelay({ env: { RELAY_ENCRYPTION_KEY: oldKey } });
  const env = { RELAY_URL: relay.url, RELAY_API_TOKEN: RELAY_TOKEN };
  expect((await run(['subscriptions', 'create', '--target-url', 'http://127.0.0.1:9/x', '--json'], { env })).code).toBe(0);
  await relay.close();
  const database = `sqlite:${path.join(relay.dir, 'relay.db')}`;
  try {
    const missing = await run(['relay', 'rekey', '--database', database], { env: { RELAY_ENCRYPTION_KEY: oldKey } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^callbridge: RELAY_NEW_ENCRYPTION_KEY: is required when RELAY_ENCRYPTION_KEY is set/);

    const wrong = randomBytes(32).toString('hex');
    const newKey = randomBytes(32).toString('hex');
    const refused = await run(['relay', 'rekey', '--database', database], { env: { RELAY_ENCRYPTION_KEY: wrong, RELAY_NEW_ENCRYPTION_KEY: newKey } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('which is neither the current key');
    expect(refused.stderr).toContain('nothing was changed');
    for (const key of [wrong, newKey, oldKey]) expect(refused.stderr + refused.stdout).not.toContain(key);

    const done = await run(['relay', 'rekey', '--database', database], { env: { RELAY_ENCRYPTION_KEY: oldKey, RELAY_NEW_ENCRYPTION_KEY: newKey } });
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('Re-encrypted 1 stored secret from key');
    expect(done.stdout).toContain('Start the relay with RELAY_ENCRYPTION_KEY set to the new key');
    expect(done.stdout).not.toContain(newKey);
    const rerun = await run(['relay', 'rekey', '--database', database], { env: { RELAY_ENCRYPTION_KEY: oldKey, RELAY_NEW_ENCRYPTION_KEY: newKey } });
    expect(rerun.stdout).toContain('Re-encrypted 0 stored secrets from key');
    expect(rerun.stdout).toContain('; 1 already under the new key.');
  } finally {
    removeDir(relay.dir);
  }
});

test('help relay rekey explains the keys and the relay help points at it; a stray argument exits 2', async () => {
  const help = await run(['help', 'relay', 'rekey']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Usage: callbridge relay rekey \[--database/);
  for (const text of ['RELAY_NEW_ENCRYPTION_KEY', 'RELAY_ENCRYPTION_KEY', '<db>.key.new', 'Stop the relay first']) expect(help.stdout).toContain(text);
  expect((await run(['relay', 'rekey', '--help'])).stdout).toBe(help.stdout);
  expect((await run(['help', 'relay'])).stdout).toContain('callbridge relay rekey');
  expect(await run(['relay', 'rekey', 'now'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unexpected argument "now"') });
});
