import nock from 'nock';
import { RateLimiter, createClient, vyora } from '@callbridge/core';
import { fakeTime } from './helpers';

describe('RateLimiter', () => {
  test('allows the plan size at once, then the next only a window after the first', () => {
    const t = fakeTime(0);
    const rl = new RateLimiter(60, 60_000, t.clock, t.sleep, 0);
    const waits = Array.from({ length: 62 }, () => rl.reserve());
    expect(waits.slice(0, 60).every((w) => w === 0)).toBe(true);
    expect(waits.slice(60)).toEqual([60_000, 60_000]);
  });

  test('by default leaves a margin of 5% of the window (100 ms to 1 s) for arrival jitter', () => {
    const t = fakeTime(0);
    expect(new RateLimiter(10, 1000, t.clock, t.sleep).marginMs).toBe(100);
    expect(new RateLimiter(60, 60_000, t.clock, t.sleep).marginMs).toBe(1000);
    const rl = new RateLimiter(2, 10_000, t.clock, t.sleep);
    expect([rl.reserve(), rl.reserve(), rl.reserve()]).toEqual([0, 0, 10_500]);
  });

  test('over any window, never more than the plan allows', async () => {
    const t = fakeTime(0);
    const rl = new RateLimiter(10, 1000, t.clock, t.sleep, 0);
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      await rl.acquire();
      times.push(t.clock.now());
    }
    for (let i = 10; i < times.length; i++) expect((times[i] as number) - (times[i - 10] as number)).toBeGreaterThanOrEqual(1000);
    // and it is not slower than it must be: 100 requests at 10/s take 9 s after the first burst
    expect((times[99] as number) - (times[0] as number)).toBe(9000);
  });

  test('a provider reporting none remaining pauses everyone until the reset', () => {
    const t = fakeTime(0);
    const rl = new RateLimiter(1000, 3_600_000, t.clock, t.sleep);
    rl.pauseUntil(5000);
    expect(rl.reserve()).toBe(5000);
  });

  test('rejects a nonsensical plan', () => {
    const t = fakeTime(0);
    expect(() => new RateLimiter(0, 1000, t.clock, t.sleep)).toThrow(RangeError);
  });
});

describe('client-side limiting', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  test('Vyora defaults to 60 per minute: the 61st request waits for the window', async () => {
    const t = fakeTime(0);
    nock('https://api.vyora.ai').get('/v1/calls/c').times(61).reply(200, {});
    const c = createClient(vyora, { apiKey: 'k', clock: t.clock, sleep: t.sleep });
    for (let i = 0; i < 61; i++) await c.call('calls.get', { call_id: 'c' });
    expect(t.sleeps).toEqual([61_000]);
  });

  test('X-RateLimit-Remaining: 0 holds the next request until X-RateLimit-Reset', async () => {
    const t = fakeTime(1_700_000_000_000);
    nock('https://api.vyora.ai')
      .get('/v1/calls/c').reply(200, {}, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(1_700_000_000 + 20) })
      .get('/v1/calls/c').reply(200, {});
    const c = createClient(vyora, { apiKey: 'k', clock: t.clock, sleep: t.sleep });
    await c.call('calls.get', { call_id: 'c' });
    await c.call('calls.get', { call_id: 'c' });
    expect(t.sleeps).toEqual([20_000]);
  });
});
