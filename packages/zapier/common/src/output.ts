import { createHash } from 'node:crypto';
import type { PlainOutputField } from 'zapier-platform-core';
import { titleCase, words } from './names';

/**
 * What Zapier gets back: objects with an `id` (Zapier deduplicates triggers by it and shows it
 * for every step), and output fields that name and type the sample's keys so the Zap editor
 * can offer them before a live run.
 */

export type Item = Record<string, unknown>;

export function isItem(v: unknown): v is Item {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Where a result without its own `id` keeps one, most specific first. */
const ID_KEYS = ['execution_id', 'batch_id', 'call_id', 'conversation_id', 'contact_id', 'agent_id', 'request_id'];

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isItem(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * The item with an `id`: its own, else the identifier it carries (`call_id`, `request_id`…),
 * else a digest of its content, so the same result always gets the same id.
 */
export function withId(item: Item): Item {
  const own = item['id'];
  if ((typeof own === 'string' && own !== '') || typeof own === 'number') return item;
  for (const key of ID_KEYS) {
    const v = item[key];
    if ((typeof v === 'string' && v !== '') || typeof v === 'number') return { id: v, ...item };
  }
  return { id: `sha256_${createHash('sha256').update(stableJson(item)).digest('hex').slice(0, 24)}`, ...item };
}

/** A non-object result (an empty 204, a bare value) as an item Zapier can show. */
export function asItem(result: unknown, fallbackId?: string): Item {
  if (isItem(result)) return withId(result);
  return withId({ ...(fallbackId ? { id: fallbackId } : {}), result: result ?? null, success: true });
}

const TIMESTAMP_KEYS = ['created_at', 'started_at', 'called_at', 'timestamp', 'updated_at'];

function timeOf(item: Item): number | undefined {
  for (const key of TIMESTAMP_KEYS) {
    const v = item[key];
    if (typeof v === 'string') {
      const t = Date.parse(v);
      if (!Number.isNaN(t)) return t;
    }
  }
  return undefined;
}

/**
 * Newest first by the item's own timestamp, keeping the API's order among items that have
 * none; then each id once, so a page boundary that shifted between requests cannot repeat one.
 */
export function newestFirstUnique(items: readonly Item[]): Item[] {
  const ranked = items.map((item, index) => ({ item, index, t: timeOf(item) }));
  ranked.sort((a, b) => {
    if (a.t !== undefined && b.t !== undefined && a.t !== b.t) return b.t - a.t;
    if (a.t !== undefined && b.t === undefined) return -1;
    if (a.t === undefined && b.t !== undefined) return 1;
    return a.index - b.index;
  });
  const seen = new Set<string>();
  const out: Item[] = [];
  for (const { item } of ranked) {
    const key = String(item['id']);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function typeOf(v: unknown): PlainOutputField['type'] | undefined {
  if (typeof v === 'string') return ISO_DATE_TIME.test(v) ? 'datetime' : 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  return undefined;
}

function labelOf(path: string[]): string {
  return path.map((p) => titleCase(words(p).join(' ').replace(/\bid\b/g, 'ID').replace(/\burl\b/g, 'URL'))).join(' ');
}

/**
 * Output fields for every key of a sample, in Zapier's flattened notation: `analysis__summary`
 * for a nested object, `transcript[]bot` for a key of objects in a list.
 */
export function outputFieldsFrom(sample: Item): PlainOutputField[] {
  const out: PlainOutputField[] = [];
  const add = (key: string, path: string[], v: unknown, list = false): void => {
    const type = typeOf(v);
    out.push({ key, label: labelOf(path), ...(type ? { type } : {}), ...(list ? { list: true } : {}) });
  };
  for (const [k, v] of Object.entries(sample)) {
    if (isItem(v)) {
      for (const [k2, v2] of Object.entries(v)) {
        if (isItem(v2) || Array.isArray(v2)) continue;
        add(`${k}__${k2}`, [k, k2], v2);
      }
    } else if (Array.isArray(v)) {
      const objects = v.filter(isItem);
      if (objects.length === 0) {
        add(k, [k], v[0], true);
        continue;
      }
      const childKeys = new Map<string, unknown>();
      for (const o of objects) for (const [ck, cv] of Object.entries(o)) if (!childKeys.has(ck)) childKeys.set(ck, cv);
      for (const [ck, cv] of childKeys) {
        if (isItem(cv) || Array.isArray(cv)) continue;
        add(`${k}[]${ck}`, [k, ck], cv);
      }
    } else {
      add(k, [k], v);
    }
  }
  return out;
}
