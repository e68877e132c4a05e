import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { createClient, vyora, CallbridgeError, waitFromHeaders, backoffDelay, DEFAULT_RETRY } from '@callbridge/core';
import { fakeTime } from './helpers';
import { ayraLikeOp } from './non-idempotent';

const BASE = 'https://api.vyora.ai';


beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function client(t = fakeTime(), extra: Parameters<typeof createClient>[1] = {}) {
  return createClient(vyora, { apiKey: 'k', clock: t.clock, sleep: t.sleep, rateLimit: false, random: () => 0.5, ...extra });
}

describe('429', () => {
  test('waits the Retry-After seconds, then succeeds', async () => {
    const t = fakeTime();
    const scope = nock(BASE).get('/v1/calls/c1').reply(429, { error: 'Too many requests' }, { 'Retry-After': '7' })
      .get('/v1/calls/c1').reply(200, { call_id: 'c1' });
    await expect(client(t).call('calls.get', { call_id: 'c1' })).resolves.toEqual({ call_id: 'c1' });
    expect(t.sleeps).toEqual([7000]);
    scope.done();
  });

  test('reads Retry-After as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(waitFromHeaders({ 'retry-after': 'Thu, 01 Jan 2026 00:00:12 GMT' }, now)).toBe(12_000);
  });

  test.each([
    ['seconds to wait', '30', 30_000],
    ['epoch seconds', String(1_700_000_000 + 45), 45_000],
    ['epoch milliseconds', String(1_700_000_000_000 + 2_500), 2_500],
  ])('reads X-RateLimit-Reset as %s', async (_name, reset, expected) => {
    const t = fakeTime(1_700_000_000_000);
    const scope = nock(BASE).get('/v1/calls/c1').reply(429, {}, { 'X-RateLimit-Reset': reset, 'X-RateLimit-Remaining': '0' })
      .get('/v1/calls/c1').reply(200, { ok: 1 });
    await client(t).call('calls.get', { call_id: 'c1' });
    expect(t.sleeps).toEqual([expected]);
    scope.done();
  });

  test('without a header, backs off exponentially with full jitter', async () => {
    const t = fakeTime();
    const scope = nock(BASE).get('/v1/calls/c1').times(3).reply(429, {}).get('/v1/calls/c1').reply(200, {});
    await client(t, { random: () => 0.999 }).call('calls.get', { call_id: 'c1' });
    // ceilings 500, 1000, 2000 ms (base 500 doubling); jitter ~ the whole ceiling at random 0.999
    expect(t.sleeps).toEqual([499, 999, 1998]);
    scope.done();
  });

  test('full jitter stays within [0, ceiling]', () => {
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0)).toBe(0);
    expect(backoffDelay(30, DEFAULT_RETRY, () => 0.9999)).toBeLessThan(DEFAULT_RETRY.maxDelayMs);
  });

  test('a POST is retried after 429 too: the provider did nothing', async () => {
    const t = fakeTime();
    const keys: string[] = [];
    const scope = nock(BASE)
      .post('/v1/calls').times(2).reply(function () { keys.push(String(this.req.headers['idempotency-key'])); return [429, {}, { 'Retry-After': '1' }]; })
      .post('/v1/calls').reply(function () { keys.push(String(this.req.headers['idempotency-key'])); return [200, { call_id: 'x' }]; });
    await client(t).call('calls.trigger', { phone_number: '+15551234567' });
    expect(new Set(keys).size).toBe(1);
    expect(keys).toHaveLength(3);
    scope.done();
  });

  test('gives up with the normalized 429 when attempts run out, carrying the wait asked for', async () => {
    const t = fakeTime();
    nock(BASE).get('/v1/calls/c1').times(4).reply(429, { error: 'Rate limit exceeded' }, { 'Retry-After': '2' });
    const err = await client(t).call('calls.get', { call_id: 'c1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallbridgeError);
    expect(err).toMatchObject({ status: 429, retryable: true, retryAfterMs: 2000, message: 'Rate limit exceeded' });
    expect(t.sleeps).toEqual([2000, 2000, 2000]);
  });

  test('a wait past the total budget ends the call at once instead of sleeping', async () => {
    const t = fakeTime();
    nock(BASE).get('/v1/calls/c1').reply(429, {}, { 'Retry-After': '3600' });
    const err = await client(t).call('calls.get', { call_id: 'c1' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 3_600_000 });
    expect(t.sleeps).toEqual([]);
  });
});

