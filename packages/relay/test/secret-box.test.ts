import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RelayConfigError } from '../src/config';
import { keyFilePath, openKeyFile } from '../src/security/key-file';
import { isEncrypted, keyIdOf, parseEncryptionKey, reencrypt, SecretBox, SecretBoxError } from '../src/security/secret-box';
import { tempDir } from './support/harness';

const SECRET = 'whsec_c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1uZXZlci1sZWFr';

/** Everything a caller could print or serialize from a thrown value. */
function exposed(e: unknown): string {
  const err = e as Error;
  return [err.message, err.stack ?? '', JSON.stringify(err), JSON.stringify(Object.entries(err)), String(err)].join('\n');
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('SecretBox', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);

  test('round trip: enc:v1 envelope, a fresh IV each time, the same plain text back', () => {
    const a = box.encrypt(SECRET);
    const b = box.encrypt(SECRET);
    expect(a).toMatch(/^enc:v1:[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(SECRET);
    expect(isEncrypted(a)).toBe(true);
    expect(isEncrypted(SECRET)).toBe(false);
    // A new box with the same key (a restart, no cache) reads both.
    const again = new SecretBox(Buffer.from(key));
    expect(again.decrypt(a)).toBe(SECRET);
    expect(again.decrypt(b)).toBe(SECRET);
    expect(again.decrypt(again.encrypt(''))).toBe('');
    expect(again.decrypt(again.encrypt('ünïcødé ✓'))).toBe('ünïcødé ✓');
    expect(SecretBox.keyIdIn(a)).toBe(box.keyId);
    expect(box.keyId).toBe(keyIdOf(key));
    expect(box.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  test('flipping any byte of the envelope is detected, with a clear error and no value in it', () => {
    const text = new SecretBox(key).encrypt(SECRET);
    const raw = Buffer.from(text.slice('enc:v1:'.length), 'base64url');
    // Past the key id: iv, tag and ciphertext (a flipped key id reads as another key, below).
    for (const at of [8, 8 + 11, 8 + 12, 8 + 12 + 15, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[at] = (bad[at] as number) ^ 0x01;
      const tampered = `enc:v1:${bad.toString('base64url')}`;
      const e = thrown(() => new SecretBox(key).decrypt(tampered));
      expect(e).toBeInstanceOf(SecretBoxError);
      expect((e as SecretBoxError).kind).toBe('tampered');
      expect((e as Error).message).toMatch(/failed its integrity check/);
      for (const leak of [SECRET, tampered, key.toString('hex'), key.toString('base64')]) expect(exposed(e)).not.toContain(leak);
    }
    const renamed = Buffer.from(raw);
    renamed[0] = (renamed[0] as number) ^ 0x01;
    expect((thrown(() => new SecretBox(key).decrypt(`enc:v1:${renamed.toString('base64url')}`)) as SecretBoxError).kind).toBe('wrong_key');
  });

  test('a value written under another key names both key ids, never garbage or values', () => {
    const other = new SecretBox(randomBytes(32));
    const text = other.encrypt(SECRET);
    const e = thrown(() => box.decrypt(text));
    expect(e).toBeInstanceOf(SecretBoxError);
    expect((e as SecretBoxError).kind).toBe('wrong_key');
    expect((e as Error).message).toContain(`encrypted with another key (id ${other.keyId})`);
    expect((e as Error).message).toContain(box.keyId);
    for (const leak of [SECRET, text, key.toString('hex')]) expect(exposed(e)).not.toContain(leak);
  });

  test('not an envelope, or a truncated one, is refused as such', () => {
    expect((thrown(() => box.decrypt(SECRET)) as SecretBoxError).kind).toBe('not_encrypted');
    expect(exposed(thrown(() => box.decrypt(SECRET)))).not.toContain(SECRET);
    for (const bad of ['enc:v1:', 'enc:v1:abc', 'enc:v1:has spaces and = signs', `enc:v1:${randomBytes(20).toString('base64url')}`]) {
      const e = thrown(() => box.decrypt(bad)) as SecretBoxError;
      expect(e.kind).toBe('malformed');
    }
  });

  test('decrypted values are cached, and the cache stays within its bound', () => {
    const small = new SecretBox(key, { cacheEntries: 2 });
    const texts = ['one', 'two', 'three'].map((v) => box.encrypt(v));
    expect(small.decrypt(texts[0] as string)).toBe('one');
    expect(small.cacheSize).toBe(1);
    expect(small.decrypt(texts[0] as string)).toBe('one');
    expect(small.cacheSize).toBe(1);
    expect(small.decrypt(texts[1] as string)).toBe('two');
    expect(small.decrypt(texts[2] as string)).toBe('three');
    expect(small.cacheSize).toBe(2);
    // An evicted value still decrypts: the cache only saves work.
    expect(small.decrypt(texts[1] as string)).toBe('two');
    expect(small.decrypt(texts[0] as string)).toBe('one');
    expect(small.cacheSize).toBe(2);
    const none = new SecretBox(key, { cacheEntries: 0 });
    expect(none.decrypt(texts[0] as string)).toBe('one');
    expect(none.cacheSize).toBe(0);
  });

  test('a key of the wrong size is refused', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes, not 16/);
  });
});

describe('parseEncryptionKey', () => {
  const key = randomBytes(32);

  test('accepts 64 hex characters and base64 (standard, URL-safe, unpadded) of 32 bytes', () => {
    expect(parseEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('hex').toUpperCase())).toEqual(key);
    expect(parseEncryptionKey(`  ${key.toString('base64')}\n`)).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64url'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64').replace(/=+$/, ''))).toEqual(key);
  });

  test.each([
    ['too short hex', randomBytes(16).toString('hex'), /decodes to 24 bytes/],
    ['base64 of 31 bytes', randomBytes(31).toString('base64'), /decodes to 31 bytes/],
    ['base64 of 48 bytes', randomBytes(48).toString('base64'), /decodes to 48 bytes/],
    ['not hex nor base64', 'this is not a key!', /neither hex nor base64/],
    ['empty', '', /neither hex nor base64/],
  ])('refuses %s, naming the variable and not the value', (_name, raw, why) => {
    const e = thrown(() => parseEncryptionKey(raw));
    expect(e).toBeInstanceOf(RelayConfigError);
    expect((e as RelayConfigError).source).toBe('RELAY_ENCRYPTION_KEY');
    expect((e as Error).message).toMatch(/^RELAY_ENCRYPTION_KEY: must be 32 random bytes/);
    expect((e as Error).message).toMatch(why);
    if (raw) expect(exposed(e)).not.toContain(raw);
  });
});

