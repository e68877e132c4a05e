import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { headerValue } from './headers';
import { failure, VERIFIED, type VerifyResult, type WebhookHeaders } from './types';

/**
 * Standard Webhooks (https://www.standardwebhooks.com), which the relay signs its
 * deliveries with: HMAC-SHA256 over `${id}.${timestamp}.${body}`, keyed with the
 * base64-decoded secret after `whsec_`, sent as `v1,<base64>`.
 */

const SECRET_PREFIX = 'whsec_';
const SIGNATURE_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const UNIX_SECONDS = /^\d{1,15}$/;
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Strict base64: the standard alphabet, optional padding, nothing skipped silently. */
function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64');
  const again = bytes.toString('base64');
  return again === text || again.replace(/=+$/, '') === text ? bytes : undefined;
}

/**
 * Decoded keys of recently used secrets. A relay signs every delivery to a subscription
 * with the same secret, and decoding it each time (a regex, a decode, a re-encode to
 * prove strictness) cost a noticeable share of delivery CPU. Bounded, so a stream of
 * distinct secrets cannot grow it. Kept as KeyObjects: on Node 24, createHmac with a Buffer
 * key costs ~23 us (its key-type checks), with a KeyObject ~4 us: measured as 18% of a
 * relay's CPU while delivering.
 */
const KEY_CACHE_SIZE = 256;
const keyCache = new Map<string, KeyObject>();

/** The HMAC key of a secret; like the standardwebhooks package, the prefix is optional. */
function secretKey(secret: string, field: string): KeyObject {
  const cached = keyCache.get(secret);
  if (cached) return cached;
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = decodeBase64(encoded);
  if (!key) throw new Error(`${field}: must be "whsec_" followed by base64 (the standard alphabet)`);
  if (key.length === 0) throw new Error(`${field}: the key after "whsec_" is empty`);
  if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value as string);
  const keyObject = createSecretKey(key);
  keyCache.set(secret, keyObject);
  return keyObject;
}

function mac(key: KeyObject, id: string, timestamp: number | string, body: string | Uint8Array): Buffer {
  // Two updates instead of a concatenation: the body is hashed as given, never copied.
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

/** A new subscription secret: `whsec_` + base64 of 24 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

export interface StandardSignInput {
  id: string;
  /** Unix seconds. */
  timestamp: number;
  body: string | Uint8Array;
  secret: string;
}

function checkSignInput(input: StandardSignInput): void {
  if (typeof input.id !== 'string' || input.id.length === 0) throw new Error('id: must be a non-empty string');
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new Error(`timestamp: must be whole unix seconds (got ${String(input.timestamp)})`);
  }
  if (typeof input.secret !== 'string' || input.secret.length === 0) throw new Error('secret: must be a non-empty string');
}

/** The `webhook-signature` value for one delivery: `v1,<base64>`. */
export function signStandardWebhook(input: StandardSignInput): string {
  checkSignInput(input);
  return 'v1,' + mac(secretKey(input.secret, 'secret'), input.id, input.timestamp, input.body).toString('base64');
}

/** All three Standard Webhooks headers for one delivery. */
export function standardWebhookHeaders(input: StandardSignInput): {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
} {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signStandardWebhook(input),
  };
}

export interface StandardVerifyInput {
  headers: WebhookHeaders;
  body: string | Uint8Array;
  /** One secret, or several while rotating: any of them may have signed. */
  secrets: string | readonly string[];
  /** How far the timestamp may lie from now, either way; default 300. */
  toleranceSeconds?: number;
  /** Unix milliseconds; default Date.now(). */
  now?: number;
}

/** The `v1` signatures of a header value, decoded; other versions (e.g. `v1a`) are skipped. */
function v1Signatures(value: string): Buffer[] {
  const out: Buffer[] = [];
  for (const entry of value.split(' ')) {
    if (!entry.startsWith('v1,')) continue;
    const bytes = decodeBase64(entry.slice(3));
    if (bytes && bytes.length === SIGNATURE_BYTES) out.push(bytes);
  }
  return out;
}

export function verifyStandardWebhook(input: StandardVerifyInput): VerifyResult {
  const list = typeof input.secrets === 'string' ? [input.secrets] : input.secrets;
  const usable = list.filter((s) => typeof s === 'string' && s.length > 0);
  if (usable.length === 0) return failure('no_secret', 'no webhook secret is configured, so no signature can be checked');
  const keys = usable.map((s, i) => secretKey(s, `secrets[${i}]`));

  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new Error(`toleranceSeconds: must be a non-negative number (got ${String(tolerance)})`);
  }

  const id = headerValue(input.headers, 'webhook-id');
  const timestamp = headerValue(input.headers, 'webhook-timestamp')?.trim();
  const signature = headerValue(input.headers, 'webhook-signature')?.trim();
  // The id is part of the signed content: without it there is no signature to check.
  if (!id) return failure('missing_signature', 'missing webhook-id header');
  if (!timestamp) return failure('missing_timestamp', 'missing webhook-timestamp header');
  if (!signature) return failure('missing_signature', 'missing webhook-signature header');
  if (!UNIX_SECONDS.test(timestamp)) {
    return failure('malformed_signature', 'webhook-timestamp must be whole unix seconds');
  }

  const sent = Number(timestamp);
  const now = Math.floor((input.now ?? Date.now()) / 1000);
  if (now - sent > tolerance) {
    return failure('timestamp_out_of_tolerance', `webhook-timestamp is ${now - sent} s old, more than the ${tolerance} s allowed`);
  }
  if (sent - now > tolerance) {
    return failure('timestamp_out_of_tolerance', `webhook-timestamp is ${sent - now} s in the future, more than the ${tolerance} s allowed`);
  }

  const given = v1Signatures(signature);
  if (given.length === 0) {
    return failure('malformed_signature', 'webhook-signature holds no "v1,<base64 of 32 bytes>" entry');
  }
  for (const key of keys) {
    const expected = mac(key, id, timestamp, input.body);
    for (const candidate of given) if (timingSafeEqual(candidate, expected)) return VERIFIED;
  }
  return failure('signature_mismatch', 'no webhook-signature entry matches the body and secret');
}
