import nock from 'nock';
import { CallbridgeError, createClient, getProvider, type HttpMethod } from '@callbridge/core';
import { CASES, fixture, type ContractCase, type Outcome } from './cases';

/** The contract against the documents: each case answered by nock with the documented body. */

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

function expectedPath(c: ContractCase): string {
  const spec = getProvider(c.provider);
  const op = spec.operations[c.operation] as { path: string };
  const base = new URL(spec.baseUrl).pathname.replace(/\/$/, '');
  return base + op.path.replace(/\{([^}]+)\}/g, (_, k: string) => encodeURIComponent(String(c.input[k])));
}

function replyOf(c: ContractCase): [number, unknown] {
  const r = c.reply;
  if ('fixture' in r) return [r.status ?? 200, fixture(c.provider, r.fixture)];
  if ('sample' in r) return [200, (getProvider(c.provider).operations[c.operation] as { sample: unknown }).sample];
  return [r.status, r.body];
}

test.each(CASES.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
  const spec = getProvider(c.provider);
  const method = (spec.operations[c.operation] as { method: HttpMethod }).method;
  const [status, body] = replyOf(c);
  const seen: string[] = [];
  const scope = nock(new URL(spec.baseUrl).origin)
    .intercept(() => true, method)
    .reply((uri) => {
      seen.push(new URL(uri, 'http://x').pathname);
      return [status, body as nock.Body];
    });
  const client = createClient(c.provider, { apiKey: c.apiKey ?? 'contract_test_key', rateLimit: false, retry: { maxAttempts: 1 } });
  const outcome: Outcome = await client.call(c.operation, c.input).then(
    (result) => ({ ok: true as const, result }),
    (e: unknown) => {
      if (e instanceof CallbridgeError) return { ok: false as const, error: e };
      throw e;
    },
  );
  expect(scope.isDone()).toBe(true);
  expect(seen).toEqual([expectedPath(c)]);
  c.check(outcome);
});
