import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HmacSignatureScheme } from '../spec/types';
import { failure, VERIFIED, type VerifyResult } from './types';

const DIGEST_BYTES: Readonly<Record<string, number>> = { sha1: 20, sha256: 32, sha512: 64 };
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** A scheme with everything the hot path needs worked out once. */
export interface CompiledScheme {
  header: string;
  prefix: string;
  prefixLower: string;
  algorithm: HmacSignatureScheme['algorithm'];
  encoding: HmacSignatureScheme['encoding'];
  digestBytes: number;
  /** Length of the encoded digest: hex, padded base64, and base64 without its padding. */
  encodedLength: number;
  unpaddedLength: number;
  scratch: Scratch;
}

/**
 * Two reusable digest-sized buffers. Verification is synchronous, so one pair per digest
 * size is never shared by two calls at once; reusing them keeps the hot path free of
 * allocations (turning a digest into a fresh Buffer costs more than the compare itself).
 */
interface Scratch {
  given: Buffer;
  expected: Buffer;
}
const scratches = new Map<number, Scratch>();

function scratchFor(bytes: number): Scratch {
  let s = scratches.get(bytes);
  if (!s) {
    s = { given: Buffer.alloc(bytes), expected: Buffer.alloc(bytes) };
    scratches.set(bytes, s);
  }
  return s;
}

// Only frozen schemes are cached: a mutable object could change under the cache.
const compiled = new WeakMap<HmacSignatureScheme, CompiledScheme>();

/** Checks a scheme and returns it with its header name lower-cased, frozen. */
export function normalizeScheme(scheme: HmacSignatureScheme): HmacSignatureScheme {
  if (scheme === null || typeof scheme !== 'object') throw new Error('webhook scheme: must be an object');
  if (scheme.type !== 'hmac') throw new Error(`webhook scheme: type must be "hmac" (got ${JSON.stringify(scheme.type)})`);
  if (typeof scheme.algorithm !== 'string' || DIGEST_BYTES[scheme.algorithm] === undefined) {
    throw new Error(`webhook scheme: algorithm must be one of sha256, sha1, sha512 (got ${JSON.stringify(scheme.algorithm)})`);
  }
  if (scheme.encoding !== 'hex' && scheme.encoding !== 'base64') {
    throw new Error(`webhook scheme: encoding must be "hex" or "base64" (got ${JSON.stringify(scheme.encoding)})`);
  }
  if (typeof scheme.header !== 'string' || !HEADER_NAME.test(scheme.header.toLowerCase())) {
    throw new Error(`webhook scheme: header must be an HTTP header name (got ${JSON.stringify(scheme.header)})`);
  }
  if (typeof scheme.prefix !== 'string') throw new Error('webhook scheme: prefix must be a string (may be empty)');
  return Object.freeze({
    type: 'hmac',
    algorithm: scheme.algorithm,
    header: scheme.header.toLowerCase(),
    prefix: scheme.prefix,
    encoding: scheme.encoding,
  });
}

export function compile(scheme: HmacSignatureScheme): CompiledScheme {
  const cached = compiled.get(scheme);
  if (cached) return cached;
  const s = normalizeScheme(scheme);
  const digestBytes = DIGEST_BYTES[s.algorithm] as number;
  const padded = Math.ceil(digestBytes / 3) * 4;
  const result: CompiledScheme = {
    header: s.header,
    prefix: s.prefix,
    prefixLower: s.prefix.toLowerCase(),
    algorithm: s.algorithm,
    encoding: s.encoding,
    digestBytes,
    encodedLength: s.encoding === 'hex' ? digestBytes * 2 : padded,
    unpaddedLength: s.encoding === 'hex' ? digestBytes * 2 : padded - ((3 - (digestBytes % 3)) % 3),
    scratch: scratchFor(digestBytes),
  };
  if (Object.isFrozen(scheme)) compiled.set(scheme, result);
  return result;
}

/** The full signature header value for a body, e.g. `sha256=ab12…`. */
export function signHmac(scheme: HmacSignatureScheme, secret: string, rawBody: string | Uint8Array): string {
  const c = compile(scheme);
  if (typeof secret !== 'string' || secret.length === 0) throw new Error('webhook secret: must be a non-empty string');
  return c.prefix + createHmac(c.algorithm, secret).update(rawBody).digest(c.encoding);
}

/**
 * Decodes the header into `c.scratch.given`, or says why it cannot. The prefix is matched
 * case-insensitively (it labels the algorithm; the MAC bytes carry the proof), and hex
 * digits may be either case, because the comparison is over bytes, not text.
 */
function decodeSignature(c: CompiledScheme, value: string): string | undefined {
  const p = c.prefix.length;
  if (p > 0 && !value.startsWith(c.prefix)) {
    if (value.slice(0, p).toLowerCase() !== c.prefixLower) {
      return `${c.header} must start with "${c.prefix}"`;
    }
  }
  const encoded = p > 0 ? value.slice(p) : value;
  if (c.encoding === 'hex') {
    if (encoded.length !== c.encodedLength) {
      return `${c.header} must hold ${c.encodedLength} hex characters after "${c.prefix}" (got ${encoded.length})`;
    }
    // Buffer stops decoding at the first pair that is not hex, so a short write means a bad character.
    const written = c.scratch.given.write(encoded, 0, 'hex');
    return written === c.digestBytes ? undefined : `${c.header} must hold only hex characters after "${c.prefix}"`;
  }
  if (encoded.length !== c.encodedLength && encoded.length !== c.unpaddedLength) {
    return `${c.header} must hold ${c.encodedLength} base64 characters after "${c.prefix}" (got ${encoded.length})`;
  }
  // Buffer skips characters outside the alphabet, so only a round trip proves the text was clean base64.
  const bytes = Buffer.from(encoded, 'base64');
  const again = bytes.toString('base64');
  const clean = bytes.length === c.digestBytes && (again === encoded || again.slice(0, c.unpaddedLength) === encoded);
  if (!clean) return `${c.header} must hold only base64 characters after "${c.prefix}"`;
  bytes.copy(c.scratch.given);
  return undefined;
}

/** Checks a signature header against the raw body, in constant time over the digest bytes. */
export function verifyHmac(
  scheme: HmacSignatureScheme,
  secret: string,
  rawBody: string | Uint8Array,
  header: string | undefined,
): VerifyResult {
  return verifyCompiled(compile(scheme), secret, rawBody, header);
}

/** verifyHmac for a scheme already compiled, so a provider-level call looks it up once. */
export function verifyCompiled(c: CompiledScheme, secret: string, rawBody: string | Uint8Array, header: string | undefined): VerifyResult {
  if (typeof secret !== 'string' || secret.length === 0) {
    return failure('no_secret', 'no webhook secret is configured, so no signature can be checked');
  }
  let value = typeof header === 'string' ? header : '';
  // A value read from a file or typed on a command line may carry a stray newline.
  if (value.length > 0 && (value.charCodeAt(0) <= 32 || value.charCodeAt(value.length - 1) <= 32)) value = value.trim();
  if (value.length === 0) return failure('missing_signature', `missing ${c.header} header`);
  const problem = decodeSignature(c, value);
  if (problem !== undefined) return failure('malformed_signature', problem);
  const { given, expected } = c.scratch;
  // 'binary' (latin1) maps each digest byte to one char, so the write back into bytes is a plain copy.
  expected.write(createHmac(c.algorithm, secret).update(rawBody).digest('binary'), 0, 'binary');
  const equal = timingSafeEqual(given, expected);
  expected.fill(0);
  return equal ? VERIFIED : failure('signature_mismatch', `${c.header} does not match the body and secret`);
}
