import type { FieldMeta } from './fields';
import type { OperationSpec } from './types';

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
