import type { IDisplayOptions, INodeProperties, INodePropertyOptions, NodeParameterValue } from 'n8n-workflow';
import type { FieldDescriptor, ProviderSpec } from './core';
import { layoutOperation, nodeOperations, type LayoutOptions, type OperationLayout } from './layout';
import {
  dynamicDisplayName,
  methodName,
  n8nDescription,
  operationDisplayName,
  optionDisplayName,
  resourceDisplayName,
  sentenceCase,
} from './names';

/**
 * Core's operations and field metadata as n8n node properties: a Resource selector with
 * core's resource names as values, an Operation selector per resource with core's action
 * names, and each field under its core name with its label, help, choices and bounds.
 */

const DYNAMIC_HINT =
  'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.';

/** The loadOptions method that fills a dynamic field's dropdown, named for what it lists. */
export function loadOptionsMethodName(dynamic: NonNullable<FieldDescriptor['dynamic']>): string {
  return methodName(dynamic.operation, dynamic.value);
}

function byDisplayName<T extends { displayName: string }>(a: T, b: T): number {
  return a.displayName.localeCompare(b.displayName);
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name.localeCompare(b.name);
}

/** n8n lists five or more options alphabetically; fewer keep core's order (high, medium, low). */
const ALPHABETIZE_FROM = 5;

function choices(values: readonly string[]): INodePropertyOptions[] {
  const options = values.map((value) => ({ name: optionDisplayName(value), value }));
  return options.length >= ALPHABETIZE_FROM ? options.sort((a, b) => a.name.localeCompare(b.name)) : options;
}

function placeholderOf(f: FieldDescriptor): string | undefined {
  if (typeof f.example === 'string') return f.example;
  if (typeof f.example === 'number') return String(f.example);
  return undefined;
}

function numberDefault(f: FieldDescriptor): number {
  if (typeof f.default === 'number') return f.default;
  return f.min !== undefined && f.min > 0 ? f.min : 0;
}

/** One core field as an n8n parameter; `inCollection` fields are never marked required. */
export function fieldProperty(f: FieldDescriptor, inCollection: boolean, displayOptions?: IDisplayOptions): INodeProperties {
  const required = f.required && !inCollection;
  const base = {
    displayName: f.label,
    name: f.name,
    description: n8nDescription(f.help),
    ...(required ? { required: true } : {}),
    ...(displayOptions ? { displayOptions } : {}),
  };

  // A dropdown whose value is the label itself (agent names) adds nothing to typing the name.
  if (f.dynamic && f.dynamic.value !== f.dynamic.label) {
    return {
      ...base,
      displayName: dynamicDisplayName(f.label),
      type: 'options',
      typeOptions: { loadOptionsMethod: loadOptionsMethodName(f.dynamic) },
      description: `${f.help} ${DYNAMIC_HINT}`,
      default: '',
    };
  }

  switch (f.kind) {
    case 'enum': {
      const values = f.choices ?? [];
      const fallback: NodeParameterValue = typeof f.default === 'string' ? f.default : (values[0] ?? '');
      return { ...base, type: 'options', options: choices(values), default: fallback };
    }
    case 'enum_list':
      return { ...base, type: 'multiOptions', options: choices(f.choices ?? []), default: [] };
    case 'integer':
    case 'number':
      return {
        ...base,
        type: 'number',
        typeOptions: {
          ...(f.min !== undefined ? { minValue: f.min } : {}),
          ...(f.max !== undefined ? { maxValue: f.max } : {}),
          ...(f.kind === 'integer' ? { numberPrecision: 0 } : {}),
        },
        default: numberDefault(f),
      };
    case 'boolean':
      return { ...base, type: 'boolean', default: typeof f.default === 'boolean' ? f.default : false };
    case 'string_list':
      return {
        ...base,
        type: 'string',
        typeOptions: { multipleValues: true, multipleValueButtonText: `Add ${f.label}` },
        default: [],
      };
    case 'key_value':
      return {
        ...base,
        type: 'fixedCollection',
        typeOptions: { multipleValues: true },
        placeholder: 'Add Pair',
        default: {},
        options: [
          {
            name: 'pairs',
            displayName: 'Pair',
            values: [
              { displayName: 'Name', name: 'name', type: 'string', default: '', description: 'Key of the pair' },
              { displayName: 'Value', name: 'value', type: 'string', default: '', description: 'Value of the pair' },
            ],
          },
        ],
      };
    case 'object_list':
      return { ...base, type: 'json', default: '[]' };
    case 'json':
      return { ...base, type: 'json', default: '{}' };
    default: {
      const placeholder = placeholderOf(f);
      return { ...base, type: 'string', default: '', ...(placeholder !== undefined ? { placeholder } : {}) };
    }
  }
}

