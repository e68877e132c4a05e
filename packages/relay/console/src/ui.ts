import { html } from 'htm/preact';
import { createContext, type ComponentChildren, type VNode } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Api, type Me, type Page, type Source } from './api';

/** Shared pieces of every view: the signed-in session, async loading, errors, one-time secrets. */
export interface Session {
  api: Api;
  me: Me;
  signOut: (message?: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  set: (data: T) => void;
}

/** Loads once per change of `deps`; an answer that arrives after a newer request is dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): Async<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => mine === seq.current && setState({ data, error: null, loading: false }),
      (error: unknown) => mine === seq.current && setState((s) => ({ ...s, error, loading: false })),
    );
    // Re-runs when the caller's deps change (or on reload), not when `load` is a new closure.
  }, [...deps, tick]);
  return {
    ...state,
    reload: () => setTick((t) => t + 1),
    set: (data) => setState({ data, error: null, loading: false }),
  };
}

export interface Action {
  busy: boolean;
  error: unknown;
  message: string | null;
  /** Runs `fn`; a string it returns is shown as the outcome, a throw as the error. */
  run: (fn: () => Promise<string | void>) => Promise<void>;
  clear: () => void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  return {
    busy,
    error,
    message,
    clear: () => {
      setError(null);
      setMessage(null);
    },
    run: async (fn) => {
      setBusy(true);
      setError(null);
      setMessage(null);
      try {
        const m = await fn();
        if (m) setMessage(m);
      } catch (e) {
        setError(e);
      } finally {
        setBusy(false);
      }
    },
  };
}

/** An API error with its message and, for validation errors, each field and why. */
export function ErrorBox({ error }: { error: unknown }): VNode | null {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof ApiError ? error.details : [];
  return html`<div class="error" role="alert">
    <strong>${error instanceof ApiError && error.status ? `Error ${error.status}: ` : 'Error: '}</strong>${message}
    ${details.length > 0 && html`<ul>${details.map((d) => html`<li><code>${d.field}</code> ${d.message}</li>`)}</ul>`}
  </div>`;
}

export function Outcome({ action }: { action: Action }): VNode {
  return html`<${ErrorBox} error=${action.error} />${action.message && html`<p class="ok" role="status">${action.message}</p>`}`;
}

/** The page's heading takes focus when a view opens, so keyboard and screen-reader users land on it. */
export function PageTitle({ children }: { children: ComponentChildren }): VNode {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return html`<h1 tabindex="-1" ref=${ref}>${children}</h1>`;
}

export function Field({ id, label, hint, children }: { id: string; label: string; hint?: string; children: ComponentChildren }): VNode {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${children}
    ${hint && html`<small id=${`${id}-hint`}>${hint}</small>`}
  </div>`;
}

/** A secret shown once (a new subscription's signing secret, a rotated one, a new token). */
export function SecretOnce({ title, value, note, onDone }: { title: string; value: string; note?: string; onDone: () => void }): VNode {
  const [copied, setCopied] = useState(false);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return html`<section class="secret" aria-labelledby="secret-title">
    <h2 id="secret-title">${title}</h2>
    <p>Copy it now: it is not shown again.${note ? ` ${note}` : ''}</p>
    <code class="secret-value" data-testid="secret-value">${value}</code>
    <div class="actions">
      <button type="button" onClick=${copy}>${copied ? 'Copied' : 'Copy'}</button>
      <button type="button" onClick=${onDone}>Done, hide it</button>
    </div>
  </section>`;
}

/** A destructive action asks inline (no modal, no window.confirm), so it stays keyboard-friendly. */
export function ConfirmButton({
  label,
  question,
  confirm,
  onConfirm,
  disabled,
}: {
  label: string;
  question: string;
  confirm: string;
  onConfirm: () => void;
  disabled?: boolean;
}): VNode {
  const [asking, setAsking] = useState(false);
  if (!asking) return html`<button type="button" class="danger" disabled=${disabled} onClick=${() => setAsking(true)}>${label}</button>`;
  return html`<span class="confirm" role="group" aria-label=${question}>
    <span>${question}</span>
    <button
      type="button"
      class="danger"
      onClick=${() => {
        setAsking(false);
        onConfirm();
      }}
    >
      ${confirm}
    </button>
    <button type="button" onClick=${() => setAsking(false)}>Cancel</button>
  </span>`;
}

export function StateBadge({ state }: { state: string }): VNode {
  return html`<span class=${`badge badge-${state}`}>${state}</span>`;
}

/** A list read page by page with a cursor ("Load more", never a count): what is loaded so far and how the last read went. */
export interface Pages<T> {
  items: T[];
  /** For items that arrive another way (the live tail). */
  setItems: (update: (prev: T[]) => T[]) => void;
  cursor: string | null;
  loading: boolean;
  error: unknown;
  /** Reads the first page (`null`) afresh, or the page after `cursor`, appending what is not shown yet. */
  load: (cursor: string | null) => Promise<void>;
}

export function usePages<T extends { id: string | number }>(readPage: (cursor: string | null) => Promise<Page<T>>): Pages<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const load = async (after: string | null): Promise<void> => {
    setLoading(true);
    setError(null);
    try {
      const page = await readPage(after);
      // An item already shown (one the live tail added) is not shown twice.
      setItems((prev) => (after ? [...prev, ...page.data.filter((e) => !prev.some((p) => p.id === e.id))] : page.data));
      setCursor(page.next_cursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  return { items, setItems, cursor, loading, error, load };
}

export function LoadMore({ cursor, loading, onMore }: { cursor: string | null | undefined; loading: boolean; onMore: () => void }): VNode | null {
  if (!cursor) return null;
  return html`<p><button type="button" onClick=${onMore} disabled=${loading}>${loading ? 'Loading…' : 'Load more'}</button></p>`;
}

/** Sources the signed-in token may name: all (admin, from /v1/sources) or its own (scoped). */
export function useSources(): Async<Source[] | null> {
  const { api, me } = useSession();
  return useAsync(async () => {
    if (me.kind === 'scoped') return null;
    try {
      return (await api.get<{ data: Source[] }>('v1/sources')).data;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null; // a relay from before sources
      throw e;
    }
  }, [api, me]);
}

/**
 * The source ids to offer in pickers and filters, or null when the relay has no sources. The
 * relay lists one `default` row per provider configured from the environment: one id, offered once.
 */
export function sourceIds(me: Me, sources: Source[] | null | undefined): string[] | null {
  if (me.kind === 'scoped') return me.sources ?? [];
  return sources ? [...new Set(sources.map((s) => s.id))] : null;
}

/** Sources by id, the `default` rows of several providers folded into one entry. */
export function sourceChoices(sources: readonly Source[]): Array<{ id: string; label: string }> {
  const byId = new Map<string, string[]>();
  for (const s of sources) byId.set(s.id, [...(byId.get(s.id) ?? []), `${s.provider} · ${s.name}`]);
  return [...byId].map(([id, labels]) => ({ id, label: labels.join('; ') }));
}
