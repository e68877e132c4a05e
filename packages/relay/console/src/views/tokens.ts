import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, type CreatedToken, type Token } from '../api';
import { list, time } from '../format';
import { ConfirmButton, ErrorBox, Field, Outcome, PageTitle, SecretOnce, sourceChoices, useAction, useAsync, useSession, useSources } from '../ui';
import { checkedValue, inputValue, toggle } from './forms';

/** Scoped tokens (admin only): each sees and manages only its sources; shown once, revocable. */
export function TokensView(): VNode {
  const { api } = useSession();
  const tokens = useAsync(async () => (await api.get<{ data: Token[] }>('v1/tokens')).data, [api]);
  const action = useAction();
  const missing = tokens.error instanceof ApiError && tokens.error.status === 404;

  const revoke = (t: Token): Promise<void> =>
    action.run(async () => {
      await api.del(`v1/tokens/${encodeURIComponent(t.id)}`);
      tokens.reload();
      return `Token “${t.name}” revoked.`;
    });

  return html`<section>
    <${PageTitle}>Tokens</${PageTitle}>
    <p class="lede">A scoped token sees and manages only the events, deliveries and subscriptions of its sources.</p>
    ${missing
      ? html`<p class="notice" role="status">This relay has no scoped tokens (GET /v1/tokens answered 404): it predates them.</p>`
      : html`<${ErrorBox} error=${tokens.error} />`}
    <${Outcome} action=${action} />
    ${tokens.data && tokens.data.length === 0 ? html`<p class="empty">No scoped tokens yet.</p>` : null}
    ${tokens.data &&
    tokens.data.length > 0 &&
    html`<table class="rows" data-testid="tokens">
      <thead>
        <tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Sources</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
      </thead>
      <tbody>
        ${tokens.data.map(
          (t) => html`<tr key=${t.id} data-token-id=${t.id}>
            <td data-label="Name">${t.name}</td>
            <td data-label="Id"><code>${t.id}</code></td>
            <td data-label="Sources">${list(t.sources)}</td>
            <td data-label="Created" title=${t.created_at}>${time(t.created_at)}</td>
            <td data-label="Last used">${time(t.last_used_at)}</td>
            <td data-label="Actions">
              <${ConfirmButton} label="Revoke" question=${`Revoke “${t.name}”? It stops working at once.`} confirm="Revoke it" disabled=${action.busy} onConfirm=${() => revoke(t)} />
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`}
    ${!missing && html`<${NewToken} onCreated=${() => tokens.reload()} />`}
  </section>`;
}

function NewToken({ onCreated }: { onCreated: () => void }): VNode {
  const { api } = useSession();
  const sources = useSources();
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const action = useAction();
  const submit = (e: Event): void => {
    e.preventDefault();
    void action.run(async () => {
      setCreated(await api.post<CreatedToken>('v1/tokens', { name: name.trim(), sources: picked }));
      setName('');
      setPicked([]);
      onCreated();
    });
  };
  return html`<section aria-labelledby="new-token">
    <h2 id="new-token">New scoped token</h2>
    ${created &&
    html`<${SecretOnce}
      title=${`Token “${created.name}”`}
      value=${created.token}
      note=${`It may see: ${list(created.sources)}.`}
      onDone=${() => setCreated(null)}
    />`}
    <form class="stacked" onSubmit=${submit}>
      <${Field} id="tok-name" label="Name">
        <input id="tok-name" required value=${name} onInput=${(e: Event) => setName(inputValue(e))} />
      </${Field}>
      <fieldset>
        <legend>Sources it may see</legend>
        <${ErrorBox} error=${sources.error} />
        ${sourceChoices(sources.data ?? []).map(
          (s) => html`<div class="check">
            <input id=${`tok-src-${s.id}`} type="checkbox" checked=${picked.includes(s.id)} onChange=${(e: Event) => setPicked(toggle(picked, s.id, checkedValue(e)))} />
            <label for=${`tok-src-${s.id}`}>${s.id} <small>${s.label}</small></label>
          </div>`,
        )}
      </fieldset>
      <${ErrorBox} error=${action.error} />
      <div class="actions"><button type="submit" disabled=${action.busy}>Create token</button></div>
    </form>
  </section>`;
}
