import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, type Source } from '../api';
import { PROVIDERS } from '../catalog';
import { time } from '../format';
import { ConfirmButton, ErrorBox, Field, Outcome, PageTitle, useAction, useAsync, useSession } from '../ui';
import { checkedValue, inputValue } from './forms';

/**
 * Sources (admin only): one per provider workspace, each with its own hook URL and write-only
 * secrets. Environment-configured `default` rows are shown read-only.
 */
interface SourceDraft {
  provider: string;
  name: string;
  webhook_secret: string;
  api_key: string;
  base_url: string;
  organization_id: string;
}

const EMPTY: SourceDraft = { provider: PROVIDERS[0]?.id ?? '', name: '', webhook_secret: '', api_key: '', base_url: '', organization_id: '' };

export function SourcesView(): VNode {
  const { api } = useSession();
  const sources = useAsync(async () => (await api.get<{ data: Source[] }>('v1/sources')).data, [api]);
  const action = useAction();
  const [editing, setEditing] = useState<string | null>(null);
  const missing = sources.error instanceof ApiError && sources.error.status === 404;

  const remove = (s: Source): Promise<void> =>
    action.run(async () => {
      await api.del(`v1/sources/${encodeURIComponent(s.id)}`);
      sources.reload();
      return `Source ${s.id} deleted: its hook URL now answers 404; its events stay.`;
    });

  return html`<section>
    <${PageTitle}>Sources</${PageTitle}>
    <p class="lede">Each source is one provider workspace with its own webhook secret and API key. Secrets are write-only.</p>
    ${missing
      ? html`<p class="notice" role="status">This relay has no sources (GET /v1/sources answered 404): it predates them.</p>`
      : html`<${ErrorBox} error=${sources.error} />`}
    <${Outcome} action=${action} />
    ${sources.data &&
    html`<table class="rows" data-testid="sources">
      <thead>
        <tr>
          <th scope="col">Source</th><th scope="col">Provider</th><th scope="col">Name</th><th scope="col">Hook URL</th>
          <th scope="col">Credentials</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${sources.data.map(
          // Environment sources share the id `default`, one per provider.
          (s) => html`<tr key=${`${s.id}/${s.provider}`} data-source-id=${s.id}>
            <td data-label="Source"><code>${s.id}</code></td>
            <td data-label="Provider">${s.provider}</td>
            <td data-label="Name">${s.name}</td>
            <td data-label="Hook URL"><code class="wrap">${s.hook_url}</code></td>
            <td data-label="Credentials">
              webhook secret ${s.has_webhook_secret ? 'set' : 'not set'}; API key ${s.has_api_key ? 'set' : 'not set'}
            </td>
            <td data-label="Created" title=${s.created_at}>${time(s.created_at)}</td>
            <td data-label="Actions">
              ${s.managed_by === 'environment'
                ? html`<small>from the environment</small>`
                : html`<button type="button" onClick=${() => setEditing(editing === s.id ? null : s.id)} aria-expanded=${editing === s.id}>
                      Edit<span class="sr-only"> ${s.id}</span>
                    </button>
                    <${ConfirmButton} label="Delete" question=${`Delete ${s.id}?`} confirm="Delete it" disabled=${action.busy} onConfirm=${() => remove(s)} />`}
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`}
    ${editing &&
    sources.data?.find((s) => s.id === editing) &&
    html`<${EditSource}
      key=${editing}
      source=${sources.data.find((s) => s.id === editing) as Source}
      onDone=${() => {
        setEditing(null);
        sources.reload();
      }}
    />`}
    ${!missing && html`<${NewSource} onCreated=${() => sources.reload()} />`}
  </section>`;
}

function NewSource({ onCreated }: { onCreated: () => void }): VNode {
  const { api } = useSession();
  const [d, setD] = useState<SourceDraft>(EMPTY);
  const [created, setCreated] = useState<Source | null>(null);
  const action = useAction();
  const provider = PROVIDERS.find((p) => p.id === d.provider);
  const submit = (e: Event): void => {
    e.preventDefault();
    void action.run(async () => {
      const body: Record<string, string> = { provider: d.provider, name: d.name.trim() };
      for (const k of ['webhook_secret', 'api_key', 'base_url', 'organization_id'] as const) if (d[k].trim()) body[k] = d[k].trim();
      setCreated(await api.post<Source>('v1/sources', body));
      setD(EMPTY);
      onCreated();
    });
  };
  return html`<section aria-labelledby="new-source">
    <h2 id="new-source">New source</h2>
    ${created &&
    html`<p class="ok" role="status">
      Created <code>${created.id}</code>. Point ${created.provider}'s webhooks at <code class="wrap">${created.hook_url}</code>.
    </p>`}
    <form class="stacked" onSubmit=${submit}>
      <${Field} id="src-provider" label="Provider">
        <select id="src-provider" value=${d.provider} onChange=${(e: Event) => setD({ ...d, provider: inputValue(e) })}>
          ${PROVIDERS.map((p) => html`<option value=${p.id}>${p.name}</option>`)}
        </select>
      </${Field}>
      <${Field} id="src-name" label="Name">
        <input id="src-name" required value=${d.name} onInput=${(e: Event) => setD({ ...d, name: inputValue(e) })} />
      </${Field}>
      <${Field} id="src-secret" label=${provider?.webhooks ? 'Webhook secret' : 'Webhook secret (this provider sends no webhooks)'}>
        <input
          id="src-secret"
          type="password"
          autocomplete="off"
          required=${provider?.webhooks ?? false}
          value=${d.webhook_secret}
          onInput=${(e: Event) => setD({ ...d, webhook_secret: inputValue(e) })}
        />
      </${Field}>
      <${Field} id="src-key" label="API key (optional)">
        <input id="src-key" type="password" autocomplete="off" value=${d.api_key} onInput=${(e: Event) => setD({ ...d, api_key: inputValue(e) })} />
      </${Field}>
      <${Field} id="src-base" label="Base URL (optional)">
        <input id="src-base" type="url" value=${d.base_url} onInput=${(e: Event) => setD({ ...d, base_url: inputValue(e) })} />
      </${Field}>
      <${Field} id="src-org" label="Organization id (optional)">
        <input id="src-org" value=${d.organization_id} onInput=${(e: Event) => setD({ ...d, organization_id: inputValue(e) })} />
      </${Field}>
      <${ErrorBox} error=${action.error} />
      <div class="actions"><button type="submit" disabled=${action.busy}>Create source</button></div>
    </form>
  </section>`;
}

function EditSource({ source, onDone }: { source: Source; onDone: () => void }): VNode {
  const { api } = useSession();
  const [name, setName] = useState(source.name);
  const [secret, setSecret] = useState('');
  const [key, setKey] = useState('');
  const [clearKey, setClearKey] = useState(false);
  const [baseUrl, setBaseUrl] = useState(source.base_url ?? '');
  const [org, setOrg] = useState(source.organization_id ?? '');
  const action = useAction();
  const submit = (e: Event): void => {
    e.preventDefault();
    void action.run(async () => {
      const body: Record<string, string | null> = {};
      if (name.trim() !== source.name) body['name'] = name.trim();
      if (secret) body['webhook_secret'] = secret;
      if (clearKey) body['api_key'] = null;
      else if (key) body['api_key'] = key;
      if ((baseUrl.trim() || null) !== source.base_url) body['base_url'] = baseUrl.trim() || null;
      if ((org.trim() || null) !== source.organization_id) body['organization_id'] = org.trim() || null;
      if (Object.keys(body).length === 0) throw new ApiError(0, 'validation_error', 'Nothing changed.');
      await api.patch(`v1/sources/${encodeURIComponent(source.id)}`, body);
      onDone();
    });
  };
  return html`<section aria-labelledby="edit-source">
    <h2 id="edit-source">Edit ${source.id}</h2>
    <form class="stacked" onSubmit=${submit}>
      <${Field} id="es-name" label="Name"><input id="es-name" required value=${name} onInput=${(e: Event) => setName(inputValue(e))} /></${Field}>
      <${Field} id="es-secret" label="New webhook secret (blank: unchanged)">
        <input id="es-secret" type="password" autocomplete="off" value=${secret} onInput=${(e: Event) => setSecret(inputValue(e))} />
      </${Field}>
      <${Field} id="es-key" label="New API key (blank: unchanged)">
        <input id="es-key" type="password" autocomplete="off" value=${key} disabled=${clearKey} onInput=${(e: Event) => setKey(inputValue(e))} />
      </${Field}>
      ${source.has_api_key &&
      html`<div class="check">
        <input id="es-clear-key" type="checkbox" checked=${clearKey} onChange=${(e: Event) => setClearKey(checkedValue(e))} />
        <label for="es-clear-key">Remove the API key</label>
      </div>`}
      <${Field} id="es-base" label="Base URL (blank: the provider's)">
        <input id="es-base" type="url" value=${baseUrl} onInput=${(e: Event) => setBaseUrl(inputValue(e))} />
      </${Field}>
      <${Field} id="es-org" label="Organization id"><input id="es-org" value=${org} onInput=${(e: Event) => setOrg(inputValue(e))} /></${Field}>
      <${ErrorBox} error=${action.error} />
      <div class="actions">
        <button type="submit" disabled=${action.busy}>Save source</button>
        <button type="button" onClick=${onDone}>Cancel</button>
      </div>
    </form>
  </section>`;
}
