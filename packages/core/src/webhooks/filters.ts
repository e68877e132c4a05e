import type { ProviderSpec, WebhookFilterField } from '../spec/types';

/**
 * A relay subscription's `filter` from a trigger's plain filter fields (the provider spec's
 * `webhooks.filters`): a MongoDB-style query over the relay's delivery body, whose provider
 * payload sits under `data`. Each chosen field adds one condition, all must hold:
 * `{"data.analysis.classification": {"$in": ["Interested"]}, "data.duration_seconds": {"$gte": 30}}`.
 * Nothing chosen is no filter (null), so a trigger without conditions subscribes as before.
 */

export interface FilterFieldIssue {
  field: string;
  message: string;
}

export type RelayFilterResult = { ok: true; filter: Record<string, unknown> | null } | { ok: false; issues: FilterFieldIssue[] };

const MAX_CHOICES = 50;
const MAX_CHOICE_LENGTH = 200;

/** The filter fields a trigger for `event` offers; every field of the spec without an event. */
export function filterFieldsFor(spec: ProviderSpec, event?: string): readonly WebhookFilterField[] {
  const all = spec.webhooks?.filters ?? [];
  return event === undefined ? all : all.filter((f) => f.events.includes(event));
}

/** The chosen strings: a list, or one string of comma-separated choices (a single-line form field). */
function choices(f: WebhookFilterField, raw: unknown, issues: FilterFieldIssue[]): string[] | null {
  if (raw === undefined || raw === null) return null;
  const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
  if (!items || !items.every((v) => typeof v === 'string')) {
    issues.push({ field: f.name, message: 'must be a list of words, or one text of comma-separated words' });
    return null;
  }
  const out = [...new Set(items.map((v) => v.trim()).filter((v) => v !== ''))];
  if (out.length > MAX_CHOICES) issues.push({ field: f.name, message: `must hold at most ${MAX_CHOICES} values (got ${out.length})` });
  const long = out.find((v) => v.length > MAX_CHOICE_LENGTH);
  if (long !== undefined) issues.push({ field: f.name, message: `values must be at most ${MAX_CHOICE_LENGTH} characters ("${long.slice(0, 40)}…" is longer)` });
  return out.length > 0 ? out : null;
}

/** The minimum: a number or a numeric text; blank or 0 is no minimum. */
function minimum(f: WebhookFilterField, raw: unknown, issues: FilterFieldIssue[]): number | null {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return null;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(n) || n < 0) {
    issues.push({ field: f.name, message: `must be a number of at least 0 (got ${JSON.stringify(raw)})` });
    return null;
  }
  return n > 0 ? n : null;
}

/** Builds the filter from `values` keyed by the spec's filter field names; unknown keys are ignored. */
export function relayFilter(spec: ProviderSpec, values: Readonly<Record<string, unknown>>): RelayFilterResult {
  const issues: FilterFieldIssue[] = [];
  const filter: Record<string, unknown> = {};
  for (const f of filterFieldsFor(spec)) {
    const raw = values[f.name];
    if (f.test === 'oneOf') {
      const chosen = choices(f, raw, issues);
      if (chosen) filter[`data.${f.path}`] = { $in: chosen };
    } else {
      const min = minimum(f, raw, issues);
      if (min !== null) filter[`data.${f.path}`] = { $gte: min };
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, filter: Object.keys(filter).length > 0 ? filter : null };
}
