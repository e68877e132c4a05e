import { ValidationError, type FieldDescriptor, type OperationSpec, type ProviderSpec } from './core';
import type { OperationLayout } from './layout';

/**
 * Reads one item's node parameters back into core's input shape. n8n hands over form
 * values (fixedCollection pairs, JSON text, multi-value strings, '' for untouched fields);
 * this turns them into what core validates, and leaves every rule to core's schema so a
 * bad value fails with core's field-named message before any request is sent.
 */

/** What the reader needs from n8n: execute functions and load-options functions both qualify. */
export interface ParameterSource {
  getNodeParameter(name: string, itemIndex: number, fallback?: unknown): unknown;
}

export type RawParameter = (name: string, fallback?: unknown) => unknown;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function invalid(spec: ProviderSpec, op: OperationSpec, field: string, message: string): ValidationError {
  return new ValidationError(spec.id, op.name, [{ field, message }]);
}

function parseJson(spec: ProviderSpec, op: OperationSpec, f: FieldDescriptor, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw invalid(spec, op, f.name, `must be valid JSON (${why})`);
  }
}

function pairsToRecord(spec: ProviderSpec, op: OperationSpec, f: FieldDescriptor, value: Record<string, unknown>): Record<string, unknown> {
  const pairs = value['pairs'];
  if (!Array.isArray(pairs)) return value;
  const out: Record<string, unknown> = {};
  pairs.forEach((pair, i) => {
    if (!isRecord(pair)) throw invalid(spec, op, `${f.name}.${i}`, 'must be a name/value pair');
    const name = typeof pair['name'] === 'string' ? pair['name'].trim() : '';
    if (name === '') throw invalid(spec, op, `${f.name}.${i}.name`, 'must not be empty');
    // Two pairs with one name would silently drop a value: refuse instead.
    if (Object.hasOwn(out, name)) throw invalid(spec, op, `${f.name}.${name}`, 'is given twice');
    out[name] = pair['value'] ?? null;
  });
  return out;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** One form value as core expects it; undefined leaves the field out. */
export function convertValue(spec: ProviderSpec, op: OperationSpec, f: FieldDescriptor, raw: unknown): unknown {
  if (raw === undefined || raw === null) return undefined;
  switch (f.kind) {
    case 'key_value': {
      const value = typeof raw === 'string' ? (raw.trim() === '' ? undefined : parseJson(spec, op, f, raw)) : raw;
      if (value === undefined) return undefined;
      if (!isRecord(value)) return value;
      const record = pairsToRecord(spec, op, f, value);
      return Object.keys(record).length === 0 && !f.required ? undefined : record;
    }
    case 'json':
    case 'object_list':
      if (typeof raw !== 'string') return raw;
      return raw.trim() === '' ? undefined : parseJson(spec, op, f, raw);
    case 'string_list':
    case 'enum_list': {
      const list = typeof raw === 'string' ? splitList(raw) : raw;
      if (Array.isArray(list) && list.length === 0 && !f.required) return undefined;
      return Array.isArray(list) ? list.filter((v) => v !== '') : list;
    }
    case 'integer':
    case 'number':
    case 'boolean':
      return raw === '' && !f.required ? undefined : raw;
    default:
      // An untouched optional text field is '' in n8n: that means "not given", not "empty".
      return raw === '' && !f.required ? undefined : raw;
  }
}

export interface OperationCall {
  /** The core operation to run: the selected one, or its polling composite when that switch is on. */
  operation: OperationSpec;
  input: Record<string, unknown>;
}

/** The core operation and input an item asks for. */
export function readOperationCall(spec: ProviderSpec, layout: OperationLayout, param: RawParameter): OperationCall {
  const { op } = layout;
  const input: Record<string, unknown> = {};
  const put = (f: FieldDescriptor, raw: unknown): void => {
    const value = convertValue(spec, op, f, raw);
    if (value !== undefined) input[f.name] = value;
  };

  for (const f of layout.topLevel) put(f, param(f.name));

  if (layout.collection) {
    const values = param(layout.collection.name, {});
    if (isRecord(values)) {
      const known = new Map(layout.collection.fields.map((f) => [f.name, f]));
      for (const [name, raw] of Object.entries(values)) {
        const f = known.get(name);
        // Only the form's own options reach here; anything else is core's to accept or refuse.
        if (f) put(f, raw);
        else input[name] = raw;
      }
    }
  }

  const toggle = layout.pollToggle;
  if (toggle && param(toggle.name, false) === true) {
    for (const f of toggle.fields) put(f, param(f.name));
    return { operation: toggle.composite, input };
  }
  return { operation: op, input };
}
