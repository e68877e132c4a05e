import { pageNumber, pageSize, offsetOf } from '../../support/paging';
import type { HandlerContext, Reply } from '../types';

export const PER_PAGE_DEFAULT = 25;
export const PER_PAGE_MAX = 100;

/**
 * One page of an Ayra list, as the list-agents document shows it: `data`, `meta` with the
 * totals, and `links` whose URLs keep the caller's filters. `per_page` over 100 is capped.
 * The overview also shows `limit`/`offset` on list endpoints; those are honoured when sent
 * instead of `page`/`per_page`.
 */
export function ayraPage<T>(ctx: HandlerContext, path: string, items: readonly T[], view: (item: T) => unknown): Reply {
  const q = ctx.query;
  const offsetStyle = (q['limit'] !== undefined || q['offset'] !== undefined) && q['page'] === undefined && q['per_page'] === undefined;
  const perPage = offsetStyle ? pageSize(q, 'limit', PER_PAGE_DEFAULT, PER_PAGE_MAX) : pageSize(q, 'per_page', PER_PAGE_DEFAULT, PER_PAGE_MAX);
  const start = offsetStyle ? offsetOf(q, 'offset') : (pageNumber(q, 'page') - 1) * perPage;
  const page = Math.floor(start / perPage) + 1;
  const total = items.length;
  const totalPages = Math.max(1, Math.ceil(total / perPage));

  const link = (n: number): string => {
    const params = new URLSearchParams();
    params.set('page', String(n));
    for (const [k, v] of Object.entries(q)) {
      if (k === 'page' || k === 'limit' || k === 'offset') continue;
      params.set(k, k === 'per_page' ? String(perPage) : v);
    }
    return `${ctx.publicBase}${path}?${params.toString()}`;
  };

  return {
    body: {
      data: items.slice(start, start + perPage).map(view),
      meta: {
        total,
        page,
        per_page: perPage,
        total_pages: totalPages,
        request_id: ctx.requestId,
        timestamp: new Date(ctx.now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
      links: {
        first: link(1),
        prev: page > 1 ? link(Math.min(page - 1, totalPages)) : null,
        next: page < totalPages ? link(page + 1) : null,
        last: link(totalPages),
      },
    },
  };
}
