import { describeFields, ValidationError, type FieldDescriptor, type OperationSpec, type ProviderId, type ValidationIssue } from './core';
import { pairKeys } from './input-fields';

/**
 * Zapier's `bundle.inputData` as core's input: only the operation's own fields (a Zap may
 * carry others, and a passthrough operation would forward them), empty values left out, and
 * the shapes Zapier hands over (strings for booleans, line items for pairs, text for JSON)
 * turned into what core's schema reads. Values that still do not fit are left for core's
 * validation, which names the field and the rule.
 */

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const TRUE = new Set(['true', 'yes', '1', 'on']);
const FALSE = new Set(['false', 'no', '0', 'off']);

function toBoolean(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return v;
}

function toList(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !isEmpty(x)).map((x) => (typeof x === 'string' ? x.trim() : x));
  if (typeof v === 'string') return [v.trim()];
  return v;
}

function pairValue(v: unknown): unknown {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : v === null ? null : JSON.stringify(v);
}

/** Line items (`[{custom_args_key, custom_args_value}]`), a plain object, or a JSON object in text. */
function toPairs(name: string, v: unknown, issues: ValidationIssue[]): unknown {
  if (typeof v === 'string') {
    try {
      return toPairs(name, JSON.parse(v) as unknown, issues);
    } catch {
      issues.push({ field: name, message: 'must be name/value pairs (or a JSON object)' });
      return undefined;
    }
  }
  if (isRecord(v)) return v;
  if (!Array.isArray(v)) return v;
  const keys = pairKeys(name);
  const out: Record<string, unknown> = {};
  v.forEach((item, i) => {
    if (!isRecord(item)) return;
    const key = item[keys.key] ?? item['key'] ?? item['name'];
    const value = item[keys.value] ?? item['value'];
    if (isEmpty(key) && isEmpty(value)) return;
    if (typeof key !== 'string' || key.trim() === '') {
      issues.push({ field: `${name}.${i}`, message: 'has a value without a name' });
      return;
    }
    out[key.trim()] = pairValue(value ?? '');
  });
  return out;
}

function toJson(name: string, v: unknown, issues: ValidationIssue[]): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch (e) {
    issues.push({ field: name, message: `must be valid JSON (${e instanceof Error ? e.message : String(e)})` });
    return undefined;
  }
}

function convert(f: FieldDescriptor, v: unknown, issues: ValidationIssue[]): unknown {
  switch (f.kind) {
    case 'boolean':
      return toBoolean(v);
    case 'string_list':
    case 'enum_list':
      return toList(v);
    case 'key_value':
      return toPairs(f.name, v, issues);
    case 'object_list':
    case 'json':
      return toJson(f.name, v, issues);
    default:
      return typeof v === 'string' ? v.trim() : v;
  }
}

/** The operation's input from Zapier's input data; throws a field-named ValidationError for unreadable values. */
export function coreInput(provider: ProviderId, op: OperationSpec, inputData: Record<string, unknown> | undefined): Record<string, unknown> {
  const data = inputData ?? {};
  const out: Record<string, unknown> = {};
  const issues: ValidationIssue[] = [];
  for (const f of describeFields(op)) {
    const raw = data[f.name];
    if (isEmpty(raw)) continue;
    const value = convert(f, raw, issues);
    if (!isEmpty(value) && !(isRecord(value) && Object.keys(value).length === 0 && f.kind === 'key_value')) out[f.name] = value;
  }
  if (issues.length > 0) throw new ValidationError(provider, op.name, issues);
  return out;
}
