import { CallbridgeError, createClient } from '@callbridge/core';
import { startSandbox, type RunningSandbox } from '@callbridge/sandbox';
import { CASES, type Outcome } from './cases';

/** The same contract against a running sandbox, through core's default transport. */

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
// Each case sees the world as seeded, as the documents describe it.
beforeEach(() => sandbox.reset());

test.each(CASES.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
  const client = createClient(c.provider, { apiKey: c.apiKey ?? sandbox.keys[c.provider], baseUrl: sandbox.urls[c.provider], retry: { maxAttempts: 1 } });
  const outcome: Outcome = await client.call(c.operation, c.input).then(
    (result) => ({ ok: true as const, result }),
    (e: unknown) => {
      if (e instanceof CallbridgeError) return { ok: false as const, error: e };
      throw e;
    },
  );
  c.check(outcome);
});
