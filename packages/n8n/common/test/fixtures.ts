import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The shared fixtures every package's tests use (shared/fixtures at the repository root). */
const root = path.resolve(__dirname, '../../../../shared/fixtures');

export function fixture<T = unknown>(provider: string, name: string): T {
  return JSON.parse(readFileSync(path.join(root, provider, `${name}.json`), 'utf8')) as T;
}

export interface SignatureVector {
  name: string;
  provider: string;
  secret: string;
  body: string;
  headers: Record<string, string>;
  valid: boolean;
  reason?: string;
  now?: number;
}

export function signatureVectors(provider: string): SignatureVector[] {
  const all = JSON.parse(readFileSync(path.join(root, 'signatures.json'), 'utf8')) as SignatureVector[];
  return all.filter((v) => v.provider === provider);
}