describe('reencrypt (the rekey step)', () => {
  test('moves a value to the new key; leaves one already there alone; encrypts a plain one', () => {
    const oldBox = new SecretBox(randomBytes(32));
    const newKey = randomBytes(32);
    const newBox = new SecretBox(newKey);
    const before = oldBox.encrypt(SECRET);
    const after = reencrypt(oldBox, newBox, before);
    expect(SecretBox.keyIdIn(after)).toBe(newBox.keyId);
    // A fresh box (nothing cached) with the new key reads it.
    expect(new SecretBox(newKey).decrypt(after)).toBe(SECRET);
    expect(() => oldBox.decrypt(after)).toThrow(/another key/);
    expect(reencrypt(oldBox, newBox, after)).toBe(after);
    const plain = reencrypt(oldBox, newBox, 'plain-from-before-encryption');
    expect(isEncrypted(plain)).toBe(true);
    expect(new SecretBox(newKey).decrypt(plain)).toBe('plain-from-before-encryption');
    // A value under a third key is neither: it fails loudly instead of being rewritten.
    const third = new SecretBox(randomBytes(32)).encrypt(SECRET);
    expect(() => reencrypt(oldBox, newBox, third)).toThrow(/another key/);
  });
});

describe('key file beside the SQLite database', () => {
  test('first start creates <db>.key with mode 0600; the next start reads the same key', () => {
    const { dir, remove } = tempDir();
    try {
      const db = join(dir, 'data', 'relay.db');
      const first = openKeyFile(db);
      expect(first.created).toBe(true);
      expect(first.path).toBe(keyFilePath(db));
      expect(first.path).toBe(`${db}.key`);
      expect(statSync(first.path).mode & 0o777).toBe(0o600);
      expect(first.key).toHaveLength(32);
      expect(readFileSync(first.path, 'utf8')).toBe(`${first.key.toString('hex')}\n`);
      const second = openKeyFile(db);
      expect(second.created).toBe(false);
      expect(second.key).toEqual(first.key);
      // What one start encrypted, the next decrypts.
      expect(new SecretBox(second.key).decrypt(new SecretBox(first.key).encrypt(SECRET))).toBe(SECRET);
    } finally {
      remove();
    }
  });

  test('refuses a key file others may read, naming the file and the fix', () => {
    const { dir, remove } = tempDir();
    try {
      const db = join(dir, 'relay.db');
      const { path, key } = openKeyFile(db);
      chmodSync(path, 0o644);
      const e = thrown(() => openKeyFile(db));
      expect(e).toBeInstanceOf(RelayConfigError);
      expect((e as Error).message).toContain(path);
      expect((e as Error).message).toContain('mode 0644');
      expect((e as Error).message).toContain('chmod 600');
      expect(exposed(e)).not.toContain(key.toString('hex'));
    } finally {
      remove();
    }
  });

  test('refuses a key file of the wrong length without printing its content', () => {
    const { dir, remove } = tempDir();
    try {
      const db = join(dir, 'relay.db');
      const content = randomBytes(20).toString('hex');
      writeFileSync(keyFilePath(db), `${content}\n`, { mode: 0o600 });
      const e = thrown(() => openKeyFile(db));
      expect(e).toBeInstanceOf(RelayConfigError);
      expect((e as Error).message).toContain(keyFilePath(db));
      expect((e as Error).message).toMatch(/is not a key file/);
      expect(exposed(e)).not.toContain(content);
    } finally {
      remove();
    }
  });
});
