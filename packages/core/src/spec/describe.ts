import type { FieldMeta } from './fields';
import { getPath } from '../engine/path';
import type { OperationSpec, ProviderSpec } from './types';

export interface FieldDescriptor extends FieldMeta {
  name: string;
}

/** The fields of an operation in declaration order, for wrappers to map to their own forms. */
export function describeFields(op: OperationSpec): FieldDescriptor[] {
  return Object.entries(op.fields).map(([name, f]) => ({ name, ...f.meta }));
}

export function requiredFields(op: OperationSpec): string[] {
  return describeFields(op)
    .filter((f) => f.required)
    .map((f) => f.name);
}

/**
 * What `client.call` returns for an operation's sample response: a provider's envelope
 * (Aila's `{success, data, meta}`) unwrapped for single objects, lists and binaries as sent.
 * Wrappers use it as Zapier's `sample` and n8n's example output, so that samples match
 * live results without each wrapper repeating the envelope rule.
 */
export function sampleOutput(spec: ProviderSpec, op: OperationSpec): unknown {
  const sample = op.sample;
  if (!spec.envelope || op.list || op.responseType !== 'json') return sample;
  const data = getPath(sample, spec.envelope.dataPath);
  return data === undefined ? sample : data;
}

/** The items of a list operation's sample (what `client.list` yields), or [] for other operations. */
export function sampleItems(op: OperationSpec): unknown[] {
  if (!op.list) return [];
  const items = getPath(op.sample, op.list.itemsPath);
  return Array.isArray(items) ? items : [];
}

/**
 * How an operation appears in Zapier when its spec says nothing: reads are searches,
 * writes are creates, polling composites are left out (Zapier's 30 s limit).
 */
export function zapierKind(op: OperationSpec): 'create' | 'search' | 'none' {
  if (op.surfaces.zapier) return op.surfaces.zapier;
  if (op.poll) return 'none';
  return op.method === 'GET' ? 'search' : 'create';
}

/**
 * How an operation appears in Make when its spec says nothing: lists are search modules (one
 * bundle per item, paged by Make), every other call an action; polling composites are left
 * out, because a Make module is one request (or a page chain), never a wait loop.
 */
export function makeKind(op: OperationSpec): 'action' | 'search' | 'none' {
  if (op.surfaces.make) return op.surfaces.make;
  if (op.poll) return 'none';
  return op.list ? 'search' : 'action';
}
