import nock from 'nock';
import { createClient, defineOperation, defineProvider, field, operations, type PaginationSpec } from '@callbridge/core';

const BASE = 'https://pages.test';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function providerWith(pagination: PaginationSpec, itemsPath: string) {
  return defineProvider({
    id: 'ayra',
    name: 'Pages',
    description: 'pagination test provider',
    baseUrl: BASE,
    docsUrl: BASE,
    auth: { type: 'bearer' },
    keyHelp: 'n/a',
    pagination,
    rateLimit: { requests: 1000, perMs: 1000 },
    testOperation: 'items.list',
    operations: operations(
      defineOperation('items.list', {
        summary: 'List items',
        description: 'List items',
        method: 'GET',
        path: '/items',
        list: { itemsPath },
        passthrough: true,
        fields: { status: field.string({ label: 'Status', help: 'filter', in: 'query' }) },
      }),
    ),
  });
}

const range = (from: number, n: number) => Array.from({ length: Math.max(0, n) }, (_, i) => ({ id: from + i }));

/** Serves `total` items with page/per_page, recording each request's query. */
function servePages(total: number, seen: Array<Record<string, string>>) {
  return nock(BASE)
    .get('/items')
    .query(true)
    .reply(function (uri) {
      const q = Object.fromEntries(new URL(uri, BASE).searchParams) as Record<string, string>;
      seen.push(q);
      const page = Number(q.page);
      const per = Number(q.per_page);
      const pages = Math.ceil(total / per);
      const next = page < pages ? `${BASE}/items?page=${page + 1}` : null;
      return [200, { data: range((page - 1) * per, Math.min(per, total - (page - 1) * per)), meta: { total, page, per_page: per, total_pages: pages }, links: { next } }];
    })
    .persist();
}

function serveOffsets(total: number, seen: Array<Record<string, string>>, withTotal: boolean) {
  return nock(BASE)
    .get('/items')
    .query(true)
    .reply(function (uri) {
      const q = Object.fromEntries(new URL(uri, BASE).searchParams) as Record<string, string>;
      seen.push(q);
      const offset = Number(q.offset);
      const limit = Number(q.limit);
      const items = range(offset, Math.min(limit, total - offset));
      return [200, withTotal ? { items, total, limit, offset } : { success: true, data: items, meta: { limit } }];
    })
    .persist();
}

const pageStyle: PaginationSpec = { style: 'page', pageParam: 'page', sizeParam: 'per_page', defaultSize: 25, maxSize: 100, totalPagesPath: 'meta.total_pages', totalPath: 'meta.total', nextLinkPath: 'links.next' };

describe('page/per_page', () => {
  test('1,000 items take exactly 10 requests of 100, with filters kept on every page', async () => {
    const seen: Array<Record<string, string>> = [];
    servePages(1000, seen);
    const c = createClient(providerWith(pageStyle, 'data'), { apiKey: 'k', rateLimit: false, retry: { maxAttempts: 1 } });
    const items = await c.listAll('items.list', { status: 'active' });
    expect(items).toHaveLength(1000);
    expect(items.map((i) => (i as { id: number }).id)).toEqual(range(0, 1000).map((i) => i.id));
    expect(seen).toHaveLength(10);
    expect(seen.every((q) => q.per_page === '100' && q.status === 'active')).toBe(true);
  });

  test('a limit stops exactly, fetching no page past it', async () => {
    const seen: Array<Record<string, string>> = [];
    servePages(1000, seen);
    const c = createClient(providerWith(pageStyle, 'data'), { apiKey: 'k', rateLimit: false, retry: { maxAttempts: 1 } });
    expect(await c.listAll('items.list', {}, { limit: 250 })).toHaveLength(250);
    expect(seen.map((q) => q.page)).toEqual(['1', '2', '3']);
    seen.length = 0;
    expect(await c.listAll('items.list', {}, { limit: 30 })).toHaveLength(30);
    expect(seen).toEqual([{ page: '1', per_page: '30' }]);
  });

  test('with concurrency, remaining pages are fetched in parallel and items stay in order', async () => {
    const seen: Array<Record<string, string>> = [];
    servePages(530, seen);
    const c = createClient(providerWith(pageStyle, 'data'), { apiKey: 'k', rateLimit: false, retry: { maxAttempts: 1 } });
    const items = await c.listAll('items.list', {}, { concurrency: 4 });
    expect(items.map((i) => (i as { id: number }).id)).toEqual(range(0, 530).map((i) => i.id));
    expect(seen).toHaveLength(6);
  });

  test('a caller-chosen page size and start page are honoured', async () => {
    const seen: Array<Record<string, string>> = [];
    servePages(100, seen);
    const c = createClient(providerWith(pageStyle, 'data'), { apiKey: 'k', rateLimit: false, retry: { maxAttempts: 1 } });
    const items = await c.listAll('items.list', { page: 3 }, { pageSize: 20 });
    expect(items.map((i) => (i as { id: number }).id)).toEqual(range(40, 60).map((i) => i.id));
    expect(seen.map((q) => q.page)).toEqual(['3', '4', '5']);
  });

  test('without totals, walks until the next link is null', async () => {
    const noTotals: PaginationSpec = { style: 'page', pageParam: 'page', sizeParam: 'per_page', defaultSize: 25, maxSize: 100, nextLinkPath: 'links.next' };
    const seen: Array<Record<string, string>> = [];
    servePages(250, seen);
    const c = createClient(providerWith(noTotals, 'data'), { apiKey: 'k', rateLimit: false, retry: { maxAttempts: 1 } });
    expect(await c.listAll('items.list', {})).toHaveLength(250);
    expect(seen).toHaveLength(3);
  });
});

