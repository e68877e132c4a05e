import crypto, { createHmac } from 'node:crypto';
import { signHmac, verifyHmac, type HmacSignatureScheme } from '@callbridge/core';
import { vyoraExample } from './payloads';

const scheme: HmacSignatureScheme = { type: 'hmac', algorithm: 'sha256', header: 'x-vyora-signature', prefix: 'sha256=', encoding: 'hex' };
const secret = 'whk_test_secret_for_unit_tests';
const body = JSON.stringify(vyoraExample);
// Vyora's documented reference implementation.
const reference = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
const refHex = reference.slice('sha256='.length);

afterEach(() => jest.restoreAllMocks());

describe('signHmac', () => {
  test('matches Vyora\'s documented formula', () => {
    expect(signHmac(scheme, secret, body)).toBe(reference);
  });

  test('signs bytes and text alike', () => {
    const unicode = '{"name":"Rāhul ₹ 🏠"}';
    expect(signHmac(scheme, secret, Buffer.from(unicode, 'utf8'))).toBe(signHmac(scheme, secret, unicode));
    expect(signHmac(scheme, secret, new TextEncoder().encode(unicode))).toBe('sha256=' + createHmac('sha256', secret).update(unicode).digest('hex'));
  });

  test('follows the scheme\'s algorithm, encoding and prefix', () => {
    const b64: HmacSignatureScheme = { type: 'hmac', algorithm: 'sha512', header: 'x-sig', prefix: '', encoding: 'base64' };
    expect(signHmac(b64, secret, body)).toBe(createHmac('sha512', secret).update(body).digest('base64'));
    const sha1: HmacSignatureScheme = { ...scheme, algorithm: 'sha1', prefix: 'sha1=' };
    expect(signHmac(sha1, secret, body)).toBe('sha1=' + createHmac('sha1', secret).update(body).digest('hex'));
  });

  test('refuses an empty secret and a broken scheme, naming the field', () => {
    expect(() => signHmac(scheme, '', body)).toThrow(/secret/);
    expect(() => signHmac({ ...scheme, algorithm: 'md5' as 'sha256' }, secret, body)).toThrow(/algorithm must be one of/);
    expect(() => signHmac({ ...scheme, encoding: 'latin1' as 'hex' }, secret, body)).toThrow(/encoding/);
    expect(() => signHmac({ ...scheme, header: 'bad header' }, secret, body)).toThrow(/header must be an HTTP header name/);
  });
});

