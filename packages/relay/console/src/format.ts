/** Display helpers. Every value reaches the page as text (preact escapes it), never as HTML. */
export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value);
}

export function excerpt(text: string | null | undefined, max = 200): string {
  if (!text) return '';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function list(values: readonly string[] | null | undefined, empty = '—'): string {
  return values && values.length ? values.join(', ') : empty;
}

/** "a, b ,c" -> ["a","b","c"] */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
