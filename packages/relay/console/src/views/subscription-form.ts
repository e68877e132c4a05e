import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, type FieldIssue, type Subscription } from '../api';
import { EVENT_TYPES } from '../catalog';
import { json, splitList } from '../format';
import { ErrorBox, Field, sourceIds, useSession, useSources } from '../ui';
import { checkedValue, inputValue, toggle } from './forms';

/**
 * The subscription form, for create (POST) and edit (PATCH). Fields are the API's own; what can
 * be checked here (JSON of the filter, header lines, a number) is, with the field named, and the
 * relay checks the rest. Create sends only the fields that are set, so a relay from before
 * filters and sources, which refuses unknown fields, still takes a plain subscription.
 */
export interface SubForm {
  target_url: string;
  events: string;
  description: string;
  headers: string;
  replaceHeaders: boolean;
  filter: string;
  rate: string;
  sources: string[];
}

export function formFrom(sub?: Subscription): SubForm {
  return {
    target_url: sub?.target_url ?? '',
    events: sub ? sub.events.join(', ') : '*',
    description: sub?.description ?? '',
    headers: '',
    replaceHeaders: !sub,
    filter: sub?.filter !== undefined && sub.filter !== null ? json(sub.filter) : '',
    rate: sub?.rate_limit_per_second ? String(sub.rate_limit_per_second) : '',
    sources: sub?.sources ?? [],
  };
}

function parseHeaders(text: string, issues: FieldIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const colon = line.indexOf(':');
    if (colon < 1) issues.push({ field: 'headers', message: `line ${i + 1} must be "name: value"` });
    else out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  });
  return out;
}

function parseFilter(text: string, issues: FieldIssue[]): unknown {
  if (!text.trim()) return null;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ field: 'filter', message: 'must be a JSON object, e.g. {"data.duration_seconds": {"$gte": 30}}' });
    }
    return value;
  } catch (e) {
    issues.push({ field: 'filter', message: `is not valid JSON: ${e instanceof Error ? e.message : String(e)}` });
    return null;
  }
}

function parseRate(text: string, issues: FieldIssue[]): number | null {
  if (!text.trim()) return null;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) issues.push({ field: 'rate_limit_per_second', message: 'must be a number above 0 (0.5 is one every 2 s)' });
  return n;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The request body: every set field for a create, only the changed ones for an edit. */
export function bodyFrom(form: SubForm, original: Subscription | undefined, withSources: boolean): Record<string, unknown> {
  const issues: FieldIssue[] = [];
  const events = splitList(form.events);
  const headers = form.replaceHeaders ? parseHeaders(form.headers, issues) : undefined;
  const filter = parseFilter(form.filter, issues);
  const rate = parseRate(form.rate, issues);
  const description = form.description.trim() || null;
  const sources = form.sources.length ? [...form.sources].sort() : null;
  if (!form.target_url.trim()) issues.push({ field: 'target_url', message: 'is required' });
  if (original && events.length === 0) issues.push({ field: 'events', message: 'must name at least one event type, or * for all' });
  const body: Record<string, unknown> = {};
  if (!original) {
    body['target_url'] = form.target_url.trim();
    if (events.length) body['events'] = events;
    if (headers && Object.keys(headers).length) body['headers'] = headers;
    if (description) body['description'] = description;
    if (filter !== null) body['filter'] = filter;
    if (rate !== null) body['rate_limit_per_second'] = rate;
    if (withSources && sources) body['sources'] = sources;
  } else {
    if (form.target_url.trim() !== original.target_url) body['target_url'] = form.target_url.trim();
    if (!same(events, original.events)) body['events'] = events;
    if (headers) body['headers'] = headers;
    if (description !== (original.description ?? null)) body['description'] = description;
    if (!same(filter, original.filter ?? null)) body['filter'] = filter;
    if (rate !== (original.rate_limit_per_second ?? null)) body['rate_limit_per_second'] = rate;
    if (withSources && !same(sources, original.sources ? [...original.sources].sort() : null)) body['sources'] = sources;
    if (issues.length === 0 && Object.keys(body).length === 0) issues.push({ field: '(form)', message: 'nothing changed' });
  }
  if (issues.length) throw new ApiError(0, 'validation_error', 'Please correct the fields below.', issues);
  return body;
}