describe('verifyHmac', () => {
  test('accepts the reference signature over text and over bytes', () => {
    expect(verifyHmac(scheme, secret, body, reference)).toEqual({ ok: true });
    expect(verifyHmac(scheme, secret, Buffer.from(body), reference)).toEqual({ ok: true });
    expect(verifyHmac(scheme, secret, new Uint8Array(Buffer.from(body)), reference)).toEqual({ ok: true });
  });

  test('no_secret when the secret is empty', () => {
    const r = verifyHmac(scheme, '', body, reference);
    expect(r).toMatchObject({ ok: false, reason: 'no_secret' });
  });

  test.each([
    ['absent', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('missing_signature when the header is %s', (_label, header) => {
    const r = verifyHmac(scheme, secret, body, header);
    expect(r).toMatchObject({ ok: false, reason: 'missing_signature' });
    if (!r.ok) expect(r.message).toContain('x-vyora-signature');
  });

  test.each([
    ['no prefix', refHex],
    ['another prefix', 'sha1=' + refHex],
    ['prefix only', 'sha256='],
    ['odd hex length', reference.slice(0, -1)],
    ['too long', reference + 'ab'],
    ['a SHA-1 length digest', 'sha256=' + createHmac('sha1', secret).update(body).digest('hex')],
    ['non-hex characters at the end', reference.slice(0, -2) + 'zz'],
    ['non-hex characters at the start', 'sha256=g' + refHex.slice(1)],
    ['base64 in a hex scheme', 'sha256=' + createHmac('sha256', secret).update(body).digest('base64')],
  ])('malformed_signature for %s', (_label, header) => {
    expect(verifyHmac(scheme, secret, body, header)).toMatchObject({ ok: false, reason: 'malformed_signature' });
  });

  test('signature_mismatch for a tampered body, a wrong secret and a flipped bit', () => {
    expect(verifyHmac(scheme, secret, body.replace('47', '48'), reference)).toMatchObject({ ok: false, reason: 'signature_mismatch' });
    expect(verifyHmac(scheme, 'other', body, reference)).toMatchObject({ ok: false, reason: 'signature_mismatch' });
    const flipped = reference.slice(0, -1) + (reference.endsWith('0') ? '1' : '0');
    expect(verifyHmac(scheme, secret, body, flipped)).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  test('the prefix is matched case-insensitively and hex digits in either case', () => {
    expect(verifyHmac(scheme, secret, body, 'SHA256=' + refHex)).toEqual({ ok: true });
    expect(verifyHmac(scheme, secret, body, 'sha256=' + refHex.toUpperCase())).toEqual({ ok: true });
  });

  test('surrounding whitespace (a value read from a file) is ignored', () => {
    expect(verifyHmac(scheme, secret, body, ` ${reference}\n`)).toEqual({ ok: true });
  });

  test('base64 schemes accept padded and unpadded values and reject stray characters', () => {
    const b64: HmacSignatureScheme = { type: 'hmac', algorithm: 'sha256', header: 'x-sig', prefix: 'v=', encoding: 'base64' };
    const value = signHmac(b64, secret, body);
    expect(value).toMatch(/=$/);
    expect(verifyHmac(b64, secret, body, value)).toEqual({ ok: true });
    expect(verifyHmac(b64, secret, body, value.replace(/=+$/, ''))).toEqual({ ok: true });
    expect(verifyHmac(b64, secret, body, value.slice(0, 4) + '*' + value.slice(5))).toMatchObject({ reason: 'malformed_signature' });
    expect(verifyHmac(b64, secret, body, value.slice(0, -3) + '==')).toMatchObject({ reason: 'malformed_signature' });
  });

  test('messages never contain the secret or the expected signature', () => {
    for (const header of [undefined, refHex, reference.replace(/.$/, 'f'), 'sha256=' + '0'.repeat(64)]) {
      const r = verifyHmac(scheme, secret, body.replace('47', '48'), header);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.message).not.toContain(secret);
        expect(r.message).not.toContain(createHmac('sha256', secret).update(body.replace('47', '48')).digest('hex'));
      }
    }
  });
});

describe('timing safety', () => {
  test('a valid signature is compared with crypto.timingSafeEqual on equal-length digests', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    expect(verifyHmac(scheme, secret, body, reference)).toEqual({ ok: true });
    expect(spy).toHaveBeenCalledTimes(1);
    const [a, b] = spy.mock.calls[0] as [Buffer, Buffer];
    expect(a.length).toBe(32);
    expect(b.length).toBe(32);
    expect(spy.mock.results[0]?.value).toBe(true);
  });

  test('a mismatch of equal length still goes through crypto.timingSafeEqual', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    const wrong = 'sha256=' + 'ab'.repeat(32);
    expect(verifyHmac(scheme, secret, body, wrong)).toMatchObject({ ok: false, reason: 'signature_mismatch' });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.results[0]?.value).toBe(false);
    expect(Buffer.from(spy.mock.calls[0]?.[0] as Buffer).toString('hex')).toBe('ab'.repeat(32));
  });

  test('the verdict is the comparison\'s: a stubbed timingSafeEqual decides it', () => {
    jest.spyOn(crypto, 'timingSafeEqual').mockReturnValue(false);
    expect(verifyHmac(scheme, secret, body, reference)).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  test('malformed headers are rejected before any comparison of unequal lengths', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    expect(verifyHmac(scheme, secret, body, reference.slice(0, -2))).toMatchObject({ reason: 'malformed_signature' });
    expect(spy).not.toHaveBeenCalled();
  });
});
