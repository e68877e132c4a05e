import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Page, Subscription } from '../api';
import { excerpt, list, time } from '../format';
import { link, navigate } from '../router';
import { ErrorBox, LoadMore, PageTitle, SecretOnce, StateBadge, useAction, usePages, useSession } from '../ui';
import { SubscriptionForm } from './subscription-form';

/** Subscriptions: the list, and the form that creates one and shows its secret once. */
export function SubscriptionsView(): VNode {
  const { api } = useSession();
  const { items, cursor, loading, error, load } = usePages<Subscription>((after) =>
    api.get<Page<Subscription>>('v1/subscriptions', { limit: 100, cursor: after }),
  );
  useEffect(() => void load(null), [api]);

  return html`<section>
    <${PageTitle}>Subscriptions</${PageTitle}>
    <p><a class="button" href="#/subscriptions/new">New subscription</a></p>
    <${ErrorBox} error=${error} />
    ${items.length === 0 && !loading && !error ? html`<p class="empty">No subscriptions yet.</p>` : null}
    ${items.length > 0 &&
    html`<table class="rows" data-testid="subscriptions">
      <thead>
        <tr>
          <th scope="col">Target</th><th scope="col">Events</th><th scope="col">Status</th><th scope="col">Description</th>
          <th scope="col">Filter</th><th scope="col">Rate limit</th><th scope="col">Sources</th><th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (s) => html`<tr key=${s.id} data-subscription-id=${s.id}>
            <td data-label="Target"><a href=${link(['subscriptions', s.id])}>${s.target_url}</a></td>
            <td data-label="Events">${list(s.events)}</td>
            <td data-label="Status"><${StateBadge} state=${s.status} /></td>
            <td data-label="Description">${s.description ?? '—'}</td>
            <td data-label="Filter">${s.filter ? html`<code>${excerpt(JSON.stringify(s.filter), 60)}</code>` : '—'}</td>
            <td data-label="Rate limit">${s.rate_limit_per_second ? `${s.rate_limit_per_second}/s` : '—'}</td>
            <td data-label="Sources">${s.sources ? list(s.sources) : 'all'}</td>
            <td data-label="Created" title=${s.created_at}>${time(s.created_at)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`}
    ${loading && items.length === 0 ? html`<p role="status">Loading…</p>` : null}
    <${LoadMore} cursor=${cursor} loading=${loading} onMore=${() => load(cursor)} />
  </section>`;
}

export function NewSubscription(): VNode {
  const { api } = useSession();
  const action = useAction();
  const [created, setCreated] = useState<Subscription | null>(null);
  if (created?.secret) {
    return html`<section>
      <${PageTitle}>Subscription created</${PageTitle}>
      <p>Deliveries to <code>${created.target_url}</code> are signed with this secret (Standard Webhooks).</p>
      <${SecretOnce} title="Signing secret" value=${created.secret} onDone=${() => navigate(link(['subscriptions', created.id]))} />
    </section>`;
  }
  return html`<section>
    <p class="crumbs"><a href="#/subscriptions">Subscriptions</a> / new</p>
    <${PageTitle}>New subscription</${PageTitle}>
    <${SubscriptionForm}
      submitLabel="Create subscription"
      busy=${action.busy}
      error=${action.error}
      onSubmit=${(body: Record<string, unknown>) =>
        action.run(async () => {
          setCreated(await api.post<Subscription>('v1/subscriptions', body));
        })}
      onCancel=${() => navigate('#/subscriptions')}
    />
  </section>`;
}