export function SubscriptionForm({
  original,
  submitLabel,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  original?: Subscription;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit: (body: Record<string, unknown>) => void;
  onCancel?: () => void;
}): VNode {
  const { me } = useSession();
  const sources = useSources();
  const ids = sourceIds(me, sources.data);
  const [form, setForm] = useState<SubForm>(() => formFrom(original));
  const [localError, setLocalError] = useState<unknown>(null);
  const set = (patch: Partial<SubForm>): void => setForm({ ...form, ...patch });
  const submit = (e: Event): void => {
    e.preventDefault();
    try {
      setLocalError(null);
      onSubmit(bodyFrom(form, original, ids !== null));
    } catch (err) {
      setLocalError(err);
    }
  };
  const p = original ? 'edit' : 'new';
  return html`<form class="stacked" onSubmit=${submit} aria-label=${original ? 'Edit subscription' : 'New subscription'}>
    <${Field} id=${`${p}-target`} label="Target URL" hint="Where each event is POSTed, signed (Standard Webhooks).">
      <input id=${`${p}-target`} type="url" required aria-describedby=${`${p}-target-hint`} value=${form.target_url} onInput=${(e: Event) => set({ target_url: inputValue(e) })} />
    </${Field}>
    <${Field} id=${`${p}-events`} label="Events" hint=${`Comma-separated: * for all, vyora.* for one provider, or types such as ${EVENT_TYPES.slice(0, 2).join(', ')}.`}>
      <input id=${`${p}-events`} aria-describedby=${`${p}-events-hint`} value=${form.events} onInput=${(e: Event) => set({ events: inputValue(e) })} />
    </${Field}>
    <${Field} id=${`${p}-description`} label="Description (optional)">
      <input id=${`${p}-description`} maxlength="500" value=${form.description} onInput=${(e: Event) => set({ description: inputValue(e) })} />
    </${Field}>
    ${original &&
    html`<div class="field check">
      <input
        id="edit-replace-headers"
        type="checkbox"
        checked=${form.replaceHeaders}
        onChange=${(e: Event) => set({ replaceHeaders: checkedValue(e) })}
      />
      <label for="edit-replace-headers">Replace the headers (${Object.keys(original.headers).join(', ') || 'none now'}; their values are never shown)</label>
    </div>`}
    ${form.replaceHeaders &&
    html`<${Field} id=${`${p}-headers`} label="Headers (optional)" hint="One per line, name: value; for example x-make-apikey: …">
      <textarea id=${`${p}-headers`} rows="3" aria-describedby=${`${p}-headers-hint`} value=${form.headers} onInput=${(e: Event) => set({ headers: inputValue(e) })}></textarea>
    </${Field}>`}
    <${Field} id=${`${p}-filter`} label="Filter (optional)" hint='A MongoDB-style query over the delivery body, e.g. {"data.duration_seconds": {"$gte": 30}}. Empty: every event.'>
      <textarea id=${`${p}-filter`} rows="3" spellcheck="false" aria-describedby=${`${p}-filter-hint`} value=${form.filter} onInput=${(e: Event) => set({ filter: inputValue(e) })}></textarea>
    </${Field}>
    <${Field} id=${`${p}-rate`} label="Rate limit per second (optional)" hint="At most this many delivery attempts a second; 0.5 is one every 2 s. Empty: no limit.">
      <input
        id=${`${p}-rate`}
        type="number"
        min="0"
        step="any"
        inputmode="decimal"
        aria-describedby=${`${p}-rate-hint`}
        value=${form.rate} onInput=${(e: Event) => set({ rate: inputValue(e) })} />
    </${Field}>
    ${ids &&
    html`<fieldset>
      <legend>Sources</legend>
      <small>None ticked: ${me.kind === 'admin' ? 'every source' : 'all of your token’s sources'}.</small>
      ${ids.map(
        (id) => html`<div class="check">
          <input
            id=${`${p}-src-${id}`}
            type="checkbox"
            checked=${form.sources.includes(id)}
            onChange=${(e: Event) => set({ sources: toggle(form.sources, id, checkedValue(e)) })}
          />
          <label for=${`${p}-src-${id}`}>${id}</label>
        </div>`,
      )}
    </fieldset>`}
    <${ErrorBox} error=${localError ?? error} />
    <div class="actions">
      <button type="submit" disabled=${busy}>${busy ? 'Saving…' : submitLabel}</button>
      ${onCancel && html`<button type="button" onClick=${onCancel}>Cancel</button>`}
    </div>
  </form>`;
}
