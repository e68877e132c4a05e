import { inspect } from 'node:util';
import nock from 'nock';
import { CallbridgeError, createClient, vyora } from '@callbridge/core';
import {
  answer,
  checkOperation,
  errorShape,
  expectInvalid,
  fixture,
  headerAuth,
  providerError,
  testClient,
  type OperationCase,
} from './helpers';

const KEY = 'vya_live_your_key_here';
const ORIGIN = 'https://api.vyora.ai';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/** A clock that moves only when the code under test sleeps. */
function fakeTime(): { clock: { now(): number }; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let now = 1_750_000_000_000;
  const sleeps: number[] = [];
  return {
    clock: { now: () => now },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

const call = fixture('vyora', 'calls.get') as Record<string, unknown>;

const cases: OperationCase[] = [
  { title: 'agents.list with no paging', op: 'agents.list', input: {}, method: 'GET', path: '/v1/agents', reply: fixture('vyora', 'agents.list') },
  {
    title: 'agents.list paged as the document shows',
    op: 'agents.list',
    input: { limit: 10, offset: 20 },
    method: 'GET',
    path: '/v1/agents',
    query: { limit: '10', offset: '20' },
    reply: fixture('vyora', 'agents.list'),
  },
  {
    title: 'calls.trigger sends the document\'s example request',
    op: 'calls.trigger',
    input: fixture('vyora', 'calls.trigger.request') as Record<string, unknown>,
    method: 'POST',
    path: '/v1/calls',
    body: fixture('vyora', 'calls.trigger.request'),
    reply: fixture('vyora', 'calls.trigger'),
  },
  {
    title: 'calls.trigger by agent id',
    op: 'calls.trigger',
    input: { phone_number: '+919876543210', agent_id: 'def456' },
    method: 'POST',
    path: '/v1/calls',
    body: { phone_number: '+919876543210', agent_id: 'def456' },
    reply: fixture('vyora', 'calls.trigger'),
  },
  { op: 'calls.get', input: { call_id: 'abc123xyz' }, method: 'GET', path: '/v1/calls/abc123xyz', reply: call },
  {
    title: 'calls.waitForAnalysis returns at once when the call is already analysed, sending no poll settings',
    op: 'calls.waitForAnalysis',
    input: { call_id: 'abc123xyz', interval_seconds: 1, timeout_seconds: 10 },
    method: 'GET',
    path: '/v1/calls/abc123xyz',
    reply: call,
  },
];

describe('requests and responses', () => {
  test.each(cases.map((c) => [c.title ?? c.op, c] as const))('%s', async (_title, c) => {
    await checkOperation(vyora, KEY, headerAuth('X-API-KEY', KEY), c);
  });

  test('every operation is exercised', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(Object.keys(vyora.operations)));
  });
});

