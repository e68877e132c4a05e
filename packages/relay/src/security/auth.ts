import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RelayStorage } from '../storage/types';

/**
 * The admin bearer token for `/v1`. Only its SHA-256 is kept, in memory and in storage;
 * a presented token is hashed and the two digests compared in constant time, so neither
 * the comparison's duration nor a leaked database reveals the token.
 */
const SETTING = 'api_token_sha256';

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function generateToken(): string {
  return `cbr_${randomBytes(32).toString('base64url')}`;
}

export function tokenMatches(presented: string, expectedHash: Buffer): boolean {
  const got = hashToken(presented);
  return got.length === expectedHash.length && timingSafeEqual(got, expectedHash);
}

/** The token from `Authorization: Bearer <token>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
  return m ? (m[1] as string) : null;
}

export interface AdminToken {
  hash: Buffer;
  /** Set only when this start generated the token: shown once, never stored in clear. */
  generated?: string;
  source: 'environment' | 'storage' | 'generated';
}

/** RELAY_API_TOKEN when set; else the stored hash; else a new token whose hash is stored. */
export async function resolveAdminToken(storage: RelayStorage, configured: string | undefined): Promise<AdminToken> {
  if (configured !== undefined) return { hash: hashToken(configured), source: 'environment' };
  const stored = await storage.getSetting(SETTING);
  if (stored !== null && /^[0-9a-f]{64}$/.test(stored)) return { hash: Buffer.from(stored, 'hex'), source: 'storage' };
  const token = generateToken();
  const hash = hashToken(token);
  await storage.setSetting(SETTING, hash.toString('hex'));
  return { hash, generated: token, source: 'generated' };
}
