import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Page, RelayEvent } from '../api';
import { EVENT_TYPES, PROVIDERS } from '../catalog';
import { time } from '../format';
import { link, navigate } from '../router';
import { startTail, type TailStatus } from '../stream';
import { ErrorBox, Field, LoadMore, PageTitle, sourceIds, usePages, useSession, useSources } from '../ui';
import { inputValue } from './forms';

/**
 * Events, newest first, with filters, cursor pages ("Load more", never a count: cheap on a
 * database of millions) and a live tail from the stream that puts new events on top.
 */
const PAGE = 50;

export interface EventFilters {
  provider: string;
  type: string;
  source: string;
}

export function filtersOf(query: URLSearchParams): EventFilters {
  return { provider: query.get('provider') ?? '', type: query.get('type') ?? '', source: query.get('source') ?? '' };
}

/** The provider, type and source filters, as a form that submits with Enter. */
export function FilterForm({
  initial,
  onApply,
  onClear,
  extra,
}: {
  initial: EventFilters;
  onApply: (f: EventFilters) => void;
  onClear?: () => void;
  extra?: VNode;
}): VNode {
  const { me } = useSession();
  const sources = useSources();
  const [f, setF] = useState(initial);
  useEffect(() => setF(initial), [initial.provider, initial.type, initial.source]);
  const ids = sourceIds(me, sources.data);
  const types = f.provider ? EVENT_TYPES.filter((t) => t.startsWith(`${f.provider}.`)) : EVENT_TYPES;
  return html`<form
    class="filters"
    aria-label="Filters"
    onSubmit=${(e: Event) => {
      e.preventDefault();
      onApply(f);
    }}
  >
    <${Field} id="f-provider" label="Provider">
      <select id="f-provider" value=${f.provider} onChange=${(e: Event) => setF({ ...f, provider: inputValue(e) })}>
        <option value="">All</option>
        ${PROVIDERS.filter((p) => p.webhooks).map((p) => html`<option value=${p.id}>${p.name}</option>`)}
      </select>
    </${Field}>
    <${Field} id="f-type" label="Type">
      <input id="f-type" list="f-types" value=${f.type} placeholder="e.g. vyora.call_completed" onInput=${(e: Event) => setF({ ...f, type: inputValue(e) })} />
      <datalist id="f-types">${types.map((t) => html`<option value=${t} />`)}</datalist>
    </${Field}>
    ${ids
      ? html`<${Field} id="f-source" label="Source">
          <select id="f-source" value=${f.source} onChange=${(e: Event) => setF({ ...f, source: inputValue(e) })}>
            <option value="">All</option>
            ${ids.map((id) => html`<option value=${id}>${id}</option>`)}
          </select>
        </${Field}>`
      : html`<${Field} id="f-source" label="Source">
          <input id="f-source" value=${f.source} placeholder="src_… or default" onInput=${(e: Event) => setF({ ...f, source: inputValue(e) })} />
        </${Field}>`}
    ${extra}
    <div class="filter-actions">
      <button type="submit">Apply</button>
      <button type="button" onClick=${() => (onClear ? onClear() : onApply({ provider: '', type: '', source: '' }))}>Clear</button>
    </div>
  </form>`;
}

const STATUS_TEXT: Record<TailStatus, string> = {
  connecting: 'Live tail: connecting…',
  live: 'Live tail: on. New events appear at the top.',
  reconnecting: 'Live tail: reconnecting…',
  unavailable: 'Live tail unavailable',
  failed: 'Live tail stopped',
};

export function EventsView({ query }: { query: URLSearchParams }): VNode {
  const { api, signOut } = useSession();
  const filters = filtersOf(query);
  const key = `${filters.provider}|${filters.type}|${filters.source}`;
  const { items, setItems, cursor, loading, error, load } = usePages<RelayEvent>((after) =>
    api.get<Page<RelayEvent>>('v1/events', { ...filters, limit: PAGE, cursor: after }),
  );
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [live, setLive] = useState(true);
  const [tail, setTail] = useState<{ status: TailStatus; detail?: string }>({ status: 'connecting' });

  // The tail starts once the first page is shown, resuming after its newest event: an event
  // that arrives between the page and the stream is then streamed, not missed.
  const [firstPage, setFirstPage] = useState(false);
  const newest = useRef<string | undefined>(undefined);
  newest.current = items[0]?.id;

  useEffect(() => {
    setFresh(new Set());
    setFirstPage(false);
    void load(null).then(() => setFirstPage(true));
  }, [api, key]);

  useEffect(() => {
    if (!live || !firstPage) return undefined;
    return startTail({
      token: api.token,
      types: filters.type || (filters.provider ? `${filters.provider}.*` : undefined),
      sources: filters.source || undefined,
      after: newest.current,
      onStatus: (status, detail) => setTail({ status, detail }),
      onUnauthorized: (m) => signOut(`Signed out: ${m}`),
      onEvent: (event) => {
        if (event.test) return;
        const received = { ...event, received_at: event.received_at ?? new Date().toISOString() };
        setItems((prev) => (prev.some((p) => p.id === event.id) ? prev : [received, ...prev]));
        setFresh((prev) => new Set(prev).add(event.id));
      },
    });
  }, [api, key, live, firstPage]);

  const apply = (f: EventFilters): void => navigate(link(['events'], { ...f }));
  const tailText = live ? STATUS_TEXT[tail.status] : 'Live tail: paused.';
  return html`<section>
    <${PageTitle}>Events</${PageTitle}>
    <${FilterForm} initial=${filters} onApply=${apply} />
    <div class="tail">
      <p role="status" aria-live="polite" data-testid="tail-status" class=${`tail-${live ? tail.status : 'paused'}`}>
        ${tailText}${live && tail.detail ? `: ${tail.detail}` : ''}
      </p>
      <button type="button" onClick=${() => setLive(!live)} aria-pressed=${live} disabled=${live && tail.status === 'unavailable'}>
        ${live ? 'Pause live tail' : 'Resume live tail'}
      </button>
    </div>
    <${ErrorBox} error=${error} />
    ${items.length === 0 && !loading && !error ? html`<p class="empty">No events${key !== '||' ? ' match these filters' : ' yet'}.</p>` : null}
    ${items.length > 0 && html`<${EventTable} items=${items} fresh=${fresh} />`}
    ${loading && items.length === 0 ? html`<p role="status">Loading…</p>` : null}
    <${LoadMore} cursor=${cursor} loading=${loading} onMore=${() => load(cursor)} />
  </section>`;
}

function EventTable({ items, fresh }: { items: RelayEvent[]; fresh: ReadonlySet<string> }): VNode {
  return html`<table class="rows" data-testid="events">
    <thead>
      <tr><th scope="col">Received</th><th scope="col">Type</th><th scope="col">Provider</th><th scope="col">Source</th><th scope="col">Event</th></tr>
    </thead>
    <tbody>
      ${items.map(
        (e) => html`<tr key=${e.id} class=${fresh.has(e.id) ? 'fresh' : undefined} data-event-id=${e.id}>
          <td data-label="Received" title=${e.received_at ?? e.created_at}>${time(e.received_at ?? e.created_at)}</td>
          <td data-label="Type">${e.type}${e.test ? html` <span class="badge">test</span>` : null}</td>
          <td data-label="Provider">${e.provider}</td>
          <td data-label="Source">${e.source ?? '—'}</td>
          <td data-label="Event"><a href=${link(['events', e.id])}>${e.id}</a></td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}
