import { zapierKind, type OperationSpec, type ProviderSpec } from './core';
import type { FieldRefs } from './input-fields';
import { nounOf, operationKey, summaryLabel } from './names';

/**
 * Which of a provider's operations become which Zapier steps, and what they are called.
 * Everything is read from core's spec: `surfaces.zapier` (or the kind it implies) decides
 * create, search or nothing; list operations also become "New …" polling triggers.
 */

export function operationsOf(spec: ProviderSpec): OperationSpec[] {
  return Object.values(spec.operations);
}

export function createOperations(spec: ProviderSpec): OperationSpec[] {
  return operationsOf(spec).filter((op) => zapierKind(op) === 'create');
}

export function searchOperations(spec: ProviderSpec): OperationSpec[] {
  return operationsOf(spec).filter((op) => zapierKind(op) === 'search');
}

/** List operations of records that appear over time: each becomes a "New …" polling trigger. */
export function pollingOperations(spec: ProviderSpec): OperationSpec[] {
  return operationsOf(spec).filter((op) => op.list !== undefined && op.action === 'list' && zapierKind(op) !== 'none');
}

/** A composite that polls `op` until done and is kept out of Zapier on its own (Vyora's wait for analysis). */
export function waitingOperationFor(spec: ProviderSpec, op: OperationSpec): OperationSpec | undefined {
  return operationsOf(spec).find((p) => p.poll?.operation === op.name && zapierKind(p) === 'none');
}

function requiredPathFields(op: OperationSpec): string[] {
  return Object.entries(op.fields)
    .filter(([, f]) => f.meta.in === 'path' && f.meta.required)
    .map(([name]) => name);
}

/**
 * A search's label: a list is "Find Contact"; a lookup by ID is "Find Contact" too, or "Find
 * Contact by ID" beside a list search of the same records; anything else is its summary.
 */
export function searchLabel(spec: ProviderSpec, op: OperationSpec): string {
  const noun = nounOf(op.resource);
  if (op.action === 'list') return `Find ${noun}`;
  if (op.action === 'get' && requiredPathFields(op).length > 0) {
    const hasListSearch = searchOperations(spec).some((o) => o.resource === op.resource && o.action === 'list');
    return hasListSearch ? `Find ${noun} by ID` : `Find ${noun}`;
  }
  return summaryLabel(op.summary);
}

export function createLabel(op: OperationSpec): string {
  return summaryLabel(op.summary);
}

export function pollingLabel(op: OperationSpec): string {
  return `New ${nounOf(op.resource)}`;
}

/** The first required path field: what an update is addressed by (`contact_id`). */
export function addressField(op: OperationSpec): string | undefined {
  return requiredPathFields(op)[0];
}

/** Dropdowns and search hints point at the app's own triggers and searches. */
export function fieldRefs(spec: ProviderSpec): FieldRefs {
  const triggers = new Set(pollingOperations(spec).map((op) => op.name));
  const searches = new Set(searchOperations(spec).map((op) => op.name));
  return {
    triggerFor: (name) => (triggers.has(name) ? operationKey(name) : undefined),
    searchFor: (name) => (searches.has(name) ? operationKey(name) : undefined),
  };
}
