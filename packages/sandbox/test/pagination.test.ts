import type { RunningSandbox } from '@callbridge/sandbox';
import { call, clientFor, start } from './helpers';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await start();
});
afterAll(() => sandbox.close());

interface AyraList {
  data: Array<Record<string, string>>;
  meta: { total: number; page: number; per_page: number; total_pages: number; request_id: string; timestamp: string };
  links: { first: string; prev: string | null; next: string | null; last: string };
}

async function ayra(path: string): Promise<AyraList> {
  const res = await call(sandbox, 'ayra', 'GET', path);
  expect(res.status).toBe(200);
  return res.body as AyraList;
}

describe('Ayra page/per_page, as the list-agents document describes', () => {
  test('defaults: page 1, 25 per page, newest first; the documented first page', async () => {
    const list = await ayra('/agents');
    expect(list.meta).toEqual({ total: 47, page: 1, per_page: 25, total_pages: 2, request_id: expect.stringMatching(/^req_/), timestamp: expect.any(String) });
    expect(list.data).toHaveLength(25);
    expect(list.data.slice(0, 2).map((a) => a.id)).toEqual(['agent_abc123', 'agent_def456']);
    expect(list.links).toEqual({ first: `${sandbox.urls.ayra}/agents?page=1`, prev: null, next: `${sandbox.urls.ayra}/agents?page=2`, last: `${sandbox.urls.ayra}/agents?page=2` });
    const created = list.data.map((a) => Date.parse(a['created_at'] as string));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  test('per_page over 100 is capped at 100, not refused', async () => {
    const list = await ayra('/agents?per_page=500');
    expect(list.meta.per_page).toBe(100);
    expect(list.data).toHaveLength(47);
    expect(list.meta.total_pages).toBe(1);
    expect(list.links.next).toBeNull();
  });

  test('the last page is short, a page past the end is empty, links keep the filters', async () => {
    const last = await ayra('/agents?page=2&per_page=25');
    expect(last.data).toHaveLength(22);
    expect(last.links.prev).toBe(`${sandbox.urls.ayra}/agents?page=1&per_page=25`);
    expect(last.links.next).toBeNull();
    expect((await ayra('/agents?page=9')).data).toEqual([]);
    const filtered = await ayra('/agents?status=active&per_page=5');
    expect(filtered.links.next).toBe(`${sandbox.urls.ayra}/agents?page=2&status=active&per_page=5`);
  });

  test.each([['per_page=0', 'per_page'], ['per_page=ten', 'per_page'], ['page=0', 'page'], ['page=1.5', 'page']])('%s is refused naming %s', async (q, field) => {
    const res = await call(sandbox, 'ayra', 'GET', `/agents?${q}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: expect.stringContaining(field), details: expect.stringContaining(field) } });
  });

  test("core's list walks every page and stops at the last", async () => {
    const all = await clientFor(sandbox, 'ayra').listAll('agents.list', {});
    expect(all).toHaveLength(47);
    expect(new Set(all.map((a) => (a as { id: string }).id)).size).toBe(47);
  });
});

describe("Ayra's agent filters and sorting", () => {
  async function agents(q: string): Promise<Array<Record<string, string>>> {
    return (await ayra(`/agents?per_page=100&${q}`)).data;
  }

  test('status, voice_platform and language filter exactly, and together', async () => {
    for (const status of ['active', 'paused', 'archived']) {
      const got = await agents(`status=${status}`);
      expect(got.length).toBeGreaterThan(0);
      expect(got.every((a) => a['status'] === status)).toBe(true);
    }
    const vapiActive = await agents('status=active&voice_platform=vapi');
    expect(vapiActive.length).toBeGreaterThan(0);
    expect(vapiActive.every((a) => a['status'] === 'active' && a['voice_platform'] === 'vapi')).toBe(true);
    const spanish = await agents('language=es');
    expect(spanish.length).toBeGreaterThan(0);
    expect(spanish.every((a) => a['language'] === 'es')).toBe(true);
    const counts = await Promise.all(['active', 'paused', 'archived'].map((s) => agents(`status=${s}`).then((l) => l.length)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(47);
  });

  test('search matches part of a name, case-insensitively; an empty search matches all', async () => {
    const support = await agents('search=SUPPORT');
    expect(support.length).toBeGreaterThan(0);
    expect(support.every((a) => (a['name'] as string).toLowerCase().includes('support'))).toBe(true);
    expect(await agents('search=')).toHaveLength(47);
    expect(await agents('search=zzzz-no-such-agent')).toEqual([]);
  });

  test('created_after / created_before bound the creation time', async () => {
    const all = await agents('');
    const cut = Date.parse('2024-10-01T00:00:00Z');
    const ids = (list: Array<Record<string, string>>): string[] => list.map((a) => a['id'] as string).sort();
    const expectedAfter = ids(all.filter((a) => Date.parse(a['created_at'] as string) > cut));
    expect(expectedAfter.length).toBeGreaterThan(2);
    expect(expectedAfter.length).toBeLessThan(47);
    expect(ids(await agents('created_after=2024-10-01T00:00:00Z'))).toEqual(expectedAfter);
    expect(ids(await agents('created_before=2024-10-01'))).toEqual(ids(all.filter((a) => Date.parse(a['created_at'] as string) < cut)));
    const window = await agents('created_after=2025-01-14T00:00:00Z&created_before=2025-01-15T00:00:00Z');
    expect(ids(window)).toEqual(['agent_def456']);
    const bad = await call(sandbox, 'ayra', 'GET', '/agents?created_after=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { message: expect.stringContaining('created_after') } });
  });

  test('sort_by name ascending, and updated_at descending', async () => {
    const byName = (await agents('sort_by=name&sort_order=asc')).map((a) => a['name'] as string);
    expect(byName).toEqual([...byName].sort((a, b) => a.localeCompare(b)));
    const byUpdated = (await agents('sort_by=updated_at')).map((a) => Date.parse(a['updated_at'] as string));
    expect(byUpdated).toEqual([...byUpdated].sort((a, b) => b - a));
    const bad = await call(sandbox, 'ayra', 'GET', '/agents?sort_by=status');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { message: 'sort_by must be one of: name, created_at, updated_at' } });
  });

  test('conversations and contacts also take the overview\'s limit/offset', async () => {
    const page = await ayra('/conversations?limit=10&offset=20');
    expect(page.meta).toMatchObject({ per_page: 10, page: 3, total: 150 });
    const byPage = await ayra('/conversations?per_page=10&page=3');
    expect(page.data).toEqual(byPage.data);
  });
});

describe('Vyora limit/offset', () => {
  test('defaults to 50 from 0; only active agents; over 100 is capped', async () => {
    const res = await call(sandbox, 'vyora', 'GET', '/v1/agents');
    expect(res.body).toMatchObject({ total: 13, limit: 50, offset: 0 });
    const agents = (res.body as { agents: Array<Record<string, string>> }).agents;
    expect(agents.slice(0, 2).map((a) => a['name'])).toEqual(['Home Loan Agent', 'Admission Enquiry']);
    expect(Object.keys(agents[0] ?? {})).toEqual(['id', 'name', 'language', 'agent_type']);
    const paged = await call(sandbox, 'vyora', 'GET', '/v1/agents?limit=5&offset=10');
    expect(paged.body).toMatchObject({ total: 13, limit: 5, offset: 10, agents: expect.any(Array) });
    expect((paged.body as { agents: unknown[] }).agents).toHaveLength(3);
    expect((await call(sandbox, 'vyora', 'GET', '/v1/agents?limit=1000')).body).toMatchObject({ limit: 100 });
    const bad = await call(sandbox, 'vyora', 'GET', '/v1/agents?offset=-1');
    expect(bad).toMatchObject({ status: 400, body: { error: 'offset must be at least 0' } });
  });
});

describe('Aila limit/offset, which ends on a short page', () => {
  test('defaults, meta and the cap', async () => {
    const res = await call(sandbox, 'aila', 'GET', '/calls');
    expect(res.body).toMatchObject({ success: true, meta: { page: 1, limit: 50, total: 150 } });
    expect((res.body as { data: unknown[] }).data).toHaveLength(50);
    const capped = await call(sandbox, 'aila', 'GET', '/calls?limit=250&offset=100');
    expect(capped.body).toMatchObject({ meta: { page: 2, limit: 100, total: 150 } });
    expect((capped.body as { data: unknown[] }).data).toHaveLength(50);
  });

  test("core's list stops at the first short page: 150 calls in 2 requests of 100", async () => {
    const seen: string[] = [];
    const client = clientFor(sandbox, 'aila', { onEvent: (e) => void (e.type === 'request' && seen.push(e.url)) });
    const all = await client.listAll('calls.list', {});
    expect(all).toHaveLength(150);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toContain('offset=100');
  });

  test('filters by team member and date range; a bad date is the documented VALIDATION_ERROR', async () => {
    const mine = (await call(sandbox, 'aila', 'GET', '/calls?user_id=usr_12ab&limit=100')).body as { data: Array<Record<string, string>> };
    expect(mine.data.length).toBeGreaterThan(0);
    expect(mine.data.every((c) => c['user_id'] === 'usr_12ab')).toBe(true);
    const march = (await call(sandbox, 'aila', 'GET', '/calls?start_date=2025-03-01&end_date=2025-03-04&limit=100')).body as { data: Array<Record<string, string>> };
    expect(march.data.length).toBeGreaterThan(0);
    expect(march.data.every((c) => (c['started_at'] as string) >= '2025-03-01' && (c['started_at'] as string) < '2025-03-05')).toBe(true);
    const bad = await call(sandbox, 'aila', 'GET', '/calls?start_date=03/01/2025');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ success: false, error: { code: 'VALIDATION_ERROR', message: 'Invalid date format', details: { field: 'start_date', expected: 'ISO 8601 format' } } });
  });
});
