import type { PlainInputField } from 'zapier-platform-core';
import { describeFields, type FieldDescriptor, type OperationSpec } from './core';
import { titleCase, valueLabel } from './names';

/**
 * Core's field metadata as Zapier input fields: the key is core's field name, the label its
 * label in Title Case, the help its help; required flags, enum choices, lists, line items and
 * dynamic dropdowns follow from the field's kind. Nothing here restates a provider's fields.
 */

/** Where a dynamic field's choices and its "add a search step" hint come from. */
export interface FieldRefs {
  /** The key of the trigger that lists an operation's items, if the app has one. */
  triggerFor(operation: string): string | undefined;
  /** The key of the search built on an operation, if the app has one. */
  searchFor(operation: string): string | undefined;
}

export const NO_REFS: FieldRefs = { triggerFor: () => undefined, searchFor: () => undefined };

/** The child keys of a key/value field's line items: unique within the action, as Zapier requires. */
export function pairKeys(name: string): { key: string; value: string } {
  return { key: `${name}_key`, value: `${name}_value` };
}

function placeholderOf(f: FieldDescriptor): string | undefined {
  if (typeof f.example === 'string' && f.example.length > 0) return f.example;
  if (typeof f.example === 'number') return String(f.example);
  return undefined;
}

function helpOf(f: FieldDescriptor): string {
  let help = f.help;
  if (f.default !== undefined && !/default/i.test(help)) help += ` Default: ${String(f.default)}.`;
  return help.slice(0, 1000);
}

function choicesOf(values: readonly string[]): Array<{ value: string; label: string; sample: string }> {
  return values.map((v) => ({ value: v, label: valueLabel(v), sample: v }));
}

/** One core field as a Zapier input field. */
export function inputField(f: FieldDescriptor, refs: FieldRefs = NO_REFS): PlainInputField {
  const base: PlainInputField = {
    key: f.name,
    label: titleCase(f.label),
    helpText: helpOf(f),
    required: f.required,
  };

  if (f.dynamic) {
    const trigger = refs.triggerFor(f.dynamic.operation);
    const search = refs.searchFor(f.dynamic.operation);
    if (trigger) {
      return {
        ...base,
        type: 'string',
        dynamic: `${trigger}.${f.dynamic.value}.${f.dynamic.label}`,
        ...(search ? { search: `${search}.${f.dynamic.value}` } : {}),
      };
    }
  }

  switch (f.kind) {
    case 'enum':
      return { ...base, type: 'string', choices: choicesOf(f.choices ?? []) };
    case 'enum_list':
      return { ...base, type: 'string', list: true, choices: choicesOf(f.choices ?? []) };
    case 'integer':
      return { ...base, type: 'integer' };
    case 'number':
      return { ...base, type: 'number' };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'datetime':
      return { ...base, type: 'datetime' };
    case 'string_list':
      return { ...base, type: 'string', list: true };
    case 'key_value': {
      // Line items: one pair per item. Zapier allows no help text or type on the parent.
      const keys = pairKeys(f.name);
      return {
        key: f.name,
        label: base.label,
        required: f.required,
        children: [
          { key: keys.key, label: `${base.label}: Name`, type: 'string', required: false, helpText: `A name in ${base.label}. ${helpOf(f)}`.slice(0, 1000) },
          { key: keys.value, label: `${base.label}: Value`, type: 'string', required: false, helpText: `The value for that name.` },
        ],
      };
    }
    case 'object_list':
      return { ...base, type: 'text', helpText: `${helpOf(f)} Enter a JSON array of objects.`.slice(0, 1000) };
    case 'json':
      return { ...base, type: 'text', helpText: `${helpOf(f)} Enter JSON.`.slice(0, 1000) };
    default: {
      const placeholder = placeholderOf(f);
      return { ...base, type: 'string', ...(placeholder !== undefined ? { placeholder } : {}) };
    }
  }
}

/** Every field of an operation, in core's declaration order, minus any the caller leaves out. */
export function inputFieldsFor(op: OperationSpec, refs: FieldRefs = NO_REFS, omit: ReadonlySet<string> = new Set()): PlainInputField[] {
  return describeFields(op)
    .filter((f) => !omit.has(f.name))
    .map((f) => inputField(f, refs));
}
