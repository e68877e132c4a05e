import { createHash } from 'node:crypto';

// Crockford's base32, lower case: no i, l, o or u, so ids read back unambiguously.
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const ID_CHARS = 26;

/** 26 base32 characters (130 bits) from the front of a byte string. */
function base32(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  let i = 0;
  while (out.length < chars) {
    if (bits < 5) {
      buffer = (buffer << 8) | (bytes[i++] ?? 0);
      bits += 8;
    }
    bits -= 5;
    out += CROCKFORD.charAt((buffer >> bits) & 31);
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** `evt_` + 26 chars, the same for the same provider event however often it arrives. */
export function webhookEventId(provider: string, dedupeKey: string): string {
  return 'evt_' + base32(createHash('sha256').update(`${provider}:${dedupeKey}`).digest(), ID_CHARS);
}
