import { getProvider, PROVIDER_IDS } from '@callbridge/core';
import { PROFILES } from '../src/providers';
import { Lifecycles } from '../src/support/lifecycle';
import { RateLimits } from '../src/support/rate-limit';
import { Rng } from '../src/support/random';
import { Scheduler } from '../src/support/scheduler';
import { manualClock } from './helpers';

test('every core operation has a sandbox handler (composite polls reuse another operation)', () => {
  for (const id of PROVIDER_IDS) {
    const ops = Object.values(getProvider(id).operations).filter((o) => !o.poll).map((o) => o.name).sort();
    expect({ id, handled: Object.keys(PROFILES[id].handlers).sort() }).toEqual({ id, handled: ops });
  }
});

describe('RateLimits', () => {
  test('fixed windows per key: the window fills, refuses with the time left, then resets at its end', () => {
    const clock = manualClock(1_000_000);
    const limits = new RateLimits(clock);
    const rule = [{ requests: 2, perMs: 1_000 }];
    expect(limits.take('p', 'k', rule)).toEqual({ allowed: true, limit: 2, remaining: 1, resetAt: 1_001_000, retryAfterMs: 0 });
    clock.advance(300);
    expect(limits.take('p', 'k', rule)).toMatchObject({ allowed: true, remaining: 0 });
    expect(limits.take('p', 'other', rule)).toMatchObject({ allowed: true, remaining: 1 });
    clock.advance(400);
    expect(limits.take('p', 'k', rule)).toEqual({ allowed: false, limit: 2, remaining: 0, resetAt: 1_001_000, retryAfterMs: 300 });
    clock.advance(2_350);
    // Windows step in whole periods from the first request: this one is [1_003_000, 1_004_000).
    expect(limits.take('p', 'k', rule)).toMatchObject({ allowed: true, remaining: 1, resetAt: 1_004_000 });
  });

  test('several windows: each must have room; the headers follow the one closest to running out', () => {
    const clock = manualClock(0);
    const limits = new RateLimits(clock);
    const rules = [{ requests: 3, perMs: 1_000 }, { requests: 4, perMs: 86_400_000 }];
    for (let i = 0; i < 3; i++) limits.take('ayla', 'k', rules);
    expect(limits.take('ayla', 'k', rules)).toMatchObject({ allowed: false, limit: 3, remaining: 0, retryAfterMs: 1_000 });
    clock.advance(1_000);
    expect(limits.take('ayla', 'k', rules)).toMatchObject({ allowed: true, limit: 4, remaining: 0 });
    clock.advance(1_000);
    expect(limits.take('ayla', 'k', rules)).toMatchObject({ allowed: false, limit: 4, retryAfterMs: 86_400_000 - 2_000 });
  });
});

describe('Lifecycles', () => {
  test('steps run in order on their timers, once each, and advance() skips ahead without running any twice', async () => {
    const scheduler = new Scheduler();
    const lifecycles = new Lifecycles(scheduler);
    const ran: string[] = [];
    const steps = (id: string): Array<{ to: string; delayMs: number; run: () => void }> =>
      ['a', 'b', 'c'].map((to, i) => ({ to, delayMs: i === 0 ? 10 : 60_000, run: () => void ran.push(`${id}:${to}`) }));
    lifecycles.start('x', steps('x'));
    lifecycles.start('y', steps('y'));
    await new Promise((r) => setTimeout(r, 40));
    expect(ran.sort()).toEqual(['x:a', 'y:a']);
    expect(lifecycles.remaining('x')).toEqual(['b', 'c']);
    expect(lifecycles.advance('x', 'b')).toBe(true);
    expect(lifecycles.advance('x', 'a')).toBe(false);
    expect(lifecycles.advanceAll()).toBe(2);
    expect(ran).toEqual(['x:a', 'y:a', 'x:b', 'x:c', 'y:b', 'y:c']);
    expect(lifecycles.size).toBe(0);
    expect(scheduler.pending).toBe(0);
    scheduler.close();
  });
});

test('Rng streams are reproducible per seed and purpose', () => {
  const draw = (seed: number, purpose: string): string => {
    const r = Rng.for(seed, purpose);
    return [r.alnum(8), r.uuid(), r.requestId(), r.int(1, 6)].join('|');
  };
  expect(draw(1, 'a')).toBe(draw(1, 'a'));
  expect(draw(1, 'a')).not.toBe(draw(1, 'b'));
  expect(draw(1, 'a')).not.toBe(draw(2, 'a'));
  expect(Rng.for(3, 'u').uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
