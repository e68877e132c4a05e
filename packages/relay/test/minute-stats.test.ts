import { MinuteStats } from '../src/stats/minutes';

describe('MinuteStats', () => {
  test('counts per minute and source, fills empty minutes, narrows to a scope, forgets old minutes', () => {
    const stats = new MinuteStats(3);
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    stats.add('received', 'default', t0);
    stats.add('received', 'src_a', t0 + 1_000, 2);
    stats.add('delivered', 'src_a', t0 + 61_000);
    stats.add('failed', 'src_b', t0 + 61_000);
    expect(stats.series(t0 + 61_000, 3, null)).toEqual([
      { t: '2026-01-01T11:59:00.000Z', received: 0, delivered: 0, failed: 0, dead: 0 },
      { t: '2026-01-01T12:00:00.000Z', received: 3, delivered: 0, failed: 0, dead: 0 },
      { t: '2026-01-01T12:01:00.000Z', received: 0, delivered: 1, failed: 1, dead: 0 },
    ]);
    expect(stats.series(t0 + 61_000, 2, ['src_a']).map((m) => [m.received, m.delivered, m.failed])).toEqual([
      [2, 0, 0],
      [0, 1, 0],
    ]);
    stats.add('dead', 'default', t0 + 5 * 60_000);
    expect(stats.series(t0 + 5 * 60_000, 10, null).map((m) => m.received)).toEqual([0, 0, 0]);
  });
});
