import { describeFields, makeKind, type DynamicChoices, type OperationSpec, type ProviderSpec } from '@callbridge/core';
import { bodyPath, iml } from './iml';
import { paging } from './modules';
import { rpcName, titleCase } from './names';
import type { Request } from './schemas';

/**
 * RPCs fill dynamic dropdowns (agents, contacts) from core's list operations: each field's
 * `dynamic` choice names the list operation and which item properties are value and label.
 * One RPC per (operation, value) pair, shared by every field that asks for it.
 */

export interface RpcCode {
  name: string;
  label: string;
  communication: Request;
}

/** Every dynamic choice used by a field of an operation that appears in Make. */
export function dynamicChoices(spec: ProviderSpec): DynamicChoices[] {
  const out = new Map<string, DynamicChoices>();
  for (const op of Object.values(spec.operations)) {
    if (makeKind(op) === 'none') continue;
    const fields = [...describeFields(op), ...describeFields(op).flatMap((f) => Object.entries(f.items ?? {}).map(([name, m]) => ({ name, ...m })))];
    for (const f of fields) {
      if (f.dynamic) out.set(rpcName(f.dynamic.operation, f.dynamic.value), f.dynamic);
    }
  }
  return [...out.values()];
}

export function buildRpc(spec: ProviderSpec, choice: DynamicChoices): RpcCode {
  const op: OperationSpec | undefined = spec.operations[choice.operation];
  if (!op?.list) throw new Error(`${spec.id}: dropdown source ${choice.operation} is not a list operation`);
  const p = spec.pagination;
  // A dropdown pages with the provider's largest page, from the start.
  const size = p.style === 'none' ? '0' : String(p.maxSize);
  const start = p.style === 'page' ? '1' : '0';
  const pg = paging(p, op.list.itemsPath, size, start);
  return {
    name: rpcName(choice.operation, choice.value),
    label: titleCase(`${op.summary} (${choice.value})`),
    communication: {
      url: op.path,
      method: op.method,
      ...(Object.keys(pg.qs).length > 0 ? { qs: pg.qs } : {}),
      response: {
        iterate: iml(bodyPath(op.list.itemsPath)),
        output: { label: iml(`item.${choice.label}`), value: iml(`item.${choice.value}`) },
      },
      ...(pg.pagination ? { pagination: pg.pagination } : {}),
    },
  };
}
