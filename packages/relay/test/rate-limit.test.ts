import { api, startTestRelay, TOKEN, type TestRelay } from './support/harness';

/**
 * /v1 rate limits: authenticated callers are limited per token, unauthenticated failures per
 * client address in a bucket of their own, so a flood of bad tokens cannot lock the admin out.
 */
const statuses = async (n: number, call: () => Promise<{ status: number }>): Promise<number[]> => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await call()).status);
  return out;
};

describe('without RELAY_TRUST_PROXY', () => {
  let t: TestRelay;
  beforeEach(async () => {
    t = await startTestRelay({ RELAY_RATE_LIMIT: '5' });
  });
  afterEach(async () => {
    await t.close();
  });

  test('a flood of bad tokens from one address does not lock out the valid token', async () => {
    const bad = await statuses(8, () => api(t.url, 'GET', '/v1/events', undefined, { token: 'guessing-guessing-guessing' }));
    expect(bad).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const none = await api(t.url, 'GET', '/v1/events', undefined, { token: null });
    expect(none.status).toBe(429);
    expect(Number(none.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The same address, now with the real token: its own budget, untouched.
    expect(await statuses(5, () => api(t.url, 'GET', '/v1/events'))).toEqual([200, 200, 200, 200, 200]);
  });

  test('X-Forwarded-For is not believed: every forged address shares the peer\'s failure bucket', async () => {
    let n = 0;
    const forged = await statuses(7, () =>
      api(t.url, 'GET', '/v1/events', undefined, { token: 'nope-nope-nope-nope', headers: { 'x-forwarded-for': `198.51.100.${(n += 1)}` } }),
    );
    expect(forged.slice(5)).toEqual([429, 429]);
  });
});

describe('with RELAY_TRUST_PROXY naming the proxy', () => {
  let t: TestRelay;
  beforeEach(async () => {
    t = await startTestRelay({ RELAY_RATE_LIMIT: '3', RELAY_TRUST_PROXY: '127.0.0.1/32, ::1' });
  });
  afterEach(async () => {
    await t.close();
  });

  test('the valid token has one budget, whatever address it comes from', async () => {
    const as = (ip: string) => api(t.url, 'GET', '/v1/events', undefined, { headers: { 'x-forwarded-for': ip } });
    expect([(await as('203.0.113.7')).status, (await as('203.0.113.8')).status, (await as('203.0.113.9')).status]).toEqual([200, 200, 200]);
    const over = await as('198.51.100.7');
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ error: { code: 'rate_limited' } });
  });

  test('each forwarded client gets its own failure bucket', async () => {
    const from = (ip: string) => () => api(t.url, 'GET', '/v1/events', undefined, { token: 'wrong-wrong-wrong-wrong', headers: { 'x-forwarded-for': ip } });
    expect(await statuses(4, from('203.0.113.1'))).toEqual([401, 401, 401, 429]);
    expect(await statuses(4, from('203.0.113.2'))).toEqual([401, 401, 401, 429]);
    // A client cannot escape its bucket by prepending an address of its choosing: only the
    // address the trusted proxy saw (the rightmost untrusted one) counts.
    expect((await from('10.9.9.9, 203.0.113.1')()).status).toBe(429);
    expect((await api(t.url, 'GET', '/v1/events', undefined, { token: TOKEN, headers: { 'x-forwarded-for': '203.0.113.1' } })).status).toBe(200);
  });
});

describe('with RELAY_TRUST_PROXY as a hop count', () => {
  test('the address that many hops from the relay is the client', async () => {
    const t = await startTestRelay({ RELAY_RATE_LIMIT: '2', RELAY_TRUST_PROXY: '2' });
    try {
      const from = (xff: string) => () => api(t.url, 'GET', '/v1/events', undefined, { token: 'wrong-wrong-wrong-wrong', headers: { 'x-forwarded-for': xff } });
      // Two trusted hops: the relay's peer and the proxy that appended the last entry.
      expect(await statuses(3, from('203.0.113.1, 10.0.0.2'))).toEqual([401, 401, 429]);
      expect(await statuses(3, from('203.0.113.2, 10.0.0.2'))).toEqual([401, 401, 429]);
      expect(await statuses(1, from('198.51.100.1, 203.0.113.1, 10.0.0.2'))).toEqual([429]);
    } finally {
      await t.close();
    }
  });
});