function show(layout: OperationLayout, extra: Record<string, Array<string | boolean>> = {}): IDisplayOptions {
  return { show: { resource: [layout.op.resource], operation: [layout.op.action], ...extra } };
}

/** The properties one operation adds below the Operation selector. */
export function operationProperties(layout: OperationLayout): INodeProperties[] {
  const out: INodeProperties[] = layout.topLevel.map((f) => fieldProperty(f, false, show(layout)));

  if (layout.pollToggle) {
    const toggle = layout.pollToggle;
    out.push({
      displayName: toggle.displayName,
      name: toggle.name,
      type: 'boolean',
      default: false,
      description: toggle.description,
      displayOptions: show(layout),
    });
    for (const f of toggle.fields) out.push(fieldProperty(f, false, show(layout, { [toggle.name]: [true] })));
  }

  if (layout.paged) {
    out.push(
      {
        displayName: 'Return All',
        name: 'returnAll',
        type: 'boolean',
        default: false,
        description: 'Whether to return all results or only up to a given limit',
        displayOptions: show(layout),
      },
      {
        displayName: 'Limit',
        name: 'limit',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 50,
        description: 'Max number of results to return',
        displayOptions: show(layout, { returnAll: [false] }),
      },
    );
  }

  if (layout.collection) {
    const c = layout.collection;
    out.push({
      displayName: c.displayName,
      name: c.name,
      type: 'collection',
      placeholder: c.placeholder,
      default: {},
      displayOptions: show(layout),
      options: c.fields.map((f) => fieldProperty(f, true)).sort(byDisplayName),
    });
  }

  if (layout.recordingField) {
    out.push(
      {
        displayName: 'Download Recording',
        name: 'downloadRecording',
        type: 'boolean',
        default: false,
        description: `Whether to download the recording at ${layout.recordingField} and attach it as binary data`,
        displayOptions: show(layout),
      },
      {
        displayName: 'Put Output File in Field',
        name: 'binaryPropertyName',
        type: 'string',
        default: 'data',
        required: true,
        description: 'The name of the output binary field to put the file in',
        displayOptions: show(layout, { downloadRecording: [true] }),
      },
    );
  }
  return out;
}

/** Every property of a provider's action node: Resource, Operation per resource, then each operation's fields. */
export function actionProperties(spec: ProviderSpec, options: LayoutOptions = {}): INodeProperties[] {
  const layouts = nodeOperations(spec).map((op) => layoutOperation(spec, op, options));
  const resources = [...new Set(layouts.map((l) => l.op.resource))];
  const first = layouts[0];
  if (!first) throw new Error(`${spec.id}: no operation is offered in n8n`);

  const resourceOptions = resources.map((r) => ({ name: resourceDisplayName(r), value: r })).sort(byName);
  const props: INodeProperties[] = [
    {
      displayName: 'Resource',
      name: 'resource',
      type: 'options',
      noDataExpression: true,
      options: resourceOptions,
      default: resourceOptions[0]?.value ?? first.op.resource,
    },
  ];

  for (const resource of resources) {
    const ops = layouts.filter((l) => l.op.resource === resource);
    const names = ops.map((l) => operationDisplayName(l.op.action, l.paged));
    const options = ops
      .map((l, i) => {
        // Two list operations on one resource would both be "Get Many": fall back to the action's own name.
        const clash = names.indexOf(names[i] as string) !== names.lastIndexOf(names[i] as string);
        return {
          name: clash ? operationDisplayName(l.op.action, false) : (names[i] as string),
          value: l.op.action,
          action: sentenceCase(l.op.summary),
          description: n8nDescription(l.op.description),
        };
      })
      .sort(byName);
    props.push({
      displayName: 'Operation',
      name: 'operation',
      type: 'options',
      noDataExpression: true,
      displayOptions: { show: { resource: [resource] } },
      options,
      default: options[0]?.value ?? '',
    });
  }

  for (const layout of layouts) props.push(...operationProperties(layout));
  return props;
}
