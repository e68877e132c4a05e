import { describeFields, type FieldDescriptor, type OperationSpec, type PaginationSpec, type ProviderSpec } from './core';
import { n8nDescription, sentenceCase, titleCase } from './names';

/**
 * Where each of an operation's fields goes on the node's form. Both the property builder
 * and the parameter reader follow this one plan, so what the form shows and what execute
 * reads cannot drift apart.
 */

export type CollectionName = 'filters' | 'additionalFields' | 'updateFields';

export interface CollectionLayout {
  name: CollectionName;
  displayName: string;
  placeholder: string;
  fields: FieldDescriptor[];
}

/** A composite polling operation offered as a switch on the operation it polls (Get Call → wait for analysis). */
export interface PollToggle {
  /** The parameter name: the composite's action, e.g. `waitForAnalysis`. */
  name: string;
  displayName: string;
  description: string;
  composite: OperationSpec;
  /** The composite's own settings (interval, timeout), shown when the switch is on. */
  fields: FieldDescriptor[];
}

export interface OperationLayout {
  op: OperationSpec;
  /** Required fields and the settings of polling composites, in declaration order. */
  topLevel: FieldDescriptor[];
  collection?: CollectionLayout;
  /** A list operation: Return All / Limit replace the provider's own paging fields. */
  paged: boolean;
  pollToggle?: PollToggle;
  /** The result field holding a recording URL the node can download as binary data. */
  recordingField?: string;
}

export interface LayoutOptions {
  /** Operation name → result field with a downloadable recording URL. */
  recordings?: Readonly<Record<string, string>>;
}

/** The query parameters that page a list; n8n's Return All / Limit drive them instead. */
export function pagingFields(pagination: PaginationSpec): string[] {
  switch (pagination.style) {
    case 'page':
      return [pagination.pageParam, pagination.sizeParam];
    case 'offset':
      return [pagination.limitParam, pagination.offsetParam];
    case 'cursor':
      return [pagination.cursorParam, pagination.sizeParam];
    case 'none':
      return [];
  }
}

/** The operations the action node offers, in the spec's order. */
export function nodeOperations(spec: ProviderSpec): OperationSpec[] {
  return Object.values(spec.operations).filter((op) => op.surfaces.n8n !== false);
}

function pollFieldNames(op: OperationSpec): Set<string> {
  return new Set(op.poll ? [op.poll.intervalField, op.poll.timeoutField] : []);
}

function collectionFor(op: OperationSpec, fields: FieldDescriptor[]): CollectionLayout | undefined {
  if (fields.length === 0) return undefined;
  if (op.method === 'GET') return { name: 'filters', displayName: 'Filters', placeholder: 'Add Filter', fields };
  if (op.action === 'update') return { name: 'updateFields', displayName: 'Update Fields', placeholder: 'Add Field', fields };
  return { name: 'additionalFields', displayName: 'Additional Fields', placeholder: 'Add Field', fields };
}

function pollToggleFor(spec: ProviderSpec, op: OperationSpec): PollToggle | undefined {
  const composite = nodeOperations(spec).find((c) => c.poll?.operation === op.name);
  if (!composite || !composite.poll) return undefined;
  const settings = pollFieldNames(composite);
  const summary = composite.summary.charAt(0).toLowerCase() + composite.summary.slice(1);
  return {
    name: composite.action,
    displayName: titleCase(composite.action),
    description: n8nDescription(
      sentenceCase(`whether to ${summary} before returning: ${composite.description.charAt(0).toLowerCase()}${composite.description.slice(1)}`),
    ),
    composite,
    fields: describeFields(composite).filter((f) => settings.has(f.name)),
  };
}

export function layoutOperation(spec: ProviderSpec, op: OperationSpec, options: LayoutOptions = {}): OperationLayout {
  const paged = op.list !== undefined;
  const skip = new Set(paged ? pagingFields(spec.pagination) : []);
  const pollSettings = pollFieldNames(op);
  const topLevel: FieldDescriptor[] = [];
  const optional: FieldDescriptor[] = [];
  for (const f of describeFields(op)) {
    if (skip.has(f.name)) continue;
    if (f.required || pollSettings.has(f.name)) topLevel.push(f);
    else optional.push(f);
  }
  const collection = collectionFor(op, optional);
  const pollToggle = pollToggleFor(spec, op);
  const recordingField = options.recordings?.[op.name];
  return {
    op,
    topLevel,
    ...(collection ? { collection } : {}),
    paged,
    ...(pollToggle ? { pollToggle } : {}),
    ...(recordingField ? { recordingField } : {}),
  };
}
