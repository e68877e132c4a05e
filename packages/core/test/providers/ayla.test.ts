import { inspect } from 'node:util';
import nock from 'nock';
import { ayla, createClient } from '@callbridge/core';
import {
  answer,
  bearerAuth,
  checkOperation,
  errorShape,
  expectInvalid,
  fixture,
  providerError,
  testClient,
  type OperationCase,
} from './helpers';

const KEY = 'ayla_live_sk_9fK2mQ7xLp4R';
const ORIGIN = 'https://api.ayla.ai';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const analyzeRequest = fixture('ayla', 'messages.analyze.request') as Record<string, unknown>;
const base = { msisdn: '+2348031234567', message_type: 'otp' };

const cases: OperationCase[] = [
  {
    title: 'messages.analyze with every documented parameter',
    op: 'messages.analyze',
    input: analyzeRequest,
    method: 'POST',
    path: '/v1/analyze',
    body: analyzeRequest,
    reply: fixture('ayla', 'messages.analyze'),
  },
  {
    title: 'messages.analyze with an 11-character sender ID containing a space',
    op: 'messages.analyze',
    input: { sender_id: 'ACME Bank 1', ...base },
    method: 'POST',
    path: '/v1/analyze',
    body: { sender_id: 'ACME Bank 1', ...base },
    reply: fixture('ayla', 'messages.analyze'),
  },
  {
    op: 'channel.decide',
    input: { ...base, urgency: 'high', allowed_channels: ['sms', 'whatsapp'] },
    method: 'POST',
    path: '/v1/channel/decide',
    body: { ...base, urgency: 'high', allowed_channels: ['sms', 'whatsapp'] },
    reply: fixture('ayla', 'channel.decide'),
  },
  {
    title: 'channel.decide leaves urgency to Ayla\'s default (medium) when not given',
    op: 'channel.decide',
    input: base,
    method: 'POST',
    path: '/v1/channel/decide',
    body: base,
    reply: fixture('ayla', 'channel.decide'),
  },
  {
    op: 'sender.verify',
    input: { sender_id: 'GTBANKNG', country_code: 'NG', organisation_type: 'bank' },
    method: 'POST',
    path: '/v1/sender/verify',
    body: { sender_id: 'GTBANKNG', country_code: 'NG', organisation_type: 'bank' },
    reply: fixture('ayla', 'sender.verify'),
  },
  { title: 'carriers.health unfiltered', op: 'carriers.health', input: {}, method: 'GET', path: '/v1/carriers/health', reply: fixture('ayla', 'carriers.health') },
  {
    title: 'carriers.health filtered by country and score',
    op: 'carriers.health',
    input: { country: 'NG', min_score: 0.8 },
    method: 'GET',
    path: '/v1/carriers/health',
    query: { country: 'NG', min_score: '0.8' },
    reply: fixture('ayla', 'carriers.health'),
  },
];

describe('requests and responses', () => {
  test.each(cases.map((c) => [c.title ?? c.op, c] as const))('%s', async (_title, c) => {
    await checkOperation(ayla, KEY, bearerAuth(KEY), c);
  });

  test('every operation is exercised', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(Object.keys(ayla.operations)));
  });

  test('listing carrier health takes one request, no paging parameters, and yields corridors', async () => {
    const { seen } = answer(ORIGIN, 'GET', 200, fixture('ayla', 'carriers.health'));
    const { client } = testClient(ayla, KEY);
    const corridors = (await client.listAll('carriers.health', { country: 'NG' })) as Array<{ id: string }>;
    expect(corridors.map((c) => c.id)).toEqual(['MTN-NG', 'GLO-NG']);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.query).toEqual({ country: 'NG' });
  });
});

describe('test and live mode from the key prefix', () => {
  test.each([
    ['ayla_test_sk_abc', 'test'],
    ['ayla_live_sk_abc', 'live'],
    ['sk_other_abc', null],
    ['', null],
  ] as const)('%s → %s', (apiKey, mode) => {
    const client = createClient(ayla, { apiKey });
    expect(client.mode).toBe(mode);
    expect(JSON.parse(JSON.stringify(client))).toMatchObject({ mode });
  });

  test('no key, no mode', () => {
    expect(createClient(ayla, {}).mode).toBeNull();
  });

  test('a test key is sent as the bearer token, unchanged', async () => {
    const testKey = 'ayla_test_sk_1234567890';
    const { seen } = answer(ORIGIN, 'GET', 200, fixture('ayla', 'carriers.health'));
    const { client } = testClient(ayla, testKey);
    await client.call('carriers.health', {});
    expect(seen[0]?.headers['authorization']).toBe(`Bearer ${testKey}`);
  });
});