describe('5xx and network errors', () => {
  test('a GET is retried on 503 and on a reset connection', async () => {
    // A real socket reset from a local server: nock's simulated socket errors are unreliable.
    let hits = 0;
    const server = http.createServer((req, res) => {
      hits++;
      if (hits === 1) return void res.writeHead(503).end('upstream down');
      if (hits === 2) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"call_id":"c1"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    nock.enableNetConnect('127.0.0.1');
    try {
      const t = fakeTime();
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await expect(client(t, { baseUrl: base }).call('calls.get', { call_id: 'c1' })).resolves.toEqual({ call_id: 'c1' });
      expect(hits).toBe(3);
      expect(t.sleeps).toHaveLength(2);
    } finally {
      nock.disableNetConnect();
      await new Promise((r) => server.close(r));
    }
  });

  test('a POST with an idempotency key is retried on 500 with the same key', async () => {
    const t = fakeTime();
    const keys: string[] = [];
    const scope = nock(BASE)
      .post('/v1/calls').reply(function () { keys.push(String(this.req.headers['idempotency-key'])); return [500, { error: 'boom' }]; })
      .post('/v1/calls').reply(function () { keys.push(String(this.req.headers['idempotency-key'])); return [200, { call_id: 'z' }]; });
    await client(t).call('calls.trigger', { phone_number: '+15551234567' }, { idempotencyKey: 'my-key-1' });
    expect(keys).toEqual(['my-key-1', 'my-key-1']);
    scope.done();
  });

  test('a write without an idempotency key is not repeated after a 5xx', async () => {
    const t = fakeTime();
    const scope = nock('https://example.test').post('/things').reply(502, { error: { code: 'bad_gateway', message: 'Bad gateway' } });
    const c = createClient(ayraLikeOp, { apiKey: 'k', clock: t.clock, sleep: t.sleep, rateLimit: false });
    const err = await c.call('things.update', { name: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, code: 'bad_gateway', retryable: true });
    expect(t.sleeps).toEqual([]);
    scope.done();
  });

  test('a 4xx is never retried', async () => {
    const t = fakeTime();
    const scope = nock(BASE).get('/v1/calls/nope').reply(404, { error: 'Call not found' });
    const err = await client(t).call('calls.get', { call_id: 'nope' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404, code: 'call_not_found', message: 'Call not found', retryable: false });
    expect(t.sleeps).toEqual([]);
    scope.done();
  });

  test('a refused connection that persists becomes a network_error after max attempts', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r)); // nothing listens there now
    nock.enableNetConnect('127.0.0.1');
    try {
      const t = fakeTime();
      const err = await client(t, { baseUrl: `http://127.0.0.1:${port}` }).call('calls.get', { call_id: 'c1' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: null, code: 'network_error', kind: 'network', retryable: true });
      expect(t.sleeps).toHaveLength(3);
    } finally {
      nock.disableNetConnect();
    }
  });
});

describe('idempotency keys', () => {
  test('generated per call when not given, different between calls', async () => {
    const keys: string[] = [];
    nock(BASE).post('/v1/calls').times(2).reply(function () { keys.push(String(this.req.headers['idempotency-key'])); return [200, {}]; });
    const c = client();
    await c.call('calls.trigger', { phone_number: '+15551234567' });
    await c.call('calls.trigger', { phone_number: '+15551234567' });
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[0]).not.toBe(keys[1]);
  });

  test('not sent on reads', async () => {
    let seen: unknown = 'unset';
    nock(BASE).get('/v1/calls/c1').reply(function () { seen = this.req.headers['idempotency-key']; return [200, {}]; });
    await client().call('calls.get', { call_id: 'c1' });
    expect(seen).toBeUndefined();
  });
});
