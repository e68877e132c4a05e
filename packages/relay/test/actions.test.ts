import nock from 'nock';
import { api, get, startTestRelay, type TestRelay } from './support/harness';

const VYORA = 'https://api.vyora.ai';
const KEY = 'vya_test_key_0123456789';
let t: TestRelay;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  // Aila points at a closed loopback port: a real connection failure, no mock needed.
  t = await startTestRelay({ VYORA_API_KEY: KEY, AILA_API_KEY: 'aila_key_0123456789', AILA_BASE_URL: 'http://127.0.0.1:1/v1' });
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(async () => {
  await t.close();
  nock.enableNetConnect();
});

describe('POST /v1/actions/<provider>/<operation>', () => {
  test("runs the operation with the relay's credentials and answers the provider's result", async () => {
    const scope = nock(VYORA, { reqheaders: { 'x-api-key': KEY, 'idempotency-key': 'idem-1' } })
      .post('/v1/calls', { phone_number: '+919876543210', agent_name: 'Home Loan Agent', custom_args: { name: 'Rahul' } })
      .reply(200, { call_id: 'abc123xyz', status: 'registered' });
    const res = await api(
      t.url,
      'POST',
      '/v1/actions/vyora/calls.trigger',
      { phone_number: '+919876543210', agent_name: 'Home Loan Agent', custom_args: { name: 'Rahul' } },
      { headers: { 'idempotency-key': 'idem-1' } },
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ call_id: 'abc123xyz', status: 'registered' });
    expect(scope.isDone()).toBe(true);
    expect(t.logs.join('')).not.toContain(KEY);
  });

  test('invalid input answers 400 naming the field, and nothing is sent', async () => {
    const scope = nock(VYORA).post('/v1/calls').reply(200, {});
    const res = await api(t.url, 'POST', '/v1/actions/vyora/calls.trigger', { phone_number: '98765', agent_name: 'A' });
    expect(res.status).toBe(400);
    expect(get(res.body, 'error.code')).toBe('validation_error');
    expect(get(res.body, 'error.details')).toEqual([expect.objectContaining({ field: 'phone_number', message: expect.stringContaining('E.164') })]);
    expect(scope.isDone()).toBe(false);
  });

  test("a provider error answers the provider's status with the normalized error", async () => {
    nock(VYORA).post('/v1/calls').reply(402, { error: 'Insufficient credits' });
    const res = await api(t.url, 'POST', '/v1/actions/vyora/calls.trigger', { phone_number: '+919876543210', agent_name: 'A' });
    expect(res.status).toBe(402);
    expect(get(res.body, 'error.provider')).toBe('vyora');
    expect(get(res.body, 'error.message')).toBe('Insufficient credits');
    expect(get(res.body, 'error.code')).toBe('insufficient_credits');

    nock(VYORA).get('/v1/calls/nope').reply(404, { error: 'Call not found' });
    const missing = await api(t.url, 'POST', '/v1/actions/vyora/calls.get', { call_id: 'nope' });
    expect(missing.status).toBe(404);
    expect(get(missing.body, 'error.code')).toBe('call_not_found');
  });

  test("a 429 the client will not wait out answers 429 with the provider's Retry-After", async () => {
    nock(VYORA).get('/v1/agents').reply(429, { error: 'Too many requests' }, { 'retry-after': '120' });
    const res = await api(t.url, 'POST', '/v1/actions/vyora/agents.list', {});
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('120');
  });

  test('a network failure answers 502', async () => {
    const res = await api(t.url, 'POST', '/v1/actions/aila/calls.list', {});
    expect(res.status).toBe(502);
    expect(get(res.body, 'error.code')).toBe('network_error');
    expect(get(res.body, 'error.provider')).toBe('aila');
  });

  test('unknown providers and operations are 404; a provider without an API key is 503; a token is required', async () => {
    expect((await api(t.url, 'POST', '/v1/actions/nobody/calls.get', {})).status).toBe(404);
    const op = await api(t.url, 'POST', '/v1/actions/vyora/calls.explode', {});
    expect(op.status).toBe(404);
    expect(get(op.body, 'error.message')).toContain('calls.trigger');
    const ayra = await api(t.url, 'POST', '/v1/actions/ayra/agents.list', {});
    expect(ayra.status).toBe(503);
    expect(get(ayra.body, 'error.message')).toContain('AYRA_API_KEY');
    expect((await api(t.url, 'POST', '/v1/actions/vyora/agents.list', {}, { token: null })).status).toBe(401);
    const notObject = await api(t.url, 'POST', '/v1/actions/vyora/agents.list', [1]);
    expect(notObject.status).toBe(400);
  });
});