describe('validation before the network', () => {
  test.each([
    ['messages.analyze', { ...base, sender_id: 'GTBANKNIGERIA' }, 'sender_id', /at most 11 characters/],
    ['messages.analyze', { ...base, sender_id: 'ABCDEFGHIJKL' }, 'sender_id', /at most 11 characters/],
    ['messages.analyze', { ...base, sender_id: '' }, 'sender_id', /at least 1/],
    ['messages.analyze', { ...base, sender_id: 'GT-BANK' }, 'sender_id', /letters A-Z, digits 0-9 and spaces/],
    ['messages.analyze', { ...base, sender_id: 'GTBÄNK' }, 'sender_id', /letters A-Z, digits 0-9 and spaces/],
    ['messages.analyze', { msisdn: '+2348031234567', message_type: 'otp' }, 'sender_id', /required/],
    ['messages.analyze', { ...base, sender_id: 'GTBANKNG', msisdn: '08031234567' }, 'msisdn', /E\.164/],
    ['messages.analyze', { ...base, sender_id: 'GTBANKNG', message_type: 'marketing' }, 'message_type', /otp, transactional, promotional, alert/],
    ['messages.analyze', { ...base, sender_id: 'GTBANKNG', volume_1h: -1 }, 'volume_1h', /at least 0/],
    ['messages.analyze', { ...base, sender_id: 'GTBANKNG', corridor: '' }, 'corridor', /at least 1/],
    ['messages.analyze', { ...base, sender_id: 'GTBANKNG', priority: 'high' }, 'priority', /not a field/],
    ['channel.decide', { ...base, urgency: 'urgent' }, 'urgency', /high, medium, low/],
    ['channel.decide', { ...base, allowed_channels: ['sms', 'voice'] }, 'allowed_channels.1', /sms, whatsapp, email/],
    ['channel.decide', { ...base, allowed_channels: ['sms', 'sms'] }, 'allowed_channels.1', /twice/],
    ['channel.decide', { ...base, allowed_channels: [] }, 'allowed_channels', /at least 1/],
    ['channel.decide', { message_type: 'otp' }, 'msisdn', /required/],
    ['sender.verify', { sender_id: 'GTBANKNG', country_code: 'ng' }, 'country_code', /ISO 3166-1 alpha-2/],
    ['sender.verify', { sender_id: 'GTBANKNG', country_code: 'XX' }, 'country_code', /ISO 3166-1 alpha-2/],
    ['sender.verify', { sender_id: 'GTBANKNG', country_code: 'NGA' }, 'country_code', /ISO 3166-1 alpha-2/],
    ['sender.verify', { sender_id: 'GTBANKNG' }, 'country_code', /required/],
    ['sender.verify', { sender_id: 'GTBANKNG-LAGOS', country_code: 'NG' }, 'sender_id', /at most 11/],
    ['sender.verify', { sender_id: 'GTBANKNG', country_code: 'NG', organisation_type: 'ngo' }, 'organisation_type', /bank, fintech, telco, other/],
    ['carriers.health', { min_score: 1.5 }, 'min_score', /at most 1/],
    ['carriers.health', { min_score: -0.1 }, 'min_score', /at least 0/],
    ['carriers.health', { country: 'Nigeria' }, 'country', /ISO 3166-1 alpha-2/],
  ] as const)('%s %j is refused on %s', async (op, input, fieldName, rule) => {
    await expectInvalid(ayla, op, input, fieldName, rule);
  });
});

describe('errors', () => {
  test('{error:{code,message,status,request_id}} becomes a CallbridgeError with the request id', async () => {
    // A sender ID Ayla refuses for its own reasons (our local check passes this one).
    const err = await providerError(ayla, 'sender.verify', { sender_id: 'GTBANKNG', country_code: 'NG' }, 422, fixture('ayla', 'error.invalid_sender_id'));
    expect(errorShape(err)).toEqual({
      provider: 'ayla',
      status: 422,
      code: 'invalid_sender_id',
      message: 'Sender ID exceeds 11 characters',
      details: null,
      requestId: 'req_01HVKQZT9XN4P2F8',
      retryable: false,
    });
  });

  test('a 500 is retryable, a 401 is not', async () => {
    const e500 = await providerError(ayla, 'carriers.health', {}, 500, { error: { code: 'internal_error', message: 'Internal error', status: 500, request_id: 'req_x' } });
    expect(errorShape(e500)).toMatchObject({ status: 500, code: 'internal_error', requestId: 'req_x', retryable: true });
    const e401 = await providerError(ayla, 'carriers.health', {}, 401, { error: { code: 'unauthorized', message: 'Invalid API key', status: 401, request_id: 'req_y' } });
    expect(errorShape(e401)).toMatchObject({ status: 401, code: 'unauthorized', retryable: false });
  });

  test('the API key never shows in the client or its errors', async () => {
    const err = await providerError(ayla, 'carriers.health', {}, 401, { error: { code: 'unauthorized', message: 'Invalid API key' } }, {}, KEY);
    const client = createClient(ayla, { apiKey: KEY });
    for (const text of [JSON.stringify(client), String(client), inspect(client, { depth: 10, showHidden: true }), JSON.stringify(err), inspect(err), err.message]) {
      expect(text).not.toContain(KEY);
    }
  });
});

test('Ayla sends no webhooks and does not page', () => {
  expect(ayla.webhooks).toBeUndefined();
  expect(ayla.pagination).toEqual({ style: 'none' });
  expect(ayla.rateLimit).toMatchObject({ requests: 10, perMs: 1000, remainingHeader: 'x-ratelimit-remaining', resetHeader: 'x-ratelimit-reset' });
});
