/**
 * Rules that span several fields of one operation, for `defineOperation({ check })`.
 * Field builders validate one value; these catch inputs that are each valid but wrong together,
 * before a request is spent on a provider's 400.
 */

export type Check = (input: Record<string, unknown>) => { field: string; message: string } | undefined;

function instant(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  return Number.isNaN(t) ? undefined : t;
}

/** `from` must not be later than `to` when both are given (an empty range is always a mistake). */
export function dateOrder(from: string, to: string): Check {
  return (input) => {
    const a = instant(input[from]);
    const b = instant(input[to]);
    if (a !== undefined && b !== undefined && a > b) return { field: to, message: `must not be earlier than ${from}` };
    return undefined;
  };
}

/** An update must change something: at least one field besides the ones that address the record. */
export function changesSomething(...addressing: string[]): Check {
  return (input) => {
    const changes = Object.entries(input).filter(([k, v]) => !addressing.includes(k) && v !== undefined);
    return changes.length === 0 ? { field: '(input)', message: 'give at least one field to change' } : undefined;
  };
}

/** A list sent comma-separated must not hold items the commas would split or lose. */
export function csvSafe(fieldName: string): Check {
  return (input) => {
    const list = input[fieldName];
    if (!Array.isArray(list)) return undefined;
    const bad = list.findIndex((v) => typeof v !== 'string' || v.trim() === '' || v.includes(','));
    return bad === -1 ? undefined : { field: `${fieldName}.${bad}`, message: 'must be a non-empty value without commas' };
  };
}

/** Each choice at most once (a subset, not a multiset). */
export function distinct(fieldName: string): Check {
  return (input) => {
    const list = input[fieldName];
    if (!Array.isArray(list)) return undefined;
    const dup = list.findIndex((v, i) => list.indexOf(v) !== i);
    return dup === -1 ? undefined : { field: `${fieldName}.${dup}`, message: `"${String(list[dup])}" is listed twice` };
  };
}

/** Runs checks in order; the first problem wins. */
export function allOf(...checks: Check[]): Check {
  return (input) => {
    for (const c of checks) {
      const problem = c(input);
      if (problem) return problem;
    }
    return undefined;
  };
}
