import { z } from 'zod';
import type { FieldMap, HttpMethod, ListSpec, OperationSpec, PollSpec, ProviderSpec, SurfaceHints } from './types';

export interface OperationInit<F extends FieldMap> {
  summary: string;
  description: string;
  method: HttpMethod;
  path: string;
  fields: F;
  passthrough?: boolean;
  idempotent?: boolean;
  list?: ListSpec;
  poll?: PollSpec;
  bodyType?: 'json' | 'multipart';
  responseType?: 'json' | 'binary';
  sample?: unknown;
  surfaces?: SurfaceHints;
  /**
   * A rule across fields (e.g. "agent_id or agent_name"). Returns the offending field and
   * why, or undefined when the input is fine.
   */
  check?: (input: Record<string, unknown>) => { field: string; message: string } | undefined;
}

/** Builds an operation; `name` is `<resource>.<action>` and both halves are derived from it. */
export function defineOperation<const N extends string, F extends FieldMap>(
  name: N,
  init: OperationInit<F>,
): OperationSpec<F> & { name: N } {
  const dot = name.indexOf('.');
  if (dot < 1 || dot === name.length - 1) throw new Error(`operation name "${name}" must be <resource>.<action>`);
  const resource = name.slice(0, dot);
  const action = name.slice(dot + 1);

  for (const placeholder of init.path.matchAll(/\{([^}]+)\}/g)) {
    const key = placeholder[1] as string;
    const f = init.fields[key];
    if (!f || f.meta.in !== 'path' || !f.meta.required) {
      throw new Error(`${name}: path placeholder {${key}} needs a required field with in: 'path'`);
    }
  }

  const shape = Object.fromEntries(Object.entries(init.fields).map(([k, f]) => [k, f.schema]));
  const base = init.passthrough ? z.looseObject(shape) : z.strictObject(shape);
  const check = init.check;
  const input = check
    ? base.superRefine((value, ctx) => {
        const problem = check(value as Record<string, unknown>);
        if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
      })
    : base;

  return {
    name,
    resource,
    action,
    summary: init.summary,
    description: init.description,
    method: init.method,
    path: init.path,
    fields: init.fields,
    input: input as unknown as OperationSpec<F>['input'],
    passthrough: init.passthrough ?? false,
    idempotent: init.idempotent ?? false,
    ...(init.list ? { list: init.list } : {}),
    ...(init.poll ? { poll: init.poll } : {}),
    bodyType: init.bodyType ?? 'json',
    responseType: init.responseType ?? 'json',
    ...(init.sample !== undefined ? { sample: init.sample } : {}),
    surfaces: init.surfaces ?? {},
  };
}

/**
 * Keys a list of operations by name, keeping each one's literal type so that
 * `client.call('calls.trigger', …)` type-checks its input.
 */
export function operations<const T extends readonly OperationSpec[]>(
  ...ops: T
): { [O in T[number] as O['name']]: O } {
  const out: Record<string, OperationSpec> = {};
  for (const op of ops) {
    if (out[op.name]) throw new Error(`operation ${op.name} defined twice`);
    out[op.name] = op;
  }
  return out as { [O in T[number] as O['name']]: O };
}

export function defineProvider<Ops extends Record<string, OperationSpec>>(spec: ProviderSpec<Ops>): ProviderSpec<Ops> {
  if (!spec.operations[spec.testOperation]) {
    throw new Error(`${spec.id}: testOperation ${spec.testOperation} is not one of its operations`);
  }
  for (const op of Object.values(spec.operations)) {
    if (op.poll && !spec.operations[op.poll.operation]) {
      throw new Error(`${spec.id}: ${op.name} polls unknown operation ${op.poll.operation}`);
    }
  }
  return spec;
}
