/**
 * Writes shared/fixtures/signatures.json, the signature test vectors every package checks.
 *
 *   PATH=/work/main/node_modules/.bin:$PATH node packages/core/test/vectors/generate.ts
 *
 * Deliberately independent of our own webhooks code: provider signatures come from the
 * formula in Vyora's document, Standard Webhooks signatures from the standardwebhooks
 * package, so the vectors check our implementation instead of echoing it. Deterministic:
 * re-running it gives the same file.
 *
 * Decisions the vectors pin down:
 *   - the `sha256=` prefix is matched case-insensitively and hex digits may be upper case
 *     (the MAC bytes are the proof, the label is not); a value without the prefix is malformed;
 *   - a Standard Webhooks vector carries `now` (unix ms), the clock to verify it at.
 */
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { vyoraExample } from '../webhooks/payloads.ts';

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

// Test-only secrets; nothing here is a real credential.
const VYORA_SECRET = 'vyora_test_webhook_secret_0001';
const AILA_SECRET = 'aila_test_webhook_secret_0001';
const AYRA_SECRET = 'ayra_test_webhook_secret_0001';
const STANDARD_SECRET = 'whsec_' + Buffer.from(Array.from({ length: 24 }, (_, i) => i + 1)).toString('base64');
const STANDARD_OLD_SECRET = 'whsec_' + Buffer.from(Array.from({ length: 24 }, (_, i) => 200 + i)).toString('base64');

// Vyora's example payload, verbatim from its API document (shared with the webhook tests).
const vyoraBody = JSON.stringify(vyoraExample);
const vyoraUnicodeBody = JSON.stringify({ event: 'call_started', call_id: 'ünï-001', contact_name: 'Rāhul — ₹ 5,00,000 🏠', timestamp: '2026-05-24T10:29:00Z' });
const ailaBody = JSON.stringify({
  id: 'evt_aila_0001',
  event: 'call.completed',
  created_at: '2026-05-24T11:00:00Z',
  data: { call_id: 'call_789', duration_seconds: 312, status: 'completed' },
});
const ayraBody = JSON.stringify({
  id: 'evt_ayra_0001',
  event: 'conversation.completed',
  created_at: '2026-05-24T12:00:00Z',
  data: { conversation_id: 'conv_42', agent_id: 'agent_7' },
});
const relayBody = JSON.stringify({ id: 'evt_0123456789abcdefghjkmnpqrs', type: 'vyora.call_completed', provider: 'vyora', created_at: '2026-05-24T10:31:15Z', data: { call_id: 'abc123xyz' } });

const hex = (secret: string, body: string): string => createHmac('sha256', secret).update(body).digest('hex');
const sha256 = (secret: string, body: string): string => 'sha256=' + hex(secret, body);

const good = sha256(VYORA_SECRET, vyoraBody);
const goodHex = hex(VYORA_SECRET, vyoraBody);
const tampered = vyoraBody.replace('"duration_seconds":47', '"duration_seconds":48');
const vyoraEvent = { 'x-vyora-event': 'call_completed' };

const MSG_ID = 'msg_2Xb8nA1cQ9vKpL3mT7yR';
const TS = 1779618675; // 2026-05-24T10:31:15Z
const AT = TS * 1000;
const standardSign = (secret: string, id: string, ts: number, body: string): string => new Webhook(secret).sign(id, new Date(ts * 1000), body);
const stdSig = standardSign(STANDARD_SECRET, MSG_ID, TS, relayBody);
const stdOldSig = standardSign(STANDARD_OLD_SECRET, MSG_ID, TS, relayBody);
const std = (signature: string, extra: Partial<Record<'webhook-id' | 'webhook-timestamp', string>> = {}): Record<string, string> => ({
  'webhook-id': MSG_ID,
  'webhook-timestamp': String(TS),
  'webhook-signature': signature,
  ...extra,
});

