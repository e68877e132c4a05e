import { BadInput } from './failure';

/**
 * Readers for request fields. Each returns the value, `undefined` when an optional field is
 * absent, or throws BadInput naming the field and the rule it broke. Query strings arrive as
 * strings, so numeric readers accept a string that is exactly a number.
 */

export type Source = Record<string, unknown>;

/** E.164: a plus, a non-zero country digit, 7 to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** ISO 8601 date or date-time with an offset or Z. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

function present(source: Source, field: string): boolean {
  const v = source[field];
  return v !== undefined && v !== null;
}

function missing(field: string, required: boolean): undefined {
  if (required) throw new BadInput(field, 'is required');
  return undefined;
}

export interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  patternRule?: string;
}

export function readString(source: Source, field: string, rule: StringRule & { required: true }): string;
export function readString(source: Source, field: string, rule?: StringRule): string | undefined;
export function readString(source: Source, field: string, rule: StringRule = {}): string | undefined {
  if (!present(source, field)) return missing(field, rule.required === true);
  const v = source[field];
  if (typeof v !== 'string') throw new BadInput(field, 'must be a string');
  if (rule.min !== undefined && v.length < rule.min) {
    throw new BadInput(field, rule.min === 1 ? 'must not be empty' : `must be at least ${rule.min} characters`);
  }
  if (rule.max !== undefined && v.length > rule.max) throw new BadInput(field, `must be at most ${rule.max} characters`);
  if (rule.pattern && !rule.pattern.test(v)) throw new BadInput(field, rule.patternRule ?? `must match ${String(rule.pattern)}`);
  return v;
}

export function readPhone(source: Source, field: string, required = false): string | undefined {
  return readString(source, field, {
    required,
    pattern: E164,
    patternRule: 'must be an E.164 phone number with its country code, e.g. +15551234567',
  });
}

export function readEmail(source: Source, field: string, required = false): string | undefined {
  return readString(source, field, { required, pattern: EMAIL, patternRule: 'must be an email address' });
}

export function readUrl(source: Source, field: string, required = false): string | undefined {
  const v = readString(source, field, { required });
  if (v !== undefined && !(/^https?:\/\//i.test(v) && URL.canParse(v))) throw new BadInput(field, 'must be an http(s) URL');
  return v;
}

export function readEnum<const V extends readonly string[]>(
  source: Source,
  field: string,
  values: V,
  required = false,
): V[number] | undefined {
  if (!present(source, field)) return missing(field, required);
  const v = source[field];
  if (typeof v !== 'string' || !values.includes(v)) throw new BadInput(field, `must be one of: ${values.join(', ')}`);
  return v;
}

export interface NumberRule {
  required?: boolean;
  min?: number;
  max?: number;
  integer?: boolean;
}

export function readNumber(source: Source, field: string, rule: NumberRule = {}): number | undefined {
  if (!present(source, field)) return missing(field, rule.required === true);
  const raw = source[field];
  const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadInput(field, rule.integer ? 'must be a whole number' : 'must be a number');
  if (rule.integer && !Number.isInteger(v)) throw new BadInput(field, 'must be a whole number');
  if (rule.min !== undefined && v < rule.min) throw new BadInput(field, `must be at least ${rule.min}`);
  if (rule.max !== undefined && v > rule.max) throw new BadInput(field, `must be at most ${rule.max}`);
  return v;
}

export function isIsoDate(value: string): boolean {
  if (!ISO_8601.test(value)) return false;
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return false;
  return !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value));
}

/** An ISO 8601 date or timestamp, returned as epoch ms (a plain date is midnight UTC). */
export function readDate(source: Source, field: string, required = false): number | undefined {
  const v = readString(source, field, { required });
  if (v === undefined) return undefined;
  if (!isIsoDate(v)) throw new BadInput(field, 'must be an ISO 8601 date or timestamp, e.g. 2025-01-15 or 2025-01-15T10:30:00Z');
  return Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
}

/** A plain JSON object of scalar values (Vyora's custom_args, Aila's metadata). */
export function readKeyValue(source: Source, field: string): Record<string, string | number | boolean | null> | undefined {
  if (!present(source, field)) return undefined;
  const v = source[field];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadInput(field, 'must be an object of key/value pairs');
  for (const [k, item] of Object.entries(v)) {
    if (item !== null && !['string', 'number', 'boolean'].includes(typeof item)) {
      throw new BadInput(`${field}.${k}`, 'must be a string, number, boolean or null');
    }
  }
  return v as Record<string, string | number | boolean | null>;
}

export function readStringList(source: Source, field: string, rule: { min?: number; max?: number } = {}): string[] | undefined {
  if (!present(source, field)) return undefined;
  const v = source[field];
  if (!Array.isArray(v)) throw new BadInput(field, 'must be a list of strings');
  v.forEach((item, i) => {
    if (typeof item !== 'string') throw new BadInput(`${field}.${i}`, 'must be a string');
  });
  if (rule.min !== undefined && v.length < rule.min) throw new BadInput(field, `must have at least ${rule.min} item(s)`);
  if (rule.max !== undefined && v.length > rule.max) throw new BadInput(field, `must have at most ${rule.max} item(s)`);
  return v as string[];
}

/** The body as an object; anything else (an array, a string, nothing) is refused by `field` "body". */
export function bodyObject(body: unknown, required = true): Source {
  if (body === undefined && !required) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadInput('body', 'must be a JSON object');
  return body as Source;
}
