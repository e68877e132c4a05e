import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import type { Delivery, Page, Subscription } from '../api';
import { coveredTypes } from '../catalog';
import { json, list, plural, time } from '../format';
import { link, navigate } from '../router';
import { ConfirmButton, ErrorBox, Field, Outcome, PageTitle, SecretOnce, StateBadge, useAction, useAsync, useSession } from '../ui';
import { Deliveries } from './event';
import { inputValue } from './forms';
import { SubscriptionForm } from './subscription-form';

/**
 * One subscription: what it receives and how (filter, rate limit, sources), and every action on
 * it: edit, disable/enable, rotate the secret (the new one shown once), send a test event, delete.
 */
export function SubscriptionView({ id }: { id: string }): VNode {
  const { api } = useSession();
  const path = `v1/subscriptions/${encodeURIComponent(id)}`;
  const sub = useAsync(() => api.get<Subscription>(path), [api, id]);
  const deliveries = useAsync(() => api.get<Page<Delivery>>('v1/deliveries', { subscription_id: id, limit: 20 }), [api, id]);
  const cancelled = useAsync(() => api.get<Page<Delivery>>('v1/deliveries', { subscription_id: id, state: 'cancelled', limit: 1 }), [api, id]);
  const action = useAction();
  const edit = useAction();
  const [editing, setEditing] = useState(false);
  const [showSecret, setShowSecret] = useState(false);
  const [rotated, setRotated] = useState<{ secret: string; previous_secret_expires_at: string | null } | null>(null);

  if (!sub.data) {
    return html`<section>
      <${PageTitle}>Subscription ${id}</${PageTitle}>
      ${sub.error ? html`<${ErrorBox} error=${sub.error} />` : html`<p role="status">Loading…</p>`}
      <p><a href="#/subscriptions">Back to subscriptions</a></p>
    </section>`;
  }
  const s = sub.data;
  const refresh = (): void => {
    sub.reload();
    deliveries.reload();
    cancelled.reload();
  };
  const setStatus = (status: 'active' | 'disabled'): Promise<void> =>
    action.run(async () => {
      sub.set({ ...s, ...(await api.patch<Subscription>(path, { status })) });
      deliveries.reload();
      cancelled.reload();
      return status === 'active' ? 'Enabled: events that arrive from now on are delivered.' : 'Disabled: its pending deliveries are cancelled.';
    });
  const rotate = (): Promise<void> =>
    action.run(async () => {
      setRotated(await api.post<{ secret: string; previous_secret_expires_at: string | null }>(`${path}/rotate-secret`));
      sub.reload();
    });
  const replayCancelled = (): Promise<void> =>
    action.run(async () => {
      const r = await api.post<{ replayed: number; skipped: number }>('v1/deliveries/replay', { state: 'cancelled', subscription_id: id });
      refresh();
      return `Replayed ${plural(r.replayed, 'cancelled delivery', 'cancelled deliveries')}.`;
    });
  const remove = (): Promise<void> =>
    action.run(async () => {
      await api.del(path);
      navigate('#/subscriptions');
    });
  const replayDelivery = (d: Delivery): Promise<void> =>
    action.run(async () => {
      await api.post(`v1/deliveries/${d.id}/replay`);
      deliveries.reload();
      return `Delivery ${d.id} replayed.`;
    });

  return html`<section>
    <p class="crumbs"><a href="#/subscriptions">Subscriptions</a> / ${s.id}</p>
    <${PageTitle}>${s.description || s.target_url}</${PageTitle}>
    <dl class="meta" data-testid="subscription">
      <dt>Id</dt><dd><code>${s.id}</code></dd>
      <dt>Status</dt><dd><${StateBadge} state=${s.status} />${s.disabled_reason ? ` ${s.disabled_reason}` : ''}</dd>
      <dt>Target URL</dt><dd><code>${s.target_url}</code></dd>
      <dt>Events</dt><dd>${list(s.events)}</dd>
      <dt>Description</dt><dd>${s.description ?? '—'}</dd>
      <dt>Headers</dt><dd>${Object.keys(s.headers).length ? Object.keys(s.headers).map((h) => html`<code>${h}: ********</code> `) : '—'}</dd>
      <dt>Filter</dt><dd>${s.filter ? html`<pre class="inline">${json(s.filter)}</pre>` : 'none: every matching event'}</dd>
      <dt>Rate limit</dt><dd>${s.rate_limit_per_second ? `${s.rate_limit_per_second} per second` : 'none'}</dd>
      <dt>Sources</dt><dd>${s.sources ? list(s.sources) : 'all'}</dd>
      <dt>Created</dt><dd title=${s.created_at}>${time(s.created_at)}</dd>
      ${s.updated_at && html`<dt>Updated</dt><dd title=${s.updated_at}>${time(s.updated_at)}</dd>`}
      ${s.previous_secret_expires_at &&
      html`<dt>Previous secret</dt><dd>still signs deliveries until ${time(s.previous_secret_expires_at)}</dd>`}
    </dl>

    <div class="actions" role="group" aria-label="Subscription actions">
      <button
        type="button"
        onClick=${() => {
          edit.clear();
          setEditing(!editing);
        }}
        aria-expanded=${editing}
      >${editing ? 'Close editor' : 'Edit'}</button>
      ${s.status === 'active'
        ? html`<button type="button" onClick=${() => setStatus('disabled')} disabled=${action.busy}>Disable</button>`
        : html`<button type="button" onClick=${() => setStatus('active')} disabled=${action.busy}>Enable</button>`}
      <${ConfirmButton}
        label="Rotate secret"
        question="Make a new signing secret? The old one keeps signing alongside it for the overlap."
        confirm="Rotate"
        disabled=${action.busy}
        onConfirm=${rotate}
      />
      <button type="button" onClick=${() => setShowSecret(!showSecret)} aria-expanded=${showSecret}>
        ${showSecret ? 'Hide signing secret' : 'Show signing secret'}
      </button>
      <${ConfirmButton} label="Delete" question="Delete this subscription? Its deliveries stop." confirm="Delete it" disabled=${action.busy} onConfirm=${remove} />
    </div>
    <${Outcome} action=${action} />
    ${!editing && edit.message && html`<p class="ok" role="status">${edit.message}</p>`}
    ${showSecret && s.secret && html`<p>Signing secret: <code class="secret-value">${s.secret}</code></p>`}
    ${rotated &&
    html`<${SecretOnce}
      title="New signing secret"
      value=${rotated.secret}
      note=${rotated.previous_secret_expires_at ? `Until ${time(rotated.previous_secret_expires_at)} deliveries carry a signature with the old secret too.` : ''}
      onDone=${() => setRotated(null)}
    />`}
    ${editing &&
    html`<section aria-labelledby="edit-title">
      <h2 id="edit-title">Edit</h2>
      <${SubscriptionForm}
        original=${s}
        submitLabel="Save changes"
        busy=${edit.busy}
        error=${edit.error}
        onSubmit=${(body: Record<string, unknown>) =>
          edit.run(async () => {
            sub.set({ ...s, ...(await api.patch<Subscription>(path, body)) });
            setEditing(false);
            action.clear();
            return 'Saved.';
          })}
        onCancel=${() => setEditing(false)}
      />
    </section>`}
    ${s.status === 'active' && (cancelled.data?.data.length ?? 0) > 0
      ? html`<p>
          Some deliveries were cancelled while it was disabled.
          <button type="button" onClick=${replayCancelled} disabled=${action.busy}>Replay cancelled deliveries</button>
        </p>`
      : null}

    <${TestEvent} path=${path} sub=${s} onSent=${() => deliveries.reload()} />

    <h2>Recent deliveries</h2>
    <${ErrorBox} error=${deliveries.error} />
    ${deliveries.data && deliveries.data.data.length === 0 ? html`<p class="empty">No deliveries yet.</p>` : null}
    ${deliveries.data && deliveries.data.data.length > 0
      ? html`<${Deliveries} items=${deliveries.data.data} onReplay=${replayDelivery} busy=${action.busy} showEvent=${true} />`
      : null}
    <p><a href=${link(['dead'], { subscription_id: s.id })}>This subscription's dead letters</a></p>
  </section>`;
}

