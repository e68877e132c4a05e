import type { Context } from './command';
import { formatJson, writeLine } from './io';
import { table } from './table';

/**
 * How the admin commands show the relay's answers: the JSON as it came with `--json` (for
 * scripts and jq), otherwise tables a person can read.
 */
export type Json = Record<string, unknown>;

export function asRecord(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/** One table cell: nothing is `-`, lists are comma-separated, objects compact JSON. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',');
  if (typeof value === 'object') return Object.keys(value).length === 0 ? '-' : JSON.stringify(value);
  return String(value).replace(/[\r\n]+/g, ' ');
}

/** A single object as `field  value` lines. */
export function objectTable(obj: Json, skip: readonly string[] = []): string {
  const rows = Object.entries(obj)
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => [k, cell(v)]);
  return rows.length ? table(['FIELD', 'VALUE'], rows) : '(empty)';
}

export type Column = readonly [header: string, value: (item: Json) => unknown];

export const col = (header: string, field: string): Column => [header, (item) => item[field]];

export function listTable(items: readonly unknown[], columns: readonly Column[], nothing: string): string {
  if (items.length === 0) return nothing;
  return table(
    columns.map(([h]) => h),
    items.map((item) => columns.map(([, v]) => cell(v(asRecord(item))))),
  );
}

/** Prints the answer: the JSON with `--json`, else what `render` makes of it. */
export async function show(ctx: Context, json: boolean | undefined, value: unknown, render: (value: Json) => string): Promise<void> {
  const out = ctx.io.stdout;
  await writeLine(out, json ? formatJson(value, out) : render(asRecord(value)));
}

/** A page `{data, next_cursor}` as a table, and how to ask for the next one. */
export function pageTable(page: Json, columns: readonly Column[], nothing: string): string {
  const items = Array.isArray(page['data']) ? (page['data'] as unknown[]) : [];
  const next = page['next_cursor'];
  const text = listTable(items, columns, nothing);
  return typeof next === 'string' && next !== '' ? `${text}\n\nmore: add --cursor ${next}` : text;
}
