import { defineTrigger, type Bundle, type Trigger, type ZObject } from 'zapier-platform-core';
import { sampleItem } from '../actions';
import { clientFor } from '../client';
import { getPath, type OperationSpec, type PaginationSpec, type ProviderSpec } from '../core';
import { zapierErrors } from '../errors';
import { coreInput } from '../input-data';
import { inputFieldsFor } from '../input-fields';
import { nounOf, operationKey } from '../names';
import { isItem, newestFirstUnique, outputFieldsFrom, withId, type Item } from '../output';
import { fieldRefs, pollingLabel, pollingOperations } from '../plan';

/**
 * "New …" polling triggers over core's list operations. Each poll reads one full page,
 * asked newest first where the API can sort, returns it newest first and each id once;
 * Zapier remembers the ids it has seen and triggers on the rest. The same trigger fills
 * the dynamic dropdowns of ID fields, a page per "load more".
 */

/** Paging and ordering are the trigger's business; date ranges would freeze it in time. */
function pollingOmits(op: OperationSpec, p: PaginationSpec): Set<string> {
  const omit = new Set<string>(['sort_by', 'sort_order']);
  if (p.style === 'page') omit.add(p.pageParam).add(p.sizeParam);
  if (p.style === 'offset') omit.add(p.limitParam).add(p.offsetParam);
  if (p.style === 'cursor') omit.add(p.cursorParam).add(p.sizeParam);
  for (const [name, f] of Object.entries(op.fields)) if (f.meta.kind === 'datetime') omit.add(name);
  return omit;
}

function hasChoice(op: OperationSpec, field: string, value: string): boolean {
  return op.fields[field]?.meta.choices?.includes(value) ?? false;
}

/** The request for one poll: the largest page the provider allows, at `page` (0-based) for a dropdown. */
export function pollInput(spec: ProviderSpec, op: OperationSpec, filters: Record<string, unknown>, page: number): Record<string, unknown> {
  const p = spec.pagination;
  const input: Record<string, unknown> = { ...filters };
  if (p.style === 'page') {
    if (p.sizeParam in op.fields) input[p.sizeParam] = p.maxSize;
    if (p.pageParam in op.fields) input[p.pageParam] = page + 1;
  } else if (p.style === 'offset') {
    if (p.limitParam in op.fields) input[p.limitParam] = p.maxSize;
    if (p.offsetParam in op.fields) input[p.offsetParam] = page * p.maxSize;
  } else if (p.style === 'cursor' && p.sizeParam in op.fields) {
    input[p.sizeParam] = p.maxSize;
  }
  // Newest first where the API sorts (Ayra's agents); elsewhere the items' own timestamps decide.
  if (hasChoice(op, 'sort_by', 'created_at') && hasChoice(op, 'sort_order', 'desc')) {
    input['sort_by'] = 'created_at';
    input['sort_order'] = 'desc';
  }
  return input;
}

export function buildPollingTrigger(spec: ProviderSpec, op: OperationSpec): Trigger {
  const omit = pollingOmits(op, spec.pagination);
  const sample = sampleItem(spec, op);
  const itemsPath = (op.list as NonNullable<OperationSpec['list']>).itemsPath;
  // Zapier's types want string ids; every item has an id (withId), and numeric ones are kept as the API sent them.
  const perform = (z: ZObject, bundle: Bundle): Promise<Array<Item & { id: string }>> =>
    zapierErrors(z, spec, op, async () => {
      const filters = coreInput(spec.id, op, bundle.inputData);
      for (const name of omit) delete filters[name];
      const page = bundle.meta?.isFillingDynamicDropdown ? Math.max(0, Number(bundle.meta.page) || 0) : 0;
      const body = await clientFor(spec, z, bundle).call(op.name, pollInput(spec, op, filters, page));
      const raw = getPath(body, itemsPath);
      const items = (Array.isArray(raw) ? raw : []).filter(isItem).map(withId);
      // A dropdown lists in the API's order; a trigger wants the newest first.
      return (bundle.meta?.isFillingDynamicDropdown ? items : newestFirstUnique(items)) as Array<Item & { id: string }>;
    });
  const noun = nounOf(op.resource);
  return defineTrigger({
    key: operationKey(op.name),
    noun,
    display: {
      label: pollingLabel(op),
      description: `Triggers when a new ${noun.toLowerCase()} appears in ${spec.name}.`,
    },
    operation: {
      type: 'polling',
      inputFields: inputFieldsFor(op, fieldRefs(spec), omit),
      perform,
      sample,
      outputFields: outputFieldsFrom(sample),
    },
  });
}

export function buildPollingTriggers(spec: ProviderSpec): Record<string, Trigger> {
  return Object.fromEntries(pollingOperations(spec).map((op) => [operationKey(op.name), buildPollingTrigger(spec, op)]));
}