/** Sends the documents' sample of one event type the subscription covers, marked `test`. */
function TestEvent({ path, sub, onSent }: { path: string; sub: Subscription; onSent: () => void }): VNode {
  const { api } = useSession();
  const types = coveredTypes(sub.events);
  const [type, setType] = useState(types[0] ?? '');
  const action = useAction();
  const submit = (e: Event): void => {
    e.preventDefault();
    void action.run(async () => {
      const r = await api.post<{ event_id: string; delivery_id: number }>(`${path}/test`, { type });
      onSent();
      return `Test event ${r.event_id} queued as delivery ${r.delivery_id}.`;
    });
  };
  return html`<section aria-labelledby="test-title">
    <h2 id="test-title">Send a test event</h2>
    <form class="inline" onSubmit=${submit}>
      <${Field} id="test-type" label="Event type">
        <select id="test-type" value=${type} onChange=${(e: Event) => setType(inputValue(e))} disabled=${types.length === 0}>
          ${types.map((t) => html`<option value=${t}>${t}</option>`)}
        </select>
      </${Field}>
      <button type="submit" disabled=${action.busy || types.length === 0 || sub.status !== 'active'}>Send test event</button>
    </form>
    ${sub.status !== 'active' ? html`<small>Enable the subscription to send a test event.</small>` : null}
    <${Outcome} action=${action} />
  </section>`;
}
