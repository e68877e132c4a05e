import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { createApi, whoAmI, type Me } from '../api';
import { ErrorBox, Field, useAction } from '../ui';
import { inputValue } from './forms';

/** Sign in with the admin token or a scoped one; the console asks the relay which it is. */
export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (token: string, me: Me) => void }): VNode {
  const [token, setToken] = useState('');
  const action = useAction();
  const submit = (e: Event): void => {
    e.preventDefault();
    const t = token.trim();
    void action.run(async () => {
      // A refused token only fails this attempt: there is no session to end yet.
      const me = await whoAmI(createApi(t, () => undefined));
      onSignedIn(t, me);
    });
  };
  return html`<main class="signin">
    <h1>callbridge relay console</h1>
    ${notice && html`<p class="notice" role="status">${notice}</p>`}
    <form onSubmit=${submit}>
      <${Field}
        id="token"
        label="API token"
        hint="The relay's admin token (RELAY_API_TOKEN) or a scoped token. It stays in this browser tab until you sign out or close the tab."
      >
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck="false"
          required
          aria-describedby="token-hint"
          value=${token}
          onInput=${(e: Event) => setToken(inputValue(e))}
        />
      </${Field}>
      <button type="submit" disabled=${action.busy}>${action.busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
    <${ErrorBox} error=${action.error} />
  </main>`;
}
