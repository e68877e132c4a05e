import nock from 'nock';
import { createClient, vyora, CallbridgeError } from '@callbridge/core';
import { fakeTime } from './helpers';

const BASE = 'https://api.vyora.ai';
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

test('waitForAnalysis polls until completed with analysis, at the interval asked', async () => {
  const t = fakeTime();
  const scope = nock(BASE)
    .get('/v1/calls/c9').reply(200, { call_id: 'c9', status: 'in_progress', analysis: null })
    .get('/v1/calls/c9').reply(200, { call_id: 'c9', status: 'completed', analysis: null })
    .get('/v1/calls/c9').reply(200, { call_id: 'c9', status: 'completed', analysis: { summary: 'ok' } });
  const c = createClient(vyora, { apiKey: 'k', clock: t.clock, sleep: t.sleep, rateLimit: false });
  const result = await c.call('calls.waitForAnalysis', { call_id: 'c9', interval_seconds: 2 });
  expect(result).toEqual({ call_id: 'c9', status: 'completed', analysis: { summary: 'ok' } });
  expect(t.sleeps).toEqual([2000, 2000]);
  scope.done();
});

test('waitForAnalysis times out with a poll_timeout carrying the last state', async () => {
  const t = fakeTime();
  nock(BASE).get('/v1/calls/c9').times(10).reply(200, { call_id: 'c9', status: 'in_progress', analysis: null });
  const c = createClient(vyora, { apiKey: 'k', clock: t.clock, sleep: t.sleep, rateLimit: false });
  const err = await c.call('calls.waitForAnalysis', { call_id: 'c9', interval_seconds: 3, timeout_seconds: 10 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CallbridgeError);
  expect(err).toMatchObject({ code: 'poll_timeout', kind: 'timeout', details: { last: { status: 'in_progress' } } });
  expect(t.sleeps).toEqual([3000, 3000, 3000]);
});

test('poll settings are validated and never sent to the provider', async () => {
  let query = 'unset';
  nock(BASE).get(/\/v1\/calls\/c9.*/).reply(function (uri) { query = new URL(uri, BASE).search; return [200, { status: 'completed', analysis: {} }]; });
  const c = createClient(vyora, { apiKey: 'k', rateLimit: false });
  await c.call('calls.waitForAnalysis', { call_id: 'c9', interval_seconds: 1 });
  expect(query).toBe('');
  await expect(c.call('calls.waitForAnalysis', { call_id: 'c9', interval_seconds: 0 })).rejects.toMatchObject({
    code: 'validation_error',
    issues: [{ field: 'interval_seconds', message: 'must be at least 0.1' }],
  });
});
