import { startSandbox, type RunningSandbox } from '@callbridge/sandbox';
import type { ClientEvent } from '@callbridge/core';
import { call, clientFor, manualClock, start } from './helpers';

describe('per-key rate limits with the documented headers', () => {
  const clock = manualClock();
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ clock, rateLimits: { vyora: { requests: 3, perMs: 60_000 }, aila: { requests: 2, perMs: 1_000 } } });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  test('Vyora: over the limit is 429 with Retry-After and Vyora\'s error body; another key has its own budget', async () => {
    for (let i = 0; i < 3; i++) expect((await call(sandbox, 'vyora', 'GET', '/v1/agents')).status).toBe(200);
    clock.advance(15_000);
    const limited = await call(sandbox, 'vyora', 'GET', '/v1/agents');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'Too many requests' });
    expect(limited.headers['retry-after']).toBe('45');
    // Vyora documents no X-RateLimit-* headers, so it sends none.
    expect(Object.keys(limited.headers).filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
    expect((await call(sandbox, 'vyora', 'GET', '/v1/agents', { key: 'vya_live_second_key' })).status).toBe(200);
    clock.advance(45_000);
    expect((await call(sandbox, 'vyora', 'GET', '/v1/agents')).status).toBe(200);
  });

  test('Aila: X-RateLimit-Limit/Remaining/Reset on every answer, the reset in epoch milliseconds', async () => {
    const t0 = clock.now();
    const first = await call(sandbox, 'aila', 'GET', '/contacts?limit=1');
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(t0 + 1_000) });
    // Errors count and carry the headers too.
    const missing = await call(sandbox, 'aila', 'GET', '/contacts/ct_nope');
    expect(missing.status).toBe(404);
    expect(missing.headers['x-ratelimit-remaining']).toBe('0');
    const limited = await call(sandbox, 'aila', 'GET', '/contacts?limit=1');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ success: false, error: { code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded', details: null } });
    expect(limited.headers).toMatchObject({ 'x-ratelimit-remaining': '0', 'retry-after': '1' });
    clock.advance(1_000);
    expect((await call(sandbox, 'aila', 'GET', '/contacts?limit=1')).headers['x-ratelimit-remaining']).toBe('1');
  });

  test('Ayla: the Developer plan\'s 10 a second, X-RateLimit-Remaining/Reset (epoch seconds), 429 rate_limited', async () => {
    const statuses: number[] = [];
    let last = await call(sandbox, 'ayla', 'GET', '/carriers/health');
    statuses.push(last.status);
    expect(last.headers['x-ratelimit-remaining']).toBe('9');
    expect(last.headers['x-ratelimit-reset']).toBe(String(Math.ceil((clock.now() + 1_000) / 1000)));
    for (let i = 0; i < 10; i++) {
      last = await call(sandbox, 'ayla', 'GET', '/carriers/health');
      statuses.push(last.status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(last).toMatchObject({ status: 429, body: { error: { code: 'rate_limited', status: 429, request_id: expect.stringMatching(/^req_/) } } });
    expect(last.headers['x-ratelimit-remaining']).toBe('0');
  });

  test('unauthenticated requests do not spend anyone\'s budget', async () => {
    for (let i = 0; i < 5; i++) expect((await call(sandbox, 'aila', 'GET', '/calls', { key: null })).status).toBe(401);
    expect((await call(sandbox, 'aila', 'GET', '/calls?limit=1')).headers['x-ratelimit-remaining']).toBe('1');
  });
});

describe('core and the sandbox agree on rate limits', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await start();
  });
  afterAll(() => sandbox.close());

  test("real 429s from the sandbox are absorbed by core's retry (Retry-After honoured)", async () => {
    const events: ClientEvent[] = [];
    const client = clientFor(sandbox, 'ayla', { onEvent: (e) => events.push(e) });
    const results = await Promise.all(Array.from({ length: 14 }, () => client.call('carriers.health', {})));
    expect(results).toHaveLength(14);
    for (const r of results) expect(r).toMatchObject({ corridors: expect.any(Array) });
    const statuses = events.filter((e) => e.type === 'response').map((e) => (e as { status: number }).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(4);
    const retries = events.filter((e): e is Extract<ClientEvent, { type: 'retry' }> => e.type === 'retry');
    expect(retries.length).toBe(statuses.filter((s) => s === 429).length);
    expect(retries.every((r) => r.reason === 'HTTP 429' && r.delayMs === 1_000)).toBe(true);
  });

  test("core's own limiter, at Ayla's plan rate with a margin for latency, keeps every request under the sandbox's limit", async () => {
    sandbox.reset();
    const events: ClientEvent[] = [];
    // Exactly 10 per 1000 ms as sent can arrive as 11 in a window when an early request is
    // slower than a later one; a tenth of a second of margin absorbs that skew.
    const client = clientFor(sandbox, 'ayla', { rateLimit: { requests: 10, perMs: 1_100 }, onEvent: (e) => events.push(e) });
    await Promise.all(Array.from({ length: 14 }, () => client.call('carriers.health', {})));
    const statuses = events.filter((e) => e.type === 'response').map((e) => (e as { status: number }).status);
    expect(statuses).toEqual(Array(14).fill(200));
    expect(events.some((e) => e.type === 'throttle')).toBe(true);
  });
});
