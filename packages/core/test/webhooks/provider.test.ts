import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook, vyora, webhookScheme } from '@callbridge/core';
import { vyoraExample } from './payloads';

const secret = 'vyora_provider_test_secret';
const body = JSON.stringify(vyoraExample);
const reference = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

describe('webhookScheme', () => {
  test('is the provider\'s own scheme, by id or by spec, checked and frozen once', () => {
    const byId = webhookScheme('vyora');
    expect(byId).toEqual(vyora.webhooks?.signature);
    expect(Object.isFrozen(byId)).toBe(true);
    expect(webhookScheme(vyora)).toBe(byId);
  });

  test('overrides are laid over the provider\'s scheme; undefined keys keep the default', () => {
    const s = webhookScheme('aila', { header: 'X-Aila-Signature-256', encoding: 'base64', prefix: undefined });
    expect(s).toEqual({ type: 'hmac', algorithm: 'sha256', header: 'x-aila-signature-256', prefix: 'sha256=', encoding: 'base64' });
    expect(webhookScheme('vyora', {})).toBe(webhookScheme('vyora'));
  });

  test('a bad override is refused with the field named', () => {
    expect(() => webhookScheme('vyora', { algorithm: 'md5' as 'sha256' })).toThrow(/algorithm must be one of sha256, sha1, sha512/);
    expect(() => webhookScheme('vyora', { header: '' })).toThrow(/header must be an HTTP header name/);
  });

  test('a provider without webhooks (Ayla) and an unknown id are refused', () => {
    expect(() => webhookScheme('ayla')).toThrow(/Ayla \(ayla\) sends no webhooks/);
    expect(() => webhookScheme('nope' as 'vyora')).toThrow(/unknown provider "nope"/);
  });
});

describe('verifyWebhook', () => {
  test('reads the scheme\'s header whatever its case, taking the first of several values', () => {
    expect(verifyWebhook('vyora', { rawBody: body, secret, headers: { 'x-vyora-signature': reference } })).toEqual({ ok: true });
    expect(verifyWebhook('vyora', { rawBody: body, secret, headers: { 'X-VYORA-SIGNATURE': reference } })).toEqual({ ok: true });
    expect(verifyWebhook('vyora', { rawBody: body, secret, headers: { 'x-vyora-signature': [reference, 'sha256=00'] } })).toEqual({ ok: true });
    expect(verifyWebhook('vyora', { rawBody: body, secret, headers: { 'x-vyora-signature': ['sha256=' + '0'.repeat(64), reference] } }))
      .toMatchObject({ ok: false, reason: 'signature_mismatch' });
    expect(verifyWebhook('vyora', { rawBody: body, secret, headers: { 'x-vyora-signature': undefined, 'X-Vyora-Signature': reference } })).toEqual({ ok: true });
    expect(verifyWebhook('vyora', { rawBody: body, secret, headers: { 'x-vyora-signature': [] } })).toMatchObject({ reason: 'missing_signature' });
  });

  test('checks the raw bytes, not a re-serialised body', () => {
    const pretty = JSON.stringify(vyoraExample, null, 2);
    expect(verifyWebhook('vyora', { rawBody: Buffer.from(pretty), secret, headers: { 'x-vyora-signature': reference } }))
      .toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  test('another provider\'s header is not read', () => {
    expect(verifyWebhook('aila', { rawBody: body, secret, headers: { 'x-vyora-signature': reference } }))
      .toMatchObject({ ok: false, reason: 'missing_signature', message: 'missing x-aila-signature header' });
  });

  test('a per-call scheme override is honoured', () => {
    const scheme = { header: 'x-sig', prefix: '', encoding: 'base64' as const };
    const value = createHmac('sha256', secret).update(body).digest('base64');
    expect(verifyWebhook('ayra', { rawBody: body, secret, scheme, headers: { 'x-sig': value } })).toEqual({ ok: true });
    expect(verifyWebhook('ayra', { rawBody: body, secret, headers: { 'x-sig': value } })).toMatchObject({ reason: 'missing_signature' });
  });
});

describe('signWebhook', () => {
  test('gives the header and value the provider would send, which verifyWebhook accepts', () => {
    for (const id of ['vyora', 'aila', 'ayra'] as const) {
      const signed = signWebhook(id, { rawBody: body, secret });
      expect(signed).toEqual({ header: `x-${id}-signature`, value: reference });
      expect(verifyWebhook(id, { rawBody: body, secret, headers: { [signed.header]: signed.value } })).toEqual({ ok: true });
    }
  });

  test('honours an override', () => {
    const signed = signWebhook('vyora', { rawBody: body, secret, scheme: { algorithm: 'sha512', prefix: 'sha512=' } });
    expect(signed.value).toBe('sha512=' + createHmac('sha512', secret).update(body).digest('hex'));
  });
});
