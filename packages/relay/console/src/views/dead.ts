import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Delivery, Page, Query } from '../api';
import { plural } from '../format';
import { link, navigate } from '../router';
import { ConfirmButton, ErrorBox, Field, LoadMore, Outcome, PageTitle, useAction, usePages, useSession } from '../ui';
import { Deliveries } from './event';
import { FilterForm, filtersOf, type EventFilters } from './events';
import { inputValue } from './forms';

/**
 * The dead-letter view: deliveries that used up their retries (or, by choice, those cancelled
 * when their subscription was disabled), with per-delivery replay and a bulk replay of every one
 * the filters select, for when a receiver is fixed.
 */
const PAGE = 50;
const STATES = ['dead', 'cancelled'] as const;

export function DeadLetters({ query }: { query: URLSearchParams }): VNode {
  const { api } = useSession();
  const filters = filtersOf(query);
  const state = query.get('state') === 'cancelled' ? 'cancelled' : 'dead';
  const subscription = query.get('subscription_id') ?? '';
  const [subDraft, setSubDraft] = useState(subscription);
  const [stateDraft, setStateDraft] = useState<string>(state);
  const action = useAction();

  const selection: Query = { state, subscription_id: subscription, ...filters };
  const key = JSON.stringify(selection);
  const { items, cursor, loading, error, load } = usePages<Delivery>((after) =>
    api.get<Page<Delivery>>('v1/deliveries', { ...selection, limit: PAGE, cursor: after }),
  );
  const filtered = Boolean(subscription || filters.provider || filters.type || filters.source);

  useEffect(() => {
    setSubDraft(subscription);
    setStateDraft(state);
    void load(null);
  }, [api, key]);

  const apply = (f: EventFilters): void =>
    navigate(link(['dead'], { ...f, subscription_id: subDraft.trim(), state: stateDraft === 'dead' ? '' : stateDraft }));

  // Only the fields that are set: a relay from before sources refuses an unknown `source`.
  const replayBody = (): Record<string, string> =>
    Object.fromEntries(Object.entries(selection).filter((kv): kv is [string, string] => typeof kv[1] === 'string' && kv[1] !== ''));

  const replayAll = (): Promise<void> =>
    action.run(async () => {
      const r = await api.post<{ replayed: number; skipped: number }>('v1/deliveries/replay', replayBody());
      await load(null);
      return `Replayed ${plural(r.replayed, 'delivery', 'deliveries')}; skipped ${r.skipped}.`;
    });
  const replayOne = (d: Delivery): Promise<void> =>
    action.run(async () => {
      await api.post(`v1/deliveries/${d.id}/replay`);
      await load(null);
      return `Delivery ${d.id} replayed.`;
    });

  const extra = html`
    <${Field} id="f-state" label="State">
      <select id="f-state" value=${stateDraft} onChange=${(e: Event) => setStateDraft(inputValue(e))}>
        ${STATES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
    </${Field}>
    <${Field} id="f-subscription" label="Subscription">
      <input id="f-subscription" value=${subDraft} placeholder="sub_…" onInput=${(e: Event) => setSubDraft(inputValue(e))} />
    </${Field}>`;

  return html`<section>
    <${PageTitle}>Dead letters</${PageTitle}>
    <p class="lede">Deliveries that used up every retry${state === 'cancelled' ? ' (showing those cancelled when their subscription was disabled)' : ''}. Fix the receiver, then replay them.</p>
    <${FilterForm} initial=${filters} onApply=${apply} onClear=${() => navigate(link(['dead']))} extra=${extra} />
    <div class="actions">
      <${ConfirmButton}
        label=${`Replay all ${state} deliveries matching these filters`}
        question=${`Replay every ${state} delivery these filters select (not only the ones listed)?`}
        confirm="Replay them"
        disabled=${action.busy || items.length === 0}
        onConfirm=${replayAll}
      />
    </div>
    <${Outcome} action=${action} />
    <${ErrorBox} error=${error} />
    ${items.length === 0 && !loading && !error ? html`<p class="empty">No ${state} deliveries${filtered ? ' match these filters' : ''}.</p>` : null}
    ${items.length > 0 && html`<${Deliveries} items=${items} onReplay=${replayOne} busy=${action.busy} showEvent=${true} />`}
    ${loading && items.length === 0 ? html`<p role="status">Loading…</p>` : null}
    <${LoadMore} cursor=${cursor} loading=${loading} onMore=${() => load(cursor)} />
  </section>`;
}
