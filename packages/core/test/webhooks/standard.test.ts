import crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import {
  generateWebhookSecret,
  signStandardWebhook,
  standardWebhookHeaders,
  verifyStandardWebhook,
} from '@callbridge/core';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const otherSecret = 'whsec_' + Buffer.alloc(24, 9).toString('base64');
const body = JSON.stringify({ id: 'evt_01', type: 'vyora.call_completed', data: { call_id: 'abc123xyz', name: 'Rāhul ₹' } });
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const ts = 1_779_618_675;
const at = ts * 1000;

afterEach(() => jest.restoreAllMocks());

describe('generateWebhookSecret', () => {
  test('is whsec_ and base64 of 24 random bytes, different each time', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(a);
  });

  test('is a secret the standardwebhooks package accepts', () => {
    const s = generateWebhookSecret();
    expect(signStandardWebhook({ id, timestamp: ts, body, secret: s })).toBe(new Webhook(s).sign(id, new Date(at), body));
  });
});

describe('interop with the standardwebhooks package', () => {
  const now = Math.floor(Date.now() / 1000);

  test('our signature verifies with its Webhook.verify', () => {
    const headers = standardWebhookHeaders({ id, timestamp: now, body, secret });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(secret).verify(Buffer.from(body), standardWebhookHeaders({ id, timestamp: now, body: Buffer.from(body), secret }))).toEqual(JSON.parse(body));
  });

  test('its signature verifies with ours', () => {
    const signature = new Webhook(secret).sign(id, new Date(now * 1000), body);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': signature };
    expect(verifyStandardWebhook({ headers, body, secrets: secret })).toEqual({ ok: true });
    expect(verifyStandardWebhook({ headers, body: Buffer.from(body), secrets: secret })).toEqual({ ok: true });
  });

  test('its verify rejects our signature made with another secret, and ours rejects its', () => {
    const headers = standardWebhookHeaders({ id, timestamp: now, body, secret: otherSecret });
    expect(() => new Webhook(secret).verify(body, headers)).toThrow(/No matching signature/);
    const theirs = { ...headers, 'webhook-signature': new Webhook(otherSecret).sign(id, new Date(now * 1000), body) };
    expect(verifyStandardWebhook({ headers: theirs, body, secrets: secret })).toMatchObject({ reason: 'signature_mismatch' });
  });
});

describe('signStandardWebhook', () => {
  test('is HMAC-SHA256 of id.timestamp.body with the decoded key, as v1,<base64>', () => {
    const key = Buffer.from(secret.slice(6), 'base64');
    const expected = crypto.createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
    expect(signStandardWebhook({ id, timestamp: ts, body, secret })).toBe(`v1,${expected}`);
    expect(signStandardWebhook({ id, timestamp: ts, body, secret: secret.slice(6) })).toBe(`v1,${expected}`);
  });

  test('standardWebhookHeaders carries id, timestamp and signature', () => {
    expect(standardWebhookHeaders({ id, timestamp: ts, body, secret })).toEqual({
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': signStandardWebhook({ id, timestamp: ts, body, secret }),
    });
  });

  test('bad input is refused with the field named', () => {
    expect(() => signStandardWebhook({ id: '', timestamp: ts, body, secret })).toThrow(/^id: /);
    expect(() => signStandardWebhook({ id, timestamp: at / 1000 + 0.5, body, secret })).toThrow(/^timestamp: must be whole unix seconds/);
    expect(() => signStandardWebhook({ id, timestamp: -1, body, secret })).toThrow(/^timestamp: /);
    expect(() => signStandardWebhook({ id, timestamp: ts, body, secret: '' })).toThrow(/^secret: /);
    expect(() => signStandardWebhook({ id, timestamp: ts, body, secret: 'whsec_not base64!' })).toThrow(/^secret: must be "whsec_" followed by base64/);
    expect(() => signStandardWebhook({ id, timestamp: ts, body, secret: 'whsec_' })).toThrow(/^secret: /);
  });
});