const vectors: Vector[] = [
  // Vyora (documented scheme)
  { name: 'vyora: valid signature on the documented example payload', provider: 'vyora', secret: VYORA_SECRET, body: vyoraBody, headers: { ...vyoraEvent, 'x-vyora-signature': good }, valid: true },
  { name: 'vyora: header names in mixed case', provider: 'vyora', secret: VYORA_SECRET, body: vyoraBody, headers: { 'X-Vyora-Event': 'call_completed', 'X-Vyora-Signature': good }, valid: true },
  { name: 'vyora: valid signature over a UTF-8 body with non-ASCII text', provider: 'vyora', secret: VYORA_SECRET, body: vyoraUnicodeBody, headers: { 'x-vyora-event': 'call_started', 'x-vyora-signature': sha256(VYORA_SECRET, vyoraUnicodeBody) }, valid: true },
  { name: 'vyora: upper-case prefix is accepted (decision: prefix matched case-insensitively)', provider: 'vyora', secret: VYORA_SECRET, body: vyoraBody, headers: { 'x-vyora-signature': 'SHA256=' + goodHex }, valid: true },
  { name: 'vyora: upper-case hex digits are accepted (compared as bytes)', provider: 'vyora', secret: VYORA_SECRET, body: vyoraBody, headers: { 'x-vyora-signature': 'sha256=' + goodHex.toUpperCase() }, valid: true },
  { name: 'vyora: tampered body', provider: 'vyora', secret: VYORA_SECRET, body: tampered, headers: { ...vyoraEvent, 'x-vyora-signature': good }, valid: false, reason: 'signature_mismatch' },
  { name: 'vyora: wrong secret', provider: 'vyora', secret: 'some_other_secret', body: vyoraBody, headers: { ...vyoraEvent, 'x-vyora-signature': good }, valid: false, reason: 'signature_mismatch' },
  { name: 'vyora: signature header missing', provider: 'vyora', secret: VYORA_SECRET, body: vyoraBody, headers: { ...vyoraEvent }, valid: false, reason: 'missing_signature' },
  { name: 'vyora: signature header empty', provider: 'vyora', secret: VYORA_SECRET, body: vyoraBody, headers: { ...vyoraEvent, 'x-vyora-signature': '' }, valid: false, reason: 'missing_signature' },
  { name: 'vyora: empty secret', provider: 'vyora', secret: '', body: vyoraBody, headers: { ...vyoraEvent, 'x-vyora-signature': good }, valid: false, reason: 'no_secret' },
  { name: 'vyora: hex without the sha256= prefix', provider: 'vyora', secret: VYORA_SECRET, body: vyoraBody, headers: { 'x-vyora-signature': goodHex }, valid: false, reason: 'malformed_signature' },
  { name: 'vyora: another algorithm label (sha1=)', provider: 'vyora', secret: VYORA_SECRET, body: vyoraBody, headers: { 'x-vyora-signature': 'sha1=' + goodHex }, valid: false, reason: 'malformed_signature' },
  { name: 'vyora: odd number of hex digits', provider: 'vyora', secret: VYORA_SECRET, body: vyoraBody, headers: { 'x-vyora-signature': good.slice(0, -1) }, valid: false, reason: 'malformed_signature' },
  { name: 'vyora: wrong length (an HMAC-SHA1 digest)', provider: 'vyora', secret: VYORA_SECRET, body: vyoraBody, headers: { 'x-vyora-signature': 'sha256=' + createHmac('sha1', VYORA_SECRET).update(vyoraBody).digest('hex') }, valid: false, reason: 'malformed_signature' },
  { name: 'vyora: right length but not hex', provider: 'vyora', secret: VYORA_SECRET, body: vyoraBody, headers: { 'x-vyora-signature': good.slice(0, -2) + 'zz' }, valid: false, reason: 'malformed_signature' },
  { name: 'vyora: base64 instead of hex', provider: 'vyora', secret: VYORA_SECRET, body: vyoraBody, headers: { 'x-vyora-signature': 'sha256=' + createHmac('sha256', VYORA_SECRET).update(vyoraBody).digest('base64') }, valid: false, reason: 'malformed_signature' },

  // Aila (assumed scheme: x-aila-signature, sha256=<hex>)
  { name: 'aila: valid signature', provider: 'aila', secret: AILA_SECRET, body: ailaBody, headers: { 'x-aila-event': 'call.completed', 'x-aila-signature': sha256(AILA_SECRET, ailaBody) }, valid: true },
  { name: 'aila: tampered body', provider: 'aila', secret: AILA_SECRET, body: ailaBody.replace('312', '313'), headers: { 'x-aila-signature': sha256(AILA_SECRET, ailaBody) }, valid: false, reason: 'signature_mismatch' },
  { name: 'aila: wrong secret', provider: 'aila', secret: VYORA_SECRET, body: ailaBody, headers: { 'x-aila-signature': sha256(AILA_SECRET, ailaBody) }, valid: false, reason: 'signature_mismatch' },
  { name: "aila: signed in another provider's header", provider: 'aila', secret: AILA_SECRET, body: ailaBody, headers: { 'x-vyora-signature': sha256(AILA_SECRET, ailaBody) }, valid: false, reason: 'missing_signature' },

  // Ayra (assumed scheme: x-ayra-signature, sha256=<hex>)
  { name: 'ayra: valid signature', provider: 'ayra', secret: AYRA_SECRET, body: ayraBody, headers: { 'x-ayra-event': 'conversation.completed', 'x-ayra-signature': sha256(AYRA_SECRET, ayraBody) }, valid: true },
  { name: 'ayra: tampered body', provider: 'ayra', secret: AYRA_SECRET, body: ayraBody.replace('conv_42', 'conv_43'), headers: { 'x-ayra-signature': sha256(AYRA_SECRET, ayraBody) }, valid: false, reason: 'signature_mismatch' },
  { name: 'ayra: malformed header', provider: 'ayra', secret: AYRA_SECRET, body: ayraBody, headers: { 'x-ayra-signature': 'sha256=' }, valid: false, reason: 'malformed_signature' },

  // Standard Webhooks (relay deliveries), signed by the standardwebhooks package
  { name: 'standard: valid signature', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: std(stdSig), valid: true, now: AT },
  { name: 'standard: secret without the whsec_ prefix', provider: 'standard', secret: STANDARD_SECRET.slice('whsec_'.length), body: relayBody, headers: std(stdSig), valid: true, now: AT },
  { name: 'standard: rotation, old and new signatures, verified with the new secret', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: std(`${stdOldSig} ${stdSig}`), valid: true, now: AT },
  { name: 'standard: rotation, old and new signatures, verified with the old secret', provider: 'standard', secret: STANDARD_OLD_SECRET, body: relayBody, headers: std(`${stdSig} ${stdOldSig}`), valid: true, now: AT },
  { name: 'standard: unknown versions are skipped', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: std(`v1a,${stdSig.slice(3)} ${stdSig}`), valid: true, now: AT },
  { name: 'standard: timestamp exactly 300 s old', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: std(stdSig), valid: true, now: AT + 300_000 },
  { name: 'standard: timestamp exactly 300 s ahead', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: std(stdSig), valid: true, now: AT - 300_000 },
  { name: 'standard: timestamp 301 s old', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: std(stdSig), valid: false, reason: 'timestamp_out_of_tolerance', now: AT + 301_000 },
  { name: 'standard: timestamp 301 s ahead', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: std(stdSig), valid: false, reason: 'timestamp_out_of_tolerance', now: AT - 301_000 },
  { name: 'standard: tampered body', provider: 'standard', secret: STANDARD_SECRET, body: relayBody.replace('abc123xyz', 'abc123xyZ'), headers: std(stdSig), valid: false, reason: 'signature_mismatch', now: AT },
  { name: 'standard: wrong secret', provider: 'standard', secret: STANDARD_OLD_SECRET, body: relayBody, headers: std(stdSig), valid: false, reason: 'signature_mismatch', now: AT },
  { name: 'standard: signature bound to the id', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: std(stdSig, { 'webhook-id': 'msg_other' }), valid: false, reason: 'signature_mismatch', now: AT },
  { name: 'standard: signature bound to the timestamp', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: std(stdSig, { 'webhook-timestamp': String(TS + 1) }), valid: false, reason: 'signature_mismatch', now: AT },
  { name: 'standard: rotation, two signatures, neither from this secret', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: std(`${stdOldSig} ${standardSign(STANDARD_OLD_SECRET, MSG_ID, TS, '{}')}`), valid: false, reason: 'signature_mismatch', now: AT },
  { name: 'standard: missing webhook-id', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: { 'webhook-timestamp': String(TS), 'webhook-signature': stdSig }, valid: false, reason: 'missing_signature', now: AT },
  { name: 'standard: missing webhook-timestamp', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: { 'webhook-id': MSG_ID, 'webhook-signature': stdSig }, valid: false, reason: 'missing_timestamp', now: AT },
  { name: 'standard: missing webhook-signature', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: { 'webhook-id': MSG_ID, 'webhook-timestamp': String(TS) }, valid: false, reason: 'missing_signature', now: AT },
  { name: 'standard: non-numeric timestamp', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: std(stdSig, { 'webhook-timestamp': '2026-05-24T10:31:15Z' }), valid: false, reason: 'malformed_signature', now: AT },
  { name: 'standard: signature without the v1, version', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: std(stdSig.slice(3)), valid: false, reason: 'malformed_signature', now: AT },
  { name: 'standard: v1 signature that is not 32 bytes of base64', provider: 'standard', secret: STANDARD_SECRET, body: relayBody, headers: std('v1,' + Buffer.alloc(20, 7).toString('base64')), valid: false, reason: 'malformed_signature', now: AT },
];

const out = resolve(dirname(process.argv[1] ?? '.'), '../../../../shared/fixtures/signatures.json');
writeFileSync(out, JSON.stringify(vectors, null, 2) + '\n');
console.log(`wrote ${vectors.length} vectors to ${out}`);
