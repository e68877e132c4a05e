import nock from 'nock';
import app from '../src/index';
import { labels, rejection, runner, useNock } from '../../common/test-support/harness';

/**
 * The Ayla app against a mocked Ayla API: test/live mode in the connection label, the three
 * creates and the carrier health search, local validation, Ayla's errors and its 429s.
 */

const API = 'https://api.ayla.ai/v1';
const TEST_KEY = 'ayla_test_sk_0123456789abcdef';
const LIVE_KEY = 'ayla_live_sk_0123456789abcdef';

const run = runner(app);

const corridors = [
  { id: 'MTN-NG', composite_score: 0.96, dlr_1h: 0.97, sla_risk: 'LOW' },
  { id: 'GLO-NG', composite_score: 0.71, sla_risk: 'HIGH' },
];

describe('Ayla Zapier app', () => {
  useNock();

  it('offers the steps Ayla users look for', () => {
    expect(labels(app)).toMatchObject({
      'creates.sender_verify': 'Verify Sender ID',
      'creates.channel_decide': 'Decide Channel',
      'searches.carriers_health': 'Get Carrier Health',
    });
  });

  describe('authentication', () => {
    it.each([
      [TEST_KEY, 'Ayla test mode · 2 corridors'],
      [LIVE_KEY, 'Ayla live mode · 2 corridors'],
    ])('labels a %s connection by its mode and never shows the key', async (key, label) => {
      nock(API, { reqheaders: { authorization: `Bearer ${key}` } }).get('/carriers/health').reply(200, { corridors });
      const result = await run('authentication.test', { authData: { api_key: key } });
      const shown = await run('authentication.connectionLabel', { authData: { api_key: key }, inputData: result });
      expect(shown).toBe(label);
      expect(String(shown)).not.toContain('sk_');
    });

    it('turns a 401 into an authentication error', async () => {
      nock(API).get('/carriers/health').reply(401, { error: { code: 'unauthorized', message: 'Invalid API key', status: 401, request_id: 'req_1' } });
      const err = await rejection(() => run('authentication.test', { authData: { api_key: TEST_KEY } }));
      expect(err.name).toBe('ExpiredAuthError');
      expect(err.message).toContain('developer dashboard');
    });
  });

  describe('creates', () => {
    it('Analyze Message posts the message and is known by its request id', async () => {
      const input = { sender_id: 'GTBANKNG', msisdn: '+2348031234567', message_type: 'otp', corridor: 'MTN-NG', volume_1h: '1200' };
      nock(API)
        .post('/analyze', { ...input, volume_1h: 1200 })
        .reply(200, { fraud_score: 0.12, action: 'ALLOW', signals_fired: ['velocity_nominal'], latency_ms: 0.8, request_id: 'req_01HVKQZT9XN4P2F8' });
      await expect(run('creates.messages_analyze.operation.perform', { authData: { api_key: TEST_KEY }, inputData: input })).resolves.toMatchObject({
        id: 'req_01HVKQZT9XN4P2F8',
        action: 'ALLOW',
      });
    });

    it('refuses a sender ID over 11 characters before any request, naming the field', async () => {
      const err = await rejection(() =>
        run('creates.sender_verify.operation.perform', { authData: { api_key: TEST_KEY }, inputData: { sender_id: 'GTBANKNIGERIA', country_code: 'NG' } }),
      );
      expect(err.code).toBe('validation_error');
      expect(err.message).toContain('Sender ID (sender_id) must be at most 11 characters');
    });

    it('Verify Sender ID gives the decision an id that stays the same for the same answer', async () => {
      const decision = { decision: 'APPROVE', confidence: 0.97, layers_passed: 3, reasoning: 'Licensed.', latency_ms: 210 };
      nock(API).post('/sender/verify', { sender_id: 'GTBANKNG', country_code: 'NG', organisation_type: 'bank' }).times(2).reply(200, decision);
      const input = { sender_id: 'GTBANKNG', country_code: 'NG', organisation_type: 'bank' };
      const first = (await run('creates.sender_verify.operation.perform', { authData: { api_key: TEST_KEY }, inputData: input })) as Record<string, unknown>;
      const second = (await run('creates.sender_verify.operation.perform', { authData: { api_key: TEST_KEY }, inputData: input })) as Record<string, unknown>;
      expect(first).toMatchObject(decision);
      expect(first['id']).toMatch(/^sha256_[0-9a-f]{24}$/);
      expect(second['id']).toBe(first['id']);
    });

    it('Decide Channel sends the allowed channels as a list', async () => {
      nock(API)
        .post('/channel/decide', { message_type: 'otp', msisdn: '+2348031234567', allowed_channels: ['sms', 'whatsapp'] })
        .reply(200, { primary_channel: 'sms', route_score: 0.94, action: 'MAINTAIN', failover_chain: ['whatsapp'], sla_risk: 'LOW', request_id: 'req_2' });
      await expect(
        run('creates.channel_decide.operation.perform', {
          authData: { api_key: TEST_KEY },
          inputData: { message_type: 'otp', msisdn: '+2348031234567', allowed_channels: ['sms', 'whatsapp'] },
        }),
      ).resolves.toMatchObject({ id: 'req_2', primary_channel: 'sms' });
    });

    it("keeps Ayla's error code and message", async () => {
      nock(API).post('/sender/verify').reply(422, { error: { code: 'invalid_sender_id', message: 'Sender ID is reserved', status: 422, request_id: 'req_3' } });
      const err = await rejection(() =>
        run('creates.sender_verify.operation.perform', { authData: { api_key: TEST_KEY }, inputData: { sender_id: 'BANK', country_code: 'NG' } }),
      );
      expect(err).toMatchObject({ code: 'invalid_sender_id', status: 422 });
      expect(err.message).toContain('Sender ID is reserved');
      expect(err.message).toContain('req_3');
    });
  });

  it('Get Carrier Health returns each corridor with its id', async () => {
    nock(API).get('/carriers/health').query({ country: 'NG', min_score: '0.5' }).reply(200, { corridors });
    await expect(run('searches.carriers_health.operation.perform', { authData: { api_key: TEST_KEY }, inputData: { country: 'NG', min_score: 0.5 } })).resolves.toEqual(corridors);
  });

  it('has no triggers: Ayla lists nothing new and sends no webhooks', () => {
    expect(Object.keys(app.triggers ?? {})).toEqual([]);
  });

  it("turns Ayla's 429 into ThrottledError with the reset it sent", async () => {
    const reset = Math.floor(Date.now() / 1000) + 5;
    nock(API).get('/carriers/health').reply(429, { error: { code: 'rate_limited', message: 'Too many requests', status: 429 } }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    const err = await rejection(() => run('searches.carriers_health.operation.perform', { authData: { api_key: TEST_KEY }, inputData: {} }));
    expect(err.name).toBe('ThrottledError');
    expect(err.delay).toBeGreaterThanOrEqual(3);
    expect(err.delay).toBeLessThanOrEqual(6);
  });
});