describe('verifyStandardWebhook', () => {
  const headers = standardWebhookHeaders({ id, timestamp: ts, body, secret });

  test('accepts a delivery at its own time', () => {
    expect(verifyStandardWebhook({ headers, body, secrets: secret, now: at })).toEqual({ ok: true });
  });

  test('several signatures in the header: any match passes (rotation)', () => {
    const old = signStandardWebhook({ id, timestamp: ts, body, secret: otherSecret });
    const both = { ...headers, 'webhook-signature': `${old} ${headers['webhook-signature']}` };
    expect(verifyStandardWebhook({ headers: both, body, secrets: secret, now: at })).toEqual({ ok: true });
    expect(verifyStandardWebhook({ headers: both, body, secrets: otherSecret, now: at })).toEqual({ ok: true });
    const onlyOld = { ...headers, 'webhook-signature': old };
    expect(verifyStandardWebhook({ headers: onlyOld, body, secrets: secret, now: at })).toMatchObject({ reason: 'signature_mismatch' });
  });

  test('several secrets: any of them may have signed (rotation)', () => {
    expect(verifyStandardWebhook({ headers, body, secrets: [otherSecret, secret], now: at })).toEqual({ ok: true });
    expect(verifyStandardWebhook({ headers, body, secrets: ['', otherSecret], now: at })).toMatchObject({ reason: 'signature_mismatch' });
  });

  test('no usable secret is no_secret; an invalid one is a configuration error', () => {
    expect(verifyStandardWebhook({ headers, body, secrets: '', now: at })).toMatchObject({ reason: 'no_secret' });
    expect(verifyStandardWebhook({ headers, body, secrets: [], now: at })).toMatchObject({ reason: 'no_secret' });
    expect(() => verifyStandardWebhook({ headers, body, secrets: [secret, 'whsec_%%%'], now: at })).toThrow(/^secrets\[1\]: /);
  });

  test.each([
    ['webhook-id', 'missing_signature'],
    ['webhook-timestamp', 'missing_timestamp'],
    ['webhook-signature', 'missing_signature'],
  ])('a missing %s header is %s', (name, reason) => {
    const partial: Record<string, string> = { ...headers };
    delete partial[name];
    const r = verifyStandardWebhook({ headers: partial, body, secrets: secret, now: at });
    expect(r).toMatchObject({ ok: false, reason, message: `missing ${name} header` });
    expect(verifyStandardWebhook({ headers: { ...partial, [name]: '' }, body, secrets: secret, now: at })).toMatchObject({ reason });
  });

  test('header names are case-insensitive and arrays give their first value', () => {
    const shouted = { 'Webhook-Id': [id], 'WEBHOOK-TIMESTAMP': String(ts), 'Webhook-Signature': headers['webhook-signature'] };
    expect(verifyStandardWebhook({ headers: shouted, body, secrets: secret, now: at })).toEqual({ ok: true });
  });

  test('tolerance: 300 s either way by default, inclusive', () => {
    const v = (now: number, toleranceSeconds?: number) => verifyStandardWebhook({ headers, body, secrets: secret, now, toleranceSeconds });
    expect(v(at + 300_000)).toEqual({ ok: true });
    expect(v(at + 300_999)).toEqual({ ok: true });
    expect(v(at + 301_000)).toMatchObject({ reason: 'timestamp_out_of_tolerance', message: expect.stringContaining('301 s old') });
    expect(v(at - 300_000)).toEqual({ ok: true });
    expect(v(at - 301_000)).toMatchObject({ reason: 'timestamp_out_of_tolerance', message: expect.stringContaining('in the future') });
    expect(v(at + 10_000, 5)).toMatchObject({ reason: 'timestamp_out_of_tolerance' });
    expect(v(at + 5_000, 5)).toEqual({ ok: true });
    expect(v(at + 86_400_000, 100_000)).toEqual({ ok: true });
    expect(() => v(at, -1)).toThrow(/^toleranceSeconds: /);
  });

  test('defaults to the real clock', () => {
    const fresh = standardWebhookHeaders({ id, timestamp: Math.floor(Date.now() / 1000), body, secret });
    expect(verifyStandardWebhook({ headers: fresh, body, secrets: secret })).toEqual({ ok: true });
    expect(verifyStandardWebhook({ headers, body, secrets: secret })).toMatchObject({ reason: 'timestamp_out_of_tolerance' });
  });

  test.each([
    ['a timestamp that is not unix seconds', { 'webhook-timestamp': '1779618675.5' }],
    ['no v1 entry', { 'webhook-signature': 'v1a,' + Buffer.alloc(64).toString('base64') }],
    ['a v1 entry that is not base64', { 'webhook-signature': 'v1,not*base64*at*all*padding*here*0000000000=' }],
    ['a v1 entry of the wrong length', { 'webhook-signature': 'v1,' + Buffer.alloc(31).toString('base64') }],
  ])('malformed_signature for %s', (_label, change) => {
    expect(verifyStandardWebhook({ headers: { ...headers, ...change }, body, secrets: secret, now: at })).toMatchObject({ reason: 'malformed_signature' });
  });

  test('a body, id or timestamp changed after signing is a mismatch', () => {
    expect(verifyStandardWebhook({ headers, body: body + ' ', secrets: secret, now: at })).toMatchObject({ reason: 'signature_mismatch' });
    expect(verifyStandardWebhook({ headers: { ...headers, 'webhook-id': id + 'x' }, body, secrets: secret, now: at })).toMatchObject({ reason: 'signature_mismatch' });
    expect(verifyStandardWebhook({ headers: { ...headers, 'webhook-timestamp': String(ts - 1) }, body, secrets: secret, now: at })).toMatchObject({ reason: 'signature_mismatch' });
  });

  test('signatures are compared with crypto.timingSafeEqual, including an equal-length mismatch', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    expect(verifyStandardWebhook({ headers, body, secrets: secret, now: at })).toEqual({ ok: true });
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockClear();
    const wrong = { ...headers, 'webhook-signature': 'v1,' + Buffer.alloc(32, 1).toString('base64') };
    expect(verifyStandardWebhook({ headers: wrong, body, secrets: [secret, otherSecret], now: at })).toMatchObject({ reason: 'signature_mismatch' });
    expect(spy).toHaveBeenCalledTimes(2);
    for (const [a, b] of spy.mock.calls as Array<[Buffer, Buffer]>) expect([a.length, b.length]).toEqual([32, 32]);
  });
});

describe('decoded secrets are cached without changing results', () => {
  test('hundreds of distinct secrets, each signed twice, all verify with the standardwebhooks package', () => {
    for (let i = 0; i < 300; i++) {
      const secret = `whsec_${Buffer.from(`secret-number-${i}-padding`).toString('base64')}`;
      const input = { id: `msg_${i}`, timestamp: Math.floor(Date.now() / 1000), body: `{"n":${i}}`, secret };
      const first = signStandardWebhook(input);
      expect(signStandardWebhook(input)).toBe(first);
      const headers = { 'webhook-id': input.id, 'webhook-timestamp': String(input.timestamp), 'webhook-signature': first };
      expect(() => new Webhook(secret).verify(input.body, headers)).not.toThrow();
    }
  });

  test('an invalid secret still fails after valid ones were cached', () => {
    expect(() => signStandardWebhook({ id: 'm', timestamp: 1, body: '{}', secret: 'whsec_not base64!' })).toThrow(/base64/);
  });
});
