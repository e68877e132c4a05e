import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, createApi, whoAmI, type Me } from './api';
import { useRoute, type Route } from './router';
import { clearToken, loadToken, saveToken } from './session';
import { SessionContext, useSession } from './ui';
import { DeadLetters } from './views/dead';
import { EventView } from './views/event';
import { EventsView } from './views/events';
import { SignIn } from './views/signin';
import { SourcesView } from './views/sources';
import { StatsView } from './views/stats';
import { NewSubscription, SubscriptionsView } from './views/subscriptions';
import { SubscriptionView } from './views/subscription';
import { TokensView } from './views/tokens';

/** The console: sign-in until a token is accepted, then the shell with its views. */
export function App(): VNode {
  const [auth, setAuth] = useState<{ token: string; me: Me } | null>(null);
  const [booting, setBooting] = useState(() => loadToken() !== null);
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback((message?: string) => {
    clearToken();
    setAuth(null);
    setNotice(message ?? 'Signed out.');
  }, []);

  // A reload of the tab resumes with the token kept in its session storage.
  useEffect(() => {
    const token = loadToken();
    if (!token) return;
    whoAmI(createApi(token, () => undefined))
      .then(
        (me) => setAuth({ token, me }),
        (e: unknown) => {
          clearToken();
          setNotice(e instanceof ApiError ? `Please sign in again: ${e.message}` : 'Please sign in again.');
        },
      )
      .finally(() => setBooting(false));
  }, []);

  const api = useMemo(() => (auth ? createApi(auth.token, (m) => signOut(`Signed out: ${m}`)) : null), [auth, signOut]);

  if (booting) return html`<p class="loading" role="status">Loading…</p>`;
  if (!auth || !api) {
    return html`<${SignIn}
      notice=${notice}
      onSignedIn=${(token: string, me: Me) => {
        saveToken(token);
        setNotice(null);
        setAuth({ token, me });
      }}
    />`;
  }
  return html`<${SessionContext.Provider} value=${{ api, me: auth.me, signOut }}><${Shell} /></${SessionContext.Provider}>`;
}

const ADMIN_ONLY = new Set(['sources', 'tokens']);

function Shell(): VNode {
  const { me, signOut } = useSession();
  const route = useRoute();
  const section = route.parts[0] ?? 'events';
  const nav: Array<[string, string]> = [
    ['events', 'Events'],
    ['dead', 'Dead letters'],
    ['subscriptions', 'Subscriptions'],
    ['stats', 'Charts'],
    ...(me.kind === 'admin' ? ([['sources', 'Sources'], ['tokens', 'Tokens']] as Array<[string, string]>) : []),
  ];
  const who = me.kind === 'admin' ? 'Admin token' : `Scoped token${me.name ? ` “${me.name}”` : ''} · ${(me.sources ?? []).join(', ')}`;
  const skip = (e: Event): void => {
    e.preventDefault();
    document.querySelector<HTMLElement>('main h1')?.focus();
  };
  return html`<div class="shell">
    <a class="skip" href="#" onClick=${skip}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/events">callbridge relay</a>
      <nav aria-label="Main">
        <ul>
          ${nav.map(
            ([id, label]) => html`<li><a href=${`#/${id}`} aria-current=${section === id ? 'page' : undefined}>${label}</a></li>`,
          )}
        </ul>
      </nav>
      <div class="who">
        <span data-testid="identity">${who}</span>
        <button
          type="button"
          onClick=${() => {
            // The view's address may name this token's objects: the next person starts afresh.
            history.replaceState(null, '', location.pathname);
            signOut();
          }}
        >
          Sign out
        </button>
      </div>
    </header>
    <main id="main">${view(route, me)}</main>
  </div>`;
}

function view(route: Route, me: Me): VNode {
  const [section = 'events', id] = route.parts;
  if (ADMIN_ONLY.has(section) && me.kind !== 'admin') {
    return html`<h1>Not available</h1><p>A scoped token cannot manage sources or tokens.</p>`;
  }
  switch (section) {
    case 'events':
      return id ? html`<${EventView} key=${id} id=${id} />` : html`<${EventsView} query=${route.query} />`;
    case 'dead':
      return html`<${DeadLetters} query=${route.query} />`;
    case 'subscriptions':
      if (id === 'new') return html`<${NewSubscription} />`;
      return id ? html`<${SubscriptionView} key=${id} id=${id} />` : html`<${SubscriptionsView} />`;
    case 'stats':
      return html`<${StatsView} />`;
    case 'sources':
      return html`<${SourcesView} />`;
    case 'tokens':
      return html`<${TokensView} />`;
    default:
      return html`<h1>Not found</h1><p>There is no view “${section}”. <a href="#/events">Go to events</a>.</p>`;
  }
}
