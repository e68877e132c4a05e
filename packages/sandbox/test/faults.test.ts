import { CallbridgeError, type ClientEvent } from '@callbridge/core';
import { FaultSpecError, type RunningSandbox } from '@callbridge/sandbox';
import { call, clientFor, rejection, request, start } from './helpers';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await start();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

test('the next N requests fail with the status and the provider\'s own error body, then all is normal', async () => {
  const fault = sandbox.faults.inject('vyora', 'calls.get', { status: 500, times: 2 });
  const once = clientFor(sandbox, 'vyora', { retry: { maxAttempts: 1 } });
  const err = await rejection(once.call('calls.get', { call_id: 'abc123xyz' }));
  expect(err).toBeInstanceOf(CallbridgeError);
  expect(err).toMatchObject({ status: 500, code: 'internal_server_error', message: 'Internal server error', retryable: true });
  expect(fault.remaining).toBe(1);

  // Other operations are untouched while the fault waits.
  expect((await call(sandbox, 'vyora', 'GET', '/v1/agents')).status).toBe(200);

  const events: ClientEvent[] = [];
  const retrying = clientFor(sandbox, 'vyora', { retry: { baseDelayMs: 1, maxDelayMs: 5 }, onEvent: (e) => events.push(e) });
  expect(await retrying.call('calls.get', { call_id: 'abc123xyz' })).toMatchObject({ call_id: 'abc123xyz' });
  expect(events.filter((e) => e.type === 'response').map((e) => (e as { status: number }).status)).toEqual([500, 200]);
  expect(fault.remaining).toBe(0);
  expect(sandbox.faults.list()).toEqual([]);
});

test('a given body is sent as is; a 429 carries Retry-After', async () => {
  sandbox.faults.inject('ayra', 'agents.list', { status: 503, body: { maintenance: true } });
  expect(await call(sandbox, 'ayra', 'GET', '/agents')).toMatchObject({ status: 503, body: { maintenance: true } });
  sandbox.faults.inject('aila', 'calls.list', { status: 429 });
  const limited = await call(sandbox, 'aila', 'GET', '/calls');
  expect(limited).toMatchObject({ status: 429, body: { success: false, error: { code: 'RATE_LIMIT_EXCEEDED' } } });
  expect(limited.headers['retry-after']).toBe('1');
  expect(limited.headers['x-ratelimit-limit']).toBe('1000');
});

test('"*" applies to every operation of that provider only', async () => {
  sandbox.faults.inject('ayla', '*', { status: 500, times: 2 });
  expect((await call(sandbox, 'ayra', 'GET', '/agents')).status).toBe(200);
  expect((await call(sandbox, 'ayla', 'GET', '/carriers/health')).status).toBe(500);
  const analyze = await call(sandbox, 'ayla', 'POST', '/analyze', { body: { sender_id: 'GTBANKNG', msisdn: '+2348031234567', message_type: 'otp' } });
  expect(analyze).toMatchObject({ status: 500, body: { error: { code: 'internal_error', status: 500 } } });
  expect((await call(sandbox, 'ayla', 'GET', '/carriers/health')).status).toBe(200);
});

test('a slow answer arrives after the delay, and is otherwise normal', async () => {
  sandbox.faults.inject('aila', 'contacts.get', { delayMs: 150 });
  const t0 = performance.now();
  const res = await call(sandbox, 'aila', 'GET', '/contacts/ct_77xy');
  expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  expect(res).toMatchObject({ status: 200, body: { success: true, data: { id: 'ct_77xy', name: 'Maria Lopez' } } });
});

test("a hung request never answers, so core's timeout fires; the next one is normal", async () => {
  sandbox.faults.inject('ayra', 'agents.get', { hang: true });
  const client = clientFor(sandbox, 'ayra', { timeoutMs: 200, retry: { maxAttempts: 1 } });
  const err = await rejection(client.call('agents.get', { agent_id: 'agent_abc123' }));
  expect(err).toMatchObject({ kind: 'timeout', code: 'timeout', status: null });
  expect(await client.call('agents.get', { agent_id: 'agent_abc123' })).toMatchObject({ id: 'agent_abc123' });
});

test('a fault that cannot apply is refused, naming the option', () => {
  expect(() => sandbox.faults.inject('stripe' as 'ayra', '*', { status: 500 })).toThrow(FaultSpecError);
  const cases: Array<[string, string, object]> = [
    ['vyora', 'calls.cancel', { status: 500 }],
    ['vyora', 'calls.get', { status: 99 }],
    ['vyora', 'calls.get', { status: 500, times: 0 }],
    ['vyora', 'calls.get', { delayMs: -1 }],
    ['vyora', 'calls.get', {}],
    ['vyora', 'calls.get', { status: 500, hang: true }],
  ];
  const fields = cases.map(([p, op, f]) => {
    try {
      sandbox.faults.inject(p as 'vyora', op, f);
      return 'accepted';
    } catch (e) {
      return (e as FaultSpecError).field;
    }
  });
  expect(fields).toEqual(['operation', 'status', 'times', 'delayMs', 'fault', 'hang']);
});

test('the admin API injects, lists and clears faults; reset clears them too', async () => {
  const created = await request(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: { provider: 'vyora', operation: 'calls.trigger', status: 503, times: 3 } });
  expect(created).toMatchObject({ status: 201, body: { id: expect.any(String), provider: 'vyora', operation: 'calls.trigger', remaining: 3 } });
  expect((await request(`${sandbox.url}/_sandbox/faults`)).body).toEqual([expect.objectContaining({ provider: 'vyora', operation: 'calls.trigger', status: 503, remaining: 3 })]);
  const bad = await request(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: { provider: 'vyora', operation: 'nope', status: 500 } });
  expect(bad).toMatchObject({ status: 400, body: { error: { field: 'operation' } } });
  expect((await request(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' })).status).toBe(200);
  expect(sandbox.faults.list()).toEqual([]);
  sandbox.faults.inject('vyora', 'calls.get', { status: 500 });
  sandbox.reset();
  expect((await call(sandbox, 'vyora', 'GET', '/v1/calls/abc123xyz')).status).toBe(200);
});
