import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyStandardWebhook, verifyWebhook, type VerifyResult } from '@callbridge/core';

/** shared/fixtures/signatures.json, written by packages/core/test/vectors/generate.ts. */
interface Vector {
  name: string;
  provider: 'vyora' | 'aila' | 'ayra' | 'standard';
  secret: string;
  body: string;
  headers: Record<string, string>;
  valid: boolean;
  reason?: string;
  now?: number;
}

const vectors = JSON.parse(readFileSync(join(__dirname, '../../../../shared/fixtures/signatures.json'), 'utf8')) as Vector[];

function check(v: Vector, body: string | Uint8Array): VerifyResult {
  if (v.provider === 'standard') return verifyStandardWebhook({ headers: v.headers, body, secrets: v.secret, now: v.now });
  return verifyWebhook(v.provider, { rawBody: body, headers: v.headers, secret: v.secret });
}

test('the vectors cover every provider, valid and invalid, and every failure reason', () => {
  for (const p of ['vyora', 'aila', 'ayra', 'standard']) {
    expect(vectors.some((v) => v.provider === p && v.valid)).toBe(true);
    expect(vectors.some((v) => v.provider === p && !v.valid)).toBe(true);
  }
  const reasons = new Set(vectors.map((v) => v.reason).filter(Boolean));
  expect([...reasons].sort()).toEqual(['malformed_signature', 'missing_signature', 'missing_timestamp', 'no_secret', 'signature_mismatch', 'timestamp_out_of_tolerance']);
  expect(vectors.filter((v) => v.provider === 'standard').every((v) => typeof v.now === 'number')).toBe(true);
});

test.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
  for (const body of [v.body, Buffer.from(v.body, 'utf8')]) {
    const result = check(v, body);
    expect(result.ok).toBe(v.valid);
    if (!result.ok) expect(result.reason).toBe(v.reason);
  }
});