describe('limit/offset', () => {
  const withTotal: PaginationSpec = { style: 'offset', limitParam: 'limit', offsetParam: 'offset', defaultSize: 50, maxSize: 100, totalPath: 'total', stopOnShortPage: false };
  const shortPage: PaginationSpec = { style: 'offset', limitParam: 'limit', offsetParam: 'offset', defaultSize: 50, maxSize: 100, stopOnShortPage: true };

  test('uses the total to stop, requesting the largest page', async () => {
    const seen: Array<Record<string, string>> = [];
    serveOffsets(1000, seen, true);
    const c = createClient(providerWith(withTotal, 'items'), { apiKey: 'k', rateLimit: false, retry: { maxAttempts: 1 } });
    expect(await c.listAll('items.list', {})).toHaveLength(1000);
    expect(seen).toHaveLength(10);
    expect(seen.map((q) => q.offset)).toEqual(['0', '100', '200', '300', '400', '500', '600', '700', '800', '900']);
  });

  test('stops on a short page (Aila), with no extra request', async () => {
    const seen: Array<Record<string, string>> = [];
    serveOffsets(230, seen, false);
    const c = createClient(providerWith(shortPage, 'data'), { apiKey: 'k', rateLimit: false, retry: { maxAttempts: 1 } });
    expect(await c.listAll('items.list', {})).toHaveLength(230);
    expect(seen.map((q) => q.offset)).toEqual(['0', '100', '200']);
  });

  test('an exact multiple costs one empty page to prove the end', async () => {
    const seen: Array<Record<string, string>> = [];
    serveOffsets(200, seen, false);
    const c = createClient(providerWith(shortPage, 'data'), { apiKey: 'k', rateLimit: false, retry: { maxAttempts: 1 } });
    expect(await c.listAll('items.list', {})).toHaveLength(200);
    expect(seen.map((q) => q.offset)).toEqual(['0', '100', '200']);
  });

  test('a limit shrinks the last request to what is still needed', async () => {
    const seen: Array<Record<string, string>> = [];
    serveOffsets(1000, seen, true);
    const c = createClient(providerWith(withTotal, 'items'), { apiKey: 'k', rateLimit: false, retry: { maxAttempts: 1 } });
    expect(await c.listAll('items.list', {}, { limit: 150 })).toHaveLength(150);
    expect(seen).toEqual([{ limit: '100', offset: '0' }, { limit: '50', offset: '100' }]);
  });

  test('concurrent offset pages keep order', async () => {
    const seen: Array<Record<string, string>> = [];
    serveOffsets(777, seen, true);
    const c = createClient(providerWith(withTotal, 'items'), { apiKey: 'k', rateLimit: false, retry: { maxAttempts: 1 } });
    const items = await c.listAll('items.list', {}, { concurrency: 3 });
    expect(items.map((i) => (i as { id: number }).id)).toEqual(range(0, 777).map((i) => i.id));
    expect(seen).toHaveLength(8);
  });
});

describe('cursor', () => {
  test('follows next_cursor until it is null', async () => {
    const cursorStyle: PaginationSpec = { style: 'cursor', cursorParam: 'cursor', sizeParam: 'limit', defaultSize: 50, maxSize: 100, nextCursorPath: 'next_cursor' };
    const seen: Array<Record<string, string>> = [];
    nock(BASE).get('/items').query(true).reply(function (uri) {
      const q = Object.fromEntries(new URL(uri, BASE).searchParams) as Record<string, string>;
      seen.push(q);
      const start = q.cursor ? Number(q.cursor) : 0;
      const items = range(start, Math.min(Number(q.limit), 250 - start));
      const next = start + items.length < 250 ? String(start + items.length) : null;
      return [200, { items, next_cursor: next }];
    }).persist();
    const c = createClient(providerWith(cursorStyle, 'items'), { apiKey: 'k', rateLimit: false, retry: { maxAttempts: 1 } });
    expect(await c.listAll('items.list', {})).toHaveLength(250);
    expect(seen.map((q) => q.cursor)).toEqual([undefined, '100', '200']);
  });
});

test('a failing page surfaces its error and leaves no unhandled rejection', async () => {
  nock(BASE).get('/items').query((q) => q.page === '1').reply(200, { data: range(0, 100), meta: { total_pages: 4 } });
  nock(BASE).get('/items').query((q) => q.page === '2').reply(200, { data: range(100, 100), meta: { total_pages: 4 } });
  nock(BASE).get('/items').query((q) => q.page === '3').reply(400, { error: { code: 'bad_page', message: 'no' } });
  nock(BASE).get('/items').query((q) => q.page === '4').reply(400, { error: { code: 'bad_page', message: 'no' } });
  const c = createClient(providerWith(pageStyle, 'data'), { apiKey: 'k', rateLimit: false, retry: { maxAttempts: 1 } });
  await expect(c.listAll('items.list', {}, { concurrency: 3 })).rejects.toMatchObject({ code: 'bad_page', status: 400 });
});
