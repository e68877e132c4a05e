import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { RelayConfigError } from '../config';

/**
 * Secrets at rest: subscription secrets, custom header values, source webhook secrets and
 * API keys are stored as `enc:v1:<base64url(key id 8 | iv 12 | tag 16 | ciphertext)>`,
 * AES-256-GCM under RELAY_ENCRYPTION_KEY. The key id travels inside the envelope so that
 * a value written under another key is named as such instead of failing as "tampered" or,
 * worse, decrypting to garbage; it is also authenticated (GCM additional data), so it
 * cannot be swapped. Nothing thrown from here carries a key, a ciphertext or a plain value:
 * messages and fields hold key ids and lengths only.
 */
export const ENCRYPTED_PREFIX = 'enc:v1:';

const KEY_BYTES = 32;
const KEY_ID_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = KEY_ID_BYTES + IV_BYTES + TAG_BYTES;
const ENVELOPE = /^[A-Za-z0-9_-]+$/;
/** Enough for every secret of a large relay; past it the least recently used fall out. */
const DEFAULT_CACHE_ENTRIES = 10_000;

export type SecretBoxErrorKind = 'not_encrypted' | 'malformed' | 'wrong_key' | 'tampered';

export class SecretBoxError extends Error {
  readonly kind: SecretBoxErrorKind;

  constructor(kind: SecretBoxErrorKind, message: string) {
    super(message);
    this.name = 'SecretBoxError';
    this.kind = kind;
  }
}

/** Whether a stored string is one of our envelopes (as opposed to a plain, pre-encryption value). */
export function isEncrypted(text: string): boolean {
  return text.startsWith(ENCRYPTED_PREFIX);
}

/** A short public name for a key: the first 8 bytes of SHA-256(key), in hex. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES).toString('hex');
}

/**
 * RELAY_ENCRYPTION_KEY (or a key file's content): 32 bytes as 64 hex characters or as
 * base64 (standard or URL-safe, padding optional). Anything else is refused naming the
 * source and what was wrong with it, never the value.
 */
export function parseEncryptionKey(raw: string, source = 'RELAY_ENCRYPTION_KEY'): Buffer {
  const text = raw.trim();
  const howTo = 'must be 32 random bytes written as 64 hex characters or as base64 (e.g. the output of `openssl rand -base64 32`)';
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) || /^[A-Za-z0-9_-]+={0,2}$/.test(text)) {
    // Buffer.from skips characters it does not know: the patterns above make sure there are none.
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return key;
    throw new RelayConfigError(source, `${howTo}; it decodes to ${key.length} bytes`);
  }
  throw new RelayConfigError(source, `${howTo}; it is ${text.length} characters that are neither hex nor base64`);
}

export interface SecretBoxOptions {
  /** How many decrypted values to keep in memory (least recently used out first). */
  cacheEntries?: number;
}

export class SecretBox {
  readonly keyId: string;
  readonly #key: Buffer;
  readonly #keyIdBytes: Buffer;
  readonly #aad: Buffer;
  readonly #cache = new Map<string, string>();
  readonly #cacheEntries: number;

  constructor(key: Buffer, options: SecretBoxOptions = {}) {
    if (key.length !== KEY_BYTES) throw new RangeError(`an encryption key is ${KEY_BYTES} bytes, not ${key.length}`);
    this.#key = Buffer.from(key);
    this.#keyIdBytes = createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES);
    this.keyId = this.#keyIdBytes.toString('hex');
    this.#aad = Buffer.concat([Buffer.from(ENCRYPTED_PREFIX), this.#keyIdBytes]);
    this.#cacheEntries = Math.max(0, options.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
  }

  /** A fresh IV per call: the same secret encrypts to a different string every time. */
  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(this.#aad);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const text = ENCRYPTED_PREFIX + Buffer.concat([this.#keyIdBytes, iv, cipher.getAuthTag(), body]).toString('base64url');
    this.#remember(text, plain);
    return text;
  }

  decrypt(text: string): string {
    const cached = this.#cache.get(text);
    if (cached !== undefined) {
      // Refresh its place: the map's order is the eviction order.
      this.#cache.delete(text);
      this.#cache.set(text, cached);
      return cached;
    }
    const plain = this.#open(text);
    this.#remember(text, plain);
    return plain;
  }

  /** The key id an envelope was written under, or null when the text is not an envelope. */
  static keyIdIn(text: string): string | null {
    if (!isEncrypted(text)) return null;
    const raw = text.slice(ENCRYPTED_PREFIX.length);
    if (!ENVELOPE.test(raw)) return null;
    const bytes = Buffer.from(raw, 'base64url');
    return bytes.length >= HEADER_BYTES ? bytes.subarray(0, KEY_ID_BYTES).toString('hex') : null;
  }

  /** Decrypted values held in memory right now (for tests and diagnostics). */
  get cacheSize(): number {
    return this.#cache.size;
  }

  #open(text: string): string {
    if (!isEncrypted(text)) throw new SecretBoxError('not_encrypted', `not an encrypted value (expected ${ENCRYPTED_PREFIX}…)`);
    const raw = text.slice(ENCRYPTED_PREFIX.length);
    const bytes = ENVELOPE.test(raw) ? Buffer.from(raw, 'base64url') : Buffer.alloc(0);
    if (bytes.length < HEADER_BYTES) {
      throw new SecretBoxError('malformed', `malformed encrypted value (${text.length} characters): not ${ENCRYPTED_PREFIX}<base64url key id | iv | tag | ciphertext>`);
    }
    const keyId = bytes.subarray(0, KEY_ID_BYTES);
    if (!keyId.equals(this.#keyIdBytes)) {
      throw new SecretBoxError(
        'wrong_key',
        `encrypted with another key (id ${keyId.toString('hex')}); this relay's key has id ${this.keyId}. Start it with the key the value was written under, or re-encrypt with the rekey command`,
      );
    }
    const iv = bytes.subarray(KEY_ID_BYTES, KEY_ID_BYTES + IV_BYTES);
    const tag = bytes.subarray(KEY_ID_BYTES + IV_BYTES, HEADER_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    decipher.setAAD(this.#aad);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      // node's own error says only "unable to authenticate data"; ours says what it means.
      throw new SecretBoxError('tampered', `encrypted value (key id ${this.keyId}) failed its integrity check: it was altered or corrupted`);
    }
  }

  #remember(text: string, plain: string): void {
    if (this.#cacheEntries === 0) return;
    if (this.#cache.size >= this.#cacheEntries) {
      const oldest = this.#cache.keys().next();
      if (!oldest.done) this.#cache.delete(oldest.value);
    }
    this.#cache.set(text, plain);
  }
}

/**
 * One stored value moved to a new key, for the rekey command: an envelope of the old key
 * is decrypted and encrypted under the new one; a value already under the new key is
 * returned unchanged (so an interrupted rekey can simply run again); a plain value (from a
 * database written before encryption) is encrypted.
 */
export function reencrypt(from: SecretBox, to: SecretBox, value: string): string {
  if (!isEncrypted(value)) return to.encrypt(value);
  if (SecretBox.keyIdIn(value) === to.keyId) return value;
  return to.encrypt(from.decrypt(value));
}
