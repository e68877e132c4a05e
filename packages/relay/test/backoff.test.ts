import { nextRetryDelay, receiverRetryAfter } from '../src/delivery/backoff';

const policy = { schedule: [5_000, 300_000, 1_800_000], maxRetryAfterMs: 3_600_000, jitter: 0.2 };

describe('nextRetryDelay', () => {
  test('follows the schedule, spread by at most ±20 %', () => {
    expect(nextRetryDelay(policy, 1, null, () => 0.5)).toBe(5_000);
    expect(nextRetryDelay(policy, 1, null, () => 0)).toBe(4_000);
    expect(nextRetryDelay(policy, 1, null, () => 0.999999)).toBeCloseTo(6_000, -1);
    expect(nextRetryDelay(policy, 2, null, () => 0.5)).toBe(300_000);
    expect(nextRetryDelay(policy, 3, null, () => 0.5)).toBe(1_800_000);
    const spread = new Set(Array.from({ length: 50 }, () => nextRetryDelay(policy, 1, null)));
    expect(spread.size).toBeGreaterThan(10);
  });

  test('ends in the dead-letter state after the last scheduled wait', () => {
    expect(nextRetryDelay(policy, 4, null, () => 0.5)).toBeNull();
    expect(nextRetryDelay(policy, 4, 1_000, () => 0.5)).toBeNull();
  });

  test("uses the receiver's Retry-After, capped", () => {
    expect(nextRetryDelay(policy, 1, 1_000, () => 0.5)).toBe(1_000);
    expect(nextRetryDelay(policy, 1, 86_400_000, () => 0.5)).toBe(3_600_000);
  });
});

describe('receiverRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  test('reads seconds and dates on 429 and 503 only', () => {
    expect(receiverRetryAfter(429, { 'retry-after': '3' }, now)).toBe(3_000);
    expect(receiverRetryAfter(503, { 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }, now)).toBe(10_000);
    expect(receiverRetryAfter(500, { 'retry-after': '3' }, now)).toBeNull();
    expect(receiverRetryAfter(429, {}, now)).toBeNull();
  });
});
