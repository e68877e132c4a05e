import nock from 'nock';
import { Capture, env, KEY, run, VYORA } from './helpers';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const TOTAL = 250;
const agent = (i: number) => ({ id: `agent-${i}`, name: `Agent ${i}` });

/** Vyora's documented shape: {agents, total, limit, offset}; answers any limit/offset window. */
function vyoraAgents(): { requests: Array<{ limit: number; offset: number }> } {
  const requests: Array<{ limit: number; offset: number }> = [];
  nock(VYORA, { reqheaders: { 'x-api-key': KEY } })
    .persist()
    .get('/v1/agents')
    .query(true)
    .reply((uri) => {
      const q = new URL(uri, VYORA).searchParams;
      const limit = Number(q.get('limit'));
      const offset = Number(q.get('offset'));
      requests.push({ limit, offset });
      const agents = [];
      for (let i = offset; i < Math.min(TOTAL, offset + limit); i++) agents.push(agent(i));
      return [200, { agents, total: TOTAL, limit, offset }];
    });
  return { requests };
}

function lines(stdout: string): unknown[] {
  return stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
}

describe('list', () => {
  test('--limit N prints exactly N items and fetches no page past the Nth item', async () => {
    const api = vyoraAgents();
    const r = await run(['list', 'vyora', 'agents.list', '--limit', '120'], { env });
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(Array.from({ length: 120 }, (_, i) => agent(i)));
    expect(api.requests).toEqual([
      { limit: 100, offset: 0 },
      { limit: 20, offset: 100 },
    ]);
  });

  test('--limit below one page asks the provider for just that many', async () => {
    const api = vyoraAgents();
    const r = await run(['list', 'vyora', 'agents.list', '--limit', '3'], { env });
    expect(lines(r.stdout)).toEqual([agent(0), agent(1), agent(2)]);
    expect(api.requests).toEqual([{ limit: 3, offset: 0 }]);
  });

  test('--all walks every page, in order, one JSON object per line', async () => {
    const api = vyoraAgents();
    const r = await run(['list', 'vyora', 'agents.list', '--all'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toEqual(Array.from({ length: TOTAL }, (_, i) => agent(i)));
    expect(api.requests).toEqual([
      { limit: 100, offset: 0 },
      { limit: 100, offset: 100 },
      { limit: 50, offset: 200 },
    ]);
  });

  test("without --all or --limit: the provider's default page size (Vyora 50)", async () => {
    const api = vyoraAgents();
    const r = await run(['list', 'vyora', 'agents.list'], { env });
    expect(lines(r.stdout)).toHaveLength(50);
    expect(api.requests).toEqual([{ limit: 50, offset: 0 }]);
  });

  test('without --all or --limit: the page size and offset given in --json', async () => {
    const api = vyoraAgents();
    const r = await run(['list', 'vyora', 'agents.list', '--json', '{"limit":10,"offset":40}'], { env });
    expect(lines(r.stdout)).toEqual(Array.from({ length: 10 }, (_, i) => agent(40 + i)));
    expect(api.requests).toEqual([{ limit: 10, offset: 40 }]);
  });

  test('streams: the first page is printed before the second is requested', async () => {
    const stdout = new Capture();
    const printedBeforePage: number[] = [];
    nock(VYORA)
      .get('/v1/agents')
      .query({ limit: '100', offset: '0' })
      .reply(200, () => {
        printedBeforePage.push(stdout.chunks.length);
        return { agents: Array.from({ length: 100 }, (_, i) => agent(i)), total: 150 };
      })
      .get('/v1/agents')
      .query({ limit: '50', offset: '100' })
      .reply(200, () => {
        printedBeforePage.push(stdout.chunks.length);
        return { agents: Array.from({ length: 50 }, (_, i) => agent(100 + i)), total: 150 };
      });
    const r = await run(['list', 'vyora', 'agents.list', '--all'], { env, stdout });
    expect(r.code).toBe(0);
    expect(printedBeforePage).toEqual([0, 100]);
    expect(stdout.chunks).toHaveLength(150);
  });

  test('a provider error part-way: items so far stay printed, exit 1 with the error JSON', async () => {
    nock(VYORA)
      .get('/v1/agents')
      .query({ limit: '100', offset: '0' })
      .reply(200, { agents: Array.from({ length: 100 }, (_, i) => agent(i)), total: 150 })
      .get('/v1/agents')
      .query({ limit: '50', offset: '100' })
      .reply(403, { error: 'Plan does not allow this' });
    const r = await run(['list', 'vyora', 'agents.list', '--all'], { env });
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toHaveLength(100);
    expect(JSON.parse(r.stderr)).toMatchObject({ provider: 'vyora', operation: 'agents.list', status: 403, message: 'Plan does not allow this' });
  });

  test.each([['0'], ['-1'], ['1.5'], ['ten'], ['']])('--limit %j is exit 2 and sends nothing', async (limit) => {
    const api = vyoraAgents();
    const r = await run(['list', 'vyora', 'agents.list', `--limit=${limit}`], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--limit must be a positive integer');
    expect(api.requests).toEqual([]);
  });

  test('--all with --limit is exit 2', async () => {
    const r = await run(['list', 'vyora', 'agents.list', '--all', '--limit', '5'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('either --all or --limit');
  });

  test('a non-list operation is exit 2 and names the list operations', async () => {
    const r = await run(['list', 'vyora', 'calls.get', '--json', '{"call_id":"c1"}'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('calls.get is not a list operation');
    expect(r.stderr).toContain('Vyora list operations: agents.list');
  });

  test('invalid list input is exit 2 naming the field', async () => {
    const r = await run(['list', 'vyora', 'agents.list', '--json', '{"limit":500}'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ {2}limit: must be at most 100$/m);
  });

  test('a missing key is exit 2 naming VYORA_API_KEY', async () => {
    const r = await run(['list', 'vyora', 'agents.list'], { env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('VYORA_API_KEY');
  });
});

describe('list: page-numbered pagination (Ayra)', () => {
  const AYRA = 'https://api.ayra.ai';
  const ayraEnv = { AYRA_API_KEY: 'ayra_test_key_123' };
  const PAGES = 3;

  /** Ayra's documented shape: {data, meta: {page, per_page, total, total_pages}, links: {next}}. */
  function ayraAgents(): { pages: Array<{ page: number; per_page: number }> } {
    const pages: Array<{ page: number; per_page: number }> = [];
    nock(AYRA, { reqheaders: { authorization: 'Bearer ayra_test_key_123' } })
      .persist()
      .get('/v1/agents')
      .query(true)
      .reply((uri) => {
        const q = new URL(uri, AYRA).searchParams;
        const page = Number(q.get('page'));
        const perPage = Number(q.get('per_page'));
        pages.push({ page, per_page: perPage });
        const total = PAGES * perPage;
        const data = Array.from({ length: perPage }, (_, i) => agent((page - 1) * perPage + i));
        const next = page < PAGES ? `${AYRA}/v1/agents?page=${page + 1}` : null;
        return [200, { data, meta: { page, per_page: perPage, total, total_pages: PAGES }, links: { next } }];
      });
    return { pages };
  }

  test('--all follows every page', async () => {
    const api = ayraAgents();
    const r = await run(['list', 'ayra', 'agents.list', '--all', '--json', '{"per_page":5}'], { env: ayraEnv });
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(Array.from({ length: 15 }, (_, i) => agent(i)));
    expect(api.pages).toEqual([1, 2, 3].map((page) => ({ page, per_page: 5 })));
  });

  test('by default one page of the default 25', async () => {
    const api = ayraAgents();
    const r = await run(['list', 'ayra', 'agents.list'], { env: ayraEnv });
    expect(lines(r.stdout)).toHaveLength(25);
    expect(api.pages).toEqual([{ page: 1, per_page: 25 }]);
  });

  test('a per_page over the documented 100 is exit 2 naming per_page', async () => {
    const api = ayraAgents();
    const r = await run(['list', 'ayra', 'agents.list', '--json', '{"per_page":500}'], { env: ayraEnv });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ {2}per_page: /m);
    expect(api.pages).toEqual([]);
  });
});
