import { HttpError } from './replies';

/** Request validation that names the field and the rule, in core's ValidationError shape. */
export interface Issue {
  field: string;
  message: string;
}

export function invalid(issues: Issue[]): HttpError {
  const text = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return new HttpError(400, 'validation_error', `Invalid request: ${text}`, issues);
}

export function asObject(body: unknown, required: boolean): Record<string, unknown> {
  if (body === undefined || body === null) {
    if (required) throw invalid([{ field: '(body)', message: 'must be a JSON object' }]);
    return {};
  }
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid([{ field: '(body)', message: 'must be a JSON object' }]);
  return body as Record<string, unknown>;
}

export function rejectUnknown(body: Record<string, unknown>, known: readonly string[]): void {
  const extra = Object.keys(body).filter((k) => !known.includes(k));
  if (extra.length) throw invalid(extra.map((k) => ({ field: k, message: `is not a field of this request; known: ${known.join(', ')}` })));
}

export function optionalString(q: Record<string, unknown>, field: string, max = 200): string | undefined {
  const v = q[field];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max) throw invalid([{ field, message: `must be a string of at most ${max} characters` }]);
  return v;
}

export function limitParam(q: Record<string, unknown>, fallback: number, max: number): number {
  const v = q['limit'];
  if (v === undefined || v === '') return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalid([{ field: 'limit', message: `must be a whole number from 1 to ${max}` }]);
  return n;
}

export function oneOf<T extends string>(q: Record<string, unknown>, field: string, choices: readonly T[]): T | undefined {
  const v = q[field];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw invalid([{ field, message: `must be one of ${choices.join(', ')}` }]);
  }
  return v as T;
}
