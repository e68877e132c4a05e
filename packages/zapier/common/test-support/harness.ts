import nock from 'nock';

/**
 * nock for the apps' unit tests: no real network, every mocked request used, and the
 * interception removed at the end so it cannot touch later test files in the same worker.
 */

/** Call in a describe block: no real network, every mocked request used, nothing left over. */
export function useNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    if (pending.length > 0) throw new Error(`requests were expected but not sent: ${pending.join(', ')}`);
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}

export * from './zapier';
