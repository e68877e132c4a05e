import type { FieldDescriptor, FieldMeta } from '@callbridge/core';
import { rpcName, titleCase, valueLabel } from './names';
import type { MakeParameter } from './schemas';

/**
 * Core's field metadata as Make parameters: the name is core's field name, the label its
 * label, the help its help; the type follows from the field's kind (text, number, select with
 * core's choices, array, collection, date), and dynamic fields become selects filled by an RPC.
 *
 * Core's defaults are named in the help rather than set as Make defaults: a Make default is
 * sent as if the user had typed it, and core leaves an unset field out of the request.
 */

/** Key/value fields are lists of pairs in Make's form; the request turns them back into an object. */
export const PAIR_KEY = 'key';
export const PAIR_VALUE = 'value';

function helpOf(f: FieldMeta): string {
  let help = f.help;
  if (f.default !== undefined && !/default/i.test(help)) help += ` Default: ${String(f.default)}.`;
  if (f.kind === 'phone' && !/E\.164/.test(help)) help += ' In E.164 format, e.g. +15551234567.';
  return help;
}

function bounds(f: FieldMeta): MakeParameter['validate'] | undefined {
  const v: NonNullable<MakeParameter['validate']> = {};
  if (f.kind === 'string_list' || f.kind === 'enum_list' || f.kind === 'object_list') {
    if (f.min !== undefined) v.minItems = f.min;
    if (f.max !== undefined) v.maxItems = f.max;
  } else {
    if (f.min !== undefined) v.min = f.min;
    if (f.max !== undefined) v.max = f.max;
  }
  return Object.keys(v).length > 0 ? v : undefined;
}

function choices(values: readonly string[]): Array<{ label: string; value: string }> {
  return values.map((v) => ({ label: valueLabel(v), value: v }));
}

/** The part of a parameter its kind decides. */
function typed(f: FieldMeta): Omit<MakeParameter, 'name' | 'label' | 'help' | 'required'> {
  const validate = bounds(f);
  const v = validate ? { validate } : {};
  if (f.dynamic) return { type: 'select', options: `rpc://${rpcName(f.dynamic.operation, f.dynamic.value)}` };
  switch (f.kind) {
    case 'enum':
      return { type: 'select', options: choices(f.choices ?? []) };
    case 'enum_list':
      return { type: 'select', multiple: true, options: choices(f.choices ?? []), ...v };
    case 'integer':
      return { type: f.min !== undefined && f.min >= 0 ? 'uinteger' : 'integer', ...v };
    case 'number':
      return { type: 'number', ...v };
    case 'boolean':
      return { type: 'boolean' };
    case 'datetime':
      return { type: 'date' };
    case 'email':
      return { type: 'email' };
    case 'url':
      return { type: 'url' };
    case 'string_list':
      return { type: 'array', spec: { type: 'text', label: titleCase(f.label.replace(/s$/, '')) }, ...v };
    case 'key_value':
      return {
        type: 'array',
        spec: {
          type: 'collection',
          spec: [
            { name: PAIR_KEY, type: 'text', label: 'Key', required: true },
            { name: PAIR_VALUE, type: 'text', label: 'Value' },
          ],
        },
      };
    case 'object_list':
      return { type: 'array', ...(f.items ? { spec: { type: 'collection', spec: itemSpec(f.items) } } : {}), ...v };
    case 'json':
      return { type: 'any' };
    default:
      return { type: 'text', ...(f.kind === 'string' && validate ? { validate } : {}) };
  }
}

/**
 * An object list's item form. A key/value field inside an item is left out: IML can turn a
 * module's list of pairs into an object, but not one inside each item of a list.
 */
function itemSpec(items: Record<string, FieldMeta>): MakeParameter[] {
  return Object.entries(items)
    .filter(([, f]) => f.kind !== 'key_value')
    .map(([name, f]) => makeParameter({ name, ...f }));
}

/** One core field as a Make parameter. */
export function makeParameter(f: FieldDescriptor): MakeParameter {
  return {
    name: f.name,
    label: titleCase(f.label),
    help: helpOf(f),
    required: f.required,
    ...typed(f),
  };
}

/** Item fields of object lists that the Make form leaves out (see itemSpec), for the docs and tests. */
export function omittedItemFields(f: FieldMeta): string[] {
  return Object.entries(f.items ?? {})
    .filter(([, item]) => item.kind === 'key_value')
    .map(([name]) => name);
}
