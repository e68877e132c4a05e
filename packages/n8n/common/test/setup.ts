import nock from 'nock';
// The module n8n-workflow's index re-exports sleepWithAbort from (through a getter, so it
// is replaced here, where the function is an ordinary property).
import * as n8nUtils from 'n8n-workflow/dist/cjs/utils.js';

/**
 * Common test hygiene: no real network (nock answers or the request fails), every nock
 * expectation met, and n8n's sleep replaced so that retries and polls are instant while
 * still observable (the node must wait through n8n's sleep, never a timer of its own).
 */

export interface Sleeps {
  calls: number[];
}

export function useHttpMocks(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => nock.enableNetConnect());
}

/** Replaces n8n's sleepWithAbort with an instant one that moves a fake clock forward. */
export function useInstantSleep(): Sleeps {
  const sleeps: Sleeps = { calls: [] };
  let now = Date.UTC(2026, 4, 24, 10, 30, 0);
  beforeEach(() => {
    sleeps.calls = [];
    now = Date.UTC(2026, 4, 24, 10, 30, 0);
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    jest.spyOn(n8nUtils, 'sleepWithAbort').mockImplementation(async (ms: number) => {
      sleeps.calls.push(ms);
      now += ms;
    });
  });
  afterEach(() => jest.restoreAllMocks());
  return sleeps;
}
