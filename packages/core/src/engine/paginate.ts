import type { PaginationSpec } from '../spec/types';
import { getPath } from './path';

export interface PaginateOptions {
  /** Stop after this many items; no page past the one that holds the last is fetched. */
  limit?: number;
  /** Items per request; defaults to the provider's maximum so that listing takes fewest requests. */
  pageSize?: number;
  /**
   * Once the first page tells the total, fetch up to this many of the remaining pages at once.
   * Items still come out in order. 1 fetches one page after another.
   */
  concurrency?: number;
}

/** Fetches one page: the page's query parameters in, the parsed body out. */
export type FetchPage = (params: Record<string, string | number>) => Promise<unknown>;

export interface PageContext {
  pagination: PaginationSpec;
  itemsPath: string;
  /** The caller's own paging parameters (a start page, an offset, a page size). */
  input: Record<string, unknown>;
}

function itemsOf(body: unknown, path: string): unknown[] {
  const items = getPath(body, path);
  return Array.isArray(items) ? items : [];
}

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

function nonNegativeInt(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Runs `tasks` with at most `concurrency` in flight, yielding results in order. */
async function* ordered<T>(tasks: Array<() => Promise<T>>, concurrency: number): AsyncGenerator<T> {
  const inFlight: Array<Promise<T>> = [];
  let next = 0;
  const start = (): void => {
    const p = (tasks[next++] as () => Promise<T>)();
    // A page that fails while an earlier one is awaited, or after the consumer stopped,
    // must not become an unhandled rejection; its error still surfaces when awaited in turn.
    p.catch(() => undefined);
    inFlight.push(p);
  };
  while (next < tasks.length && inFlight.length < concurrency) start();
  while (inFlight.length > 0) {
    const head = inFlight.shift() as Promise<T>;
    if (next < tasks.length) start();
    yield await head;
  }
}

/**
 * One iterator for every pagination style. It stops at the first of: the requested limit,
 * the provider's stated total, an empty page, a short page (where the provider documents
 * that), a missing next link or cursor.
 */
export async function* paginate(ctx: PageContext, fetchPage: FetchPage, opts: PaginateOptions = {}): AsyncGenerator<unknown> {
  const p = ctx.pagination;
  const limit = opts.limit ?? Infinity;
  if (limit <= 0) return;
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 1));

  if (p.style === 'none') {
    const body = await fetchPage({});
    let n = 0;
    for (const item of itemsOf(body, ctx.itemsPath)) {
      if (n++ >= limit) return;
      yield item;
    }
    return;
  }

  const requested = positiveInt(opts.pageSize) ?? positiveInt(ctx.input[p.style === 'offset' ? p.limitParam : p.sizeParam]);
  const size = Math.min(p.maxSize, requested ?? p.maxSize);
  let emitted = 0;

  if (p.style === 'page') {
    // Page numbering needs one size throughout; a limit below a page shrinks that one page.
    const perPage = Math.min(size, Number.isFinite(limit) ? limit : size);
    const firstPage = positiveInt(ctx.input[p.pageParam]) ?? 1;
    const fetch = (page: number): Promise<unknown> => fetchPage({ [p.pageParam]: page, [p.sizeParam]: perPage });
    const first = await fetch(firstPage);
    const firstItems = itemsOf(first, ctx.itemsPath);
    for (const item of firstItems) {
      if (emitted >= limit) return;
      yield item;
      emitted++;
    }
    if (firstItems.length === 0 || emitted >= limit) return;

    let totalPages = positiveInt(p.totalPagesPath ? getPath(first, p.totalPagesPath) : undefined);
    const total = nonNegativeInt(p.totalPath ? getPath(first, p.totalPath) : undefined);
    if (totalPages === undefined && total !== undefined) totalPages = Math.ceil(total / perPage);
    const nextLink = p.nextLinkPath ? getPath(first, p.nextLinkPath) : undefined;
    if (p.nextLinkPath && nextLink === null && totalPages === undefined) return;

    if (totalPages !== undefined) {
      const needed = Number.isFinite(limit) ? Math.ceil((limit - emitted) / perPage) : Infinity;
      const lastPage = Math.min(totalPages, firstPage + needed);
      const tasks: Array<() => Promise<unknown>> = [];
      for (let page = firstPage + 1; page <= lastPage; page++) tasks.push(() => fetch(page));
      for await (const body of ordered(tasks, concurrency)) {
        const items = itemsOf(body, ctx.itemsPath);
        for (const item of items) {
          if (emitted >= limit) return;
          yield item;
          emitted++;
        }
        if (items.length === 0) return;
      }
      return;
    }
    // No total: walk until an empty page, a short page or a null next link.
    for (let page = firstPage + 1; ; page++) {
      const body = await fetch(page);
      const items = itemsOf(body, ctx.itemsPath);
      for (const item of items) {
        if (emitted >= limit) return;
        yield item;
        emitted++;
      }
      if (items.length < perPage || emitted >= limit) return;
      if (p.nextLinkPath && getPath(body, p.nextLinkPath) == null) return;
    }
  }

  if (p.style === 'offset') {
    let offset = nonNegativeInt(ctx.input[p.offsetParam]) ?? 0;
    const want = (): number => Math.min(size, limit - emitted);
    const firstLimit = want();
    const first = await fetchPage({ [p.limitParam]: firstLimit, [p.offsetParam]: offset });
    const firstItems = itemsOf(first, ctx.itemsPath);
    for (const item of firstItems) {
      if (emitted >= limit) return;
      yield item;
      emitted++;
    }
    offset += firstItems.length;
    if (firstItems.length === 0 || emitted >= limit) return;
    if (p.stopOnShortPage && firstItems.length < firstLimit) return;
    const total = nonNegativeInt(p.totalPath ? getPath(first, p.totalPath) : undefined);

    if (total !== undefined) {
      const end = Math.min(total, offset + (limit - emitted));
      const tasks: Array<() => Promise<unknown>> = [];
      for (let o = offset; o < end; o += size) {
        const n = Math.min(size, end - o);
        tasks.push(() => fetchPage({ [p.limitParam]: n, [p.offsetParam]: o }));
      }
      for await (const body of ordered(tasks, concurrency)) {
        const items = itemsOf(body, ctx.itemsPath);
        for (const item of items) {
          if (emitted >= limit) return;
          yield item;
          emitted++;
        }
        if (items.length === 0) return;
      }
      return;
    }
    for (;;) {
      const n = want();
      const body = await fetchPage({ [p.limitParam]: n, [p.offsetParam]: offset });
      const items = itemsOf(body, ctx.itemsPath);
      for (const item of items) {
        if (emitted >= limit) return;
        yield item;
        emitted++;
      }
      offset += items.length;
      if (items.length === 0 || emitted >= limit) return;
      if (p.stopOnShortPage && items.length < n) return;
    }
  }

  if (p.style === 'cursor') {
    let cursor: string | undefined =
      typeof ctx.input[p.cursorParam] === 'string' ? (ctx.input[p.cursorParam] as string) : undefined;
    for (;;) {
      const n = Math.min(size, limit - emitted);
      const body = await fetchPage({ [p.sizeParam]: n, ...(cursor ? { [p.cursorParam]: cursor } : {}) });
      const items = itemsOf(body, ctx.itemsPath);
      for (const item of items) {
        if (emitted >= limit) return;
        yield item;
        emitted++;
      }
      const next = getPath(body, p.nextCursorPath);
      if (items.length === 0 || emitted >= limit || typeof next !== 'string' || next.length === 0) return;
      cursor = next;
    }
  }
}
