import { z } from 'zod';
import { timestamp, wholeNumberQuery } from './common';

/**
 * `GET /v1/stats`: this replica's per-minute counters since it started (for the console's
 * charts), per source; a scoped token gets the sum of its sources.
 */
export const MAX_STATS_MINUTES = 1440;

export const StatsQuery = z.object({
  minutes: wholeNumberQuery(60, MAX_STATS_MINUTES).describe(`How many recent minutes, 1 to ${MAX_STATS_MINUTES}, default 60.`),
});

const count = z.number().int().min(0);

export const Stats = z
  .object({
    minutes: z.array(
      z.object({
        t: timestamp.describe('The minute, UTC.'),
        received: count,
        delivered: count,
        failed: count.describe('Attempts that failed and will retry.'),
        dead: count.describe('Deliveries that used every attempt.'),
      }),
    ),
    pending: count,
    dead: count,
  })
  .describe('Per replica, since it started.');