describe('waiting for analysis', () => {
  test('polls calls.get at the interval until completed with analysis', async () => {
    const t = fakeTime();
    const pending = { ...call, status: 'in_progress', analysis: null };
    const scope = nock(ORIGIN)
      .get('/v1/calls/abc123xyz')
      .reply(200, pending)
      .get('/v1/calls/abc123xyz')
      .reply(200, { ...call, analysis: null })
      .get('/v1/calls/abc123xyz')
      .reply(200, call);
    const { client } = testClient(vyora, KEY, { clock: t.clock, sleep: t.sleep });
    await expect(client.call('calls.waitForAnalysis', { call_id: 'abc123xyz', interval_seconds: 2 })).resolves.toEqual(call);
    expect(t.sleeps).toEqual([2000, 2000]);
    scope.done();
  });

  test('gives up after the timeout with a retryable poll_timeout carrying the last state', async () => {
    const t = fakeTime();
    const pending = { ...call, status: 'in_progress', analysis: null };
    nock(ORIGIN).get('/v1/calls/abc123xyz').times(10).reply(200, pending);
    const { client } = testClient(vyora, KEY, { clock: t.clock, sleep: t.sleep });
    const err = await client.call('calls.waitForAnalysis', { call_id: 'abc123xyz', interval_seconds: 3, timeout_seconds: 7 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallbridgeError);
    expect(err).toMatchObject({ code: 'poll_timeout', retryable: true, status: null, details: { last: pending } });
    expect(t.sleeps).toEqual([3000, 3000]);
  });
});

describe('pagination', () => {
  test('listAll pages by limit/offset up to the stated total', async () => {
    const first = answer(ORIGIN, 'GET', 200, { agents: [{ id: 'a1' }, { id: 'a2' }], total: 3, limit: 2, offset: 0 });
    const second = answer(ORIGIN, 'GET', 200, { agents: [{ id: 'a3' }], total: 3, limit: 2, offset: 2 });
    const { client } = testClient(vyora, KEY);
    const all = await client.listAll('agents.list', { limit: 2 });
    expect(all).toEqual([{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }]);
    expect(first.seen[0]?.query).toEqual({ limit: '2', offset: '0' });
    // The last page asks only for what the total says is left.
    expect(second.seen[0]?.query).toEqual({ limit: '1', offset: '2' });
  });
});

describe('validation before the network', () => {
  test.each([
    ['calls.trigger', {}, 'phone_number', /required/],
    ['calls.trigger', { phone_number: '09876543210' }, 'phone_number', /E\.164/],
    ['calls.trigger', { phone_number: '+91 98765 43210' }, 'phone_number', /E\.164/],
    ['calls.trigger', { phone_number: '+0123456789' }, 'phone_number', /E\.164/],
    ['calls.trigger', { phone_number: '+919876543210', agent_id: 'a/b' }, 'agent_id', /"\/"/],
    ['calls.trigger', { phone_number: '+919876543210', agent_name: '' }, 'agent_name', /at least 1/],
    ['calls.trigger', { phone_number: '+919876543210', custom_args: { deep: { no: 1 } } }, 'custom_args.deep', /./],
    ['calls.trigger', { phone_number: '+919876543210', campaign: 'x' }, 'campaign', /not a field/],
    ['calls.get', { call_id: '../agents' }, 'call_id', /"\/"/],
    ['calls.get', {}, 'call_id', /required/],
    ['agents.list', { limit: 0 }, 'limit', /at least 1/],
    ['agents.list', { limit: 101 }, 'limit', /at most 100/],
    ['agents.list', { offset: -1 }, 'offset', /at least 0/],
    ['calls.waitForAnalysis', { call_id: 'abc', timeout_seconds: 0 }, 'timeout_seconds', /at least 1/],
    ['calls.waitForAnalysis', { call_id: 'abc', interval_seconds: 61 }, 'interval_seconds', /at most 60/],
  ] as const)('%s %j is refused on %s', async (op, input, fieldName, rule) => {
    await expectInvalid(vyora, op, input, fieldName, rule);
  });

  test('input that is not an object is refused', async () => {
    await expectInvalid(vyora, 'calls.trigger', ['+919876543210'], '(input)', /JSON object/);
  });
});

describe('errors', () => {
  test('{ error: "Call not found" } becomes a field-shaped CallbridgeError', async () => {
    const err = await providerError(vyora, 'calls.get', { call_id: 'nope' }, 404, fixture('vyora', 'error.call_not_found'));
    expect(errorShape(err)).toEqual({
      provider: 'vyora',
      status: 404,
      code: 'call_not_found',
      message: 'Call not found',
      details: null,
      requestId: null,
      retryable: false,
    });
  });

  test('insufficient credits on trigger is not retryable', async () => {
    const err = await providerError(vyora, 'calls.trigger', { phone_number: '+919876543210' }, 402, fixture('vyora', 'error.insufficient_credits'), {
      'x-request-id': 'req_v_1',
    });
    expect(errorShape(err)).toEqual({
      provider: 'vyora',
      status: 402,
      code: 'insufficient_credits',
      message: 'Insufficient credits',
      details: null,
      requestId: 'req_v_1',
      retryable: false,
    });
  });

  test('a body that is not JSON still yields a status-derived error', async () => {
    const err = await providerError(vyora, 'agents.list', {}, 503, '<html>upstream down</html>');
    expect(errorShape(err)).toMatchObject({ status: 503, code: 'service_unavailable', message: '<html>upstream down</html>', retryable: true });
  });

  test('the API key never shows in the client or its errors', async () => {
    const err = await providerError(vyora, 'agents.list', {}, 401, { error: 'Invalid API key' }, {}, KEY);
    const client = createClient(vyora, { apiKey: KEY });
    for (const text of [JSON.stringify(client), String(client), inspect(client, { depth: 10, showHidden: true }), JSON.stringify(err), inspect(err), err.message]) {
      expect(text).not.toContain(KEY);
    }
  });
});

test('webhooks follow the documented scheme', () => {
  expect(vyora.webhooks).toMatchObject({
    documented: true,
    open: false,
    events: ['call_started', 'call_completed', 'all_processing_completed'],
    eventHeader: 'x-vyora-event',
    dedupeFields: ['call_id'],
    signature: { header: 'x-vyora-signature', prefix: 'sha256=', encoding: 'hex', algorithm: 'sha256' },
  });
  const payload = fixture('vyora', 'webhook.call_completed') as { event: string };
  expect(vyora.webhooks?.events).toContain(payload.event);
});
