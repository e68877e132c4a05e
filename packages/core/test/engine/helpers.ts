import type { Clock, Sleep } from '@callbridge/core';

/** A clock that moves only when the code under test sleeps, recording each wait. */
export function fakeTime(start = 1_700_000_000_000): { clock: Clock; sleep: Sleep; sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: { now: () => now },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
    advance(ms: number) {
      now += ms;
    },
  };
}
