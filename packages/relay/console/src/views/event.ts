import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect } from 'preact/hooks';
import type { Attempt, Delivery, EventDetail } from '../api';
import { excerpt, json, plural, time } from '../format';
import { link } from '../router';
import { ErrorBox, Outcome, PageTitle, StateBadge, useAction, useAsync, useSession } from '../ui';

/**
 * One event: its payload (as text: a payload holding HTML or script is shown, never run), its
 * deliveries and every attempt (status, latency, the receiver's answer), and replay.
 */
export function EventView({ id }: { id: string }): VNode {
  const { api } = useSession();
  const ev = useAsync(() => api.get<EventDetail>(`v1/events/${encodeURIComponent(id)}`), [api, id]);
  const action = useAction();

  // While a delivery is pending (after a replay, or a retry), its attempts appear as they happen.
  const pending = ev.data?.deliveries.some((d) => d.state === 'pending') ?? false;
  useEffect(() => {
    if (!pending || ev.loading) return undefined;
    const timer = setTimeout(ev.reload, 1000);
    return () => clearTimeout(timer);
  }, [pending, ev.loading, ev.data]);

  const replayEvent = (): Promise<void> =>
    action.run(async () => {
      const r = await api.post<{ replayed: number; skipped: number }>(`v1/events/${encodeURIComponent(id)}/replay`);
      ev.reload();
      return `Replayed ${plural(r.replayed, 'delivery', 'deliveries')}${r.skipped ? `, skipped ${r.skipped}` : ''}.`;
    });
  const replayDelivery = (d: Delivery): Promise<void> =>
    action.run(async () => {
      await api.post(`v1/deliveries/${d.id}/replay`);
      ev.reload();
      return `Delivery ${d.id} replayed.`;
    });

  if (!ev.data) {
    return html`<section>
      <${PageTitle}>Event ${id}</${PageTitle}>
      ${ev.error ? html`<${ErrorBox} error=${ev.error} />` : html`<p role="status">Loading…</p>`}
      <p><a href="#/events">Back to events</a></p>
    </section>`;
  }
  const e = ev.data;
  return html`<section>
    <p class="crumbs"><a href="#/events">Events</a> / ${e.id}</p>
    <${PageTitle}>${e.type}${e.test ? html` <span class="badge">test</span>` : null}</${PageTitle}>
    <dl class="meta">
      <dt>Event id</dt><dd><code>${e.id}</code></dd>
      <dt>Provider</dt><dd>${e.provider}</dd>
      <dt>Source</dt><dd>${e.source ?? '—'}</dd>
      <dt>Created</dt><dd title=${e.created_at}>${time(e.created_at)}</dd>
      <dt>Received</dt><dd title=${e.received_at ?? ''}>${time(e.received_at)}</dd>
    </dl>
    <div class="actions">
      <button type="button" onClick=${replayEvent} disabled=${action.busy || e.deliveries.length === 0}>Replay to every subscription</button>
      <button type="button" onClick=${ev.reload} disabled=${ev.loading}>Refresh</button>
    </div>
    <${Outcome} action=${action} />
    <${ErrorBox} error=${ev.error} />

    <h2>Payload</h2>
    <pre class="payload" tabindex="0" aria-label="Payload" data-testid="payload">${json(e.data)}</pre>

    <h2>Deliveries</h2>
    ${e.deliveries.length === 0
      ? html`<p class="empty">No deliveries: no active subscription matched this event when it arrived.</p>`
      : html`<${Deliveries} items=${e.deliveries} onReplay=${replayDelivery} busy=${action.busy} />`}

    <h2>Attempts</h2>
    ${e.attempts.length === 0 ? html`<p class="empty">No attempts yet.</p>` : html`<${Attempts} items=${e.attempts} />`}
  </section>`;
}

export function Deliveries({
  items,
  onReplay,
  busy,
  showEvent = false,
}: {
  items: Delivery[];
  onReplay: (d: Delivery) => void;
  busy: boolean;
  showEvent?: boolean;
}): VNode {
  return html`<table class="rows" data-testid="deliveries">
    <thead>
      <tr>
        <th scope="col">Delivery</th>
        ${showEvent && html`<th scope="col">Event</th>`}
        <th scope="col">Subscription</th><th scope="col">State</th><th scope="col">Attempts</th>
        <th scope="col">Last status</th><th scope="col">Last error</th><th scope="col">Next attempt</th><th scope="col"><span class="sr-only">Actions</span></th>
      </tr>
    </thead>
    <tbody>
      ${items.map(
        (d) => html`<tr key=${d.id} data-delivery-id=${d.id}>
          <td data-label="Delivery">${d.id}</td>
          ${showEvent && html`<td data-label="Event"><a href=${link(['events', d.event_id])}>${d.event_id}</a> <small>${d.type}</small></td>`}
          <td data-label="Subscription"><a href=${link(['subscriptions', d.subscription_id])}>${d.subscription_id}</a></td>
          <td data-label="State"><${StateBadge} state=${d.state} /></td>
          <td data-label="Attempts">${d.attempts}</td>
          <td data-label="Last status">${d.last_status ?? '—'}</td>
          <td data-label="Last error">${d.last_error ?? '—'}</td>
          <td data-label="Next attempt">${time(d.next_attempt_at)}</td>
          <td data-label="Actions">
            <button type="button" onClick=${() => onReplay(d)} disabled=${busy} aria-label=${`Replay delivery ${d.id}`}>Replay</button>
          </td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function Attempts({ items }: { items: Attempt[] }): VNode {
  return html`<table class="rows" data-testid="attempts">
    <thead>
      <tr>
        <th scope="col">Delivery</th><th scope="col">#</th><th scope="col">Started</th><th scope="col">Status</th>
        <th scope="col">Outcome</th><th scope="col">Latency</th><th scope="col">Error</th><th scope="col">Response</th>
      </tr>
    </thead>
    <tbody>
      ${items.map(
        (a) => html`<tr key=${`${a.delivery_id}-${a.attempt}`}>
          <td data-label="Delivery">${a.delivery_id}</td>
          <td data-label="#">${a.attempt}</td>
          <td data-label="Started" title=${a.started_at}>${time(a.started_at)}</td>
          <td data-label="Status">${a.status ?? '—'}</td>
          <td data-label="Outcome"><${StateBadge} state=${a.outcome} /></td>
          <td data-label="Latency">${a.duration_ms} ms</td>
          <td data-label="Error">${a.error ?? '—'}</td>
          <td data-label="Response">
            ${a.response_body
              ? a.response_body.length > 120
                ? html`<details><summary><code>${excerpt(a.response_body, 120)}</code></summary><pre>${a.response_body}</pre></details>`
                : html`<code>${a.response_body}</code>`
              : '—'}
          </td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}
