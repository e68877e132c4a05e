import { describeFields, makeKind, sampleItems, sampleOutput, type FieldDescriptor, type OperationSpec, type PaginationSpec, type ProviderSpec } from '@callbridge/core';
import { interfaceOf, samplesOf } from './interface';
import { bodyPath, iml, str } from './iml';
import { makeParameter, PAIR_KEY, PAIR_VALUE } from './parameters';
import type { Json, MakeParameter, Request } from './schemas';

/**
 * One Make module per core operation marked for Make: its communication (method, path, query,
 * body from core's field locations), its mappable parameters (core's fields), its output
 * interface and sample (core's sample). Lists become search modules that Make pages through.
 */

/** Make's own "Limit" of search modules: how many bundles at most. Named so it cannot clash with core's `limit`. */
export const MAX_RESULTS = 'max_results';
/** The optional key a creating request can carry, so that a re-run scenario does not create twice. */
export const IDEMPOTENCY_KEY = 'idempotency_key';

/** A field's value as IML: the parameter itself when required; left out of the request when empty. */
function valueOf(f: FieldDescriptor): string {
  const p = `parameters.${f.name}`;
  let expr = p;
  if (f.kind === 'key_value') expr = `toCollection(${p}; ${str(PAIR_KEY)}; ${str(PAIR_VALUE)})`;
  if (f.in === 'query' && (f.kind === 'string_list' || f.kind === 'enum_list')) {
    if (f.queryFormat === 'repeat') throw new Error(`${f.name}: repeated query keys are not supported in Make modules yet`);
    expr = `join(${p}; ",")`;
  }
  if (f.required) return iml(expr);
  return expr === p ? iml(`ifempty(${p}; undefined)`) : iml(`if(${p}; ${expr}; undefined)`);
}

/** Paging: Make's first request and its `pagination` directive, read from core's pagination spec. */
interface Paging {
  qs: Record<string, string | number>;
  pagination?: NonNullable<Request['pagination']>;
}

/**
 * How a list is paged. `size` and `start` are the IML of the page size and the first page or
 * offset; core's list sends its maximum page size when none is given (fewest requests), and so
 * does the module. Make numbers pagination requests from 2 (`pagination.page`).
 */
export function paging(p: PaginationSpec, itemsPath: string, size: string, start: string): Paging {
  // A fixed number (an RPC's page) is written as a number, an expression as IML.
  const first = (expr: string): string | number => (/^\d+$/.test(expr) ? Number(expr) : iml(expr));
  if (p.style === 'page') {
    const condition = p.nextLinkPath ? iml(bodyPath(p.nextLinkPath)) : iml(`length(${bodyPath(itemsPath)}) = ${size}`);
    return {
      qs: { [p.pageParam]: first(start), [p.sizeParam]: first(size) },
      pagination: { qs: { [p.pageParam]: iml(`${start} + pagination.page - 1`) }, condition },
    };
  }
  if (p.style === 'offset') {
    return {
      qs: { [p.limitParam]: first(size), [p.offsetParam]: first(start) },
      pagination: {
        qs: { [p.offsetParam]: iml(`${start} + (pagination.page - 1) * ${size}`) },
        // A full page may have more behind it; a short one is the last.
        condition: iml(`length(${bodyPath(itemsPath)}) = ${size}`),
      },
    };
  }
  if (p.style === 'cursor') throw new Error('cursor pagination is not supported in Make modules yet');
  return { qs: {} };
}

function pagingParams(p: PaginationSpec): { size?: string; start?: string } {
  if (p.style === 'page') return { size: p.sizeParam, start: p.pageParam };
  if (p.style === 'offset') return { size: p.limitParam, start: p.offsetParam };
  return {};
}

function moduleRequest(spec: ProviderSpec, op: OperationSpec): Request {
  if (op.bodyType !== 'json') throw new Error(`${spec.id} ${op.name}: ${op.bodyType} bodies are not supported in Make modules yet`);
  if (op.responseType !== 'json') throw new Error(`${spec.id} ${op.name}: ${op.responseType} responses are not supported in Make modules yet`);
  const fields = describeFields(op);
  const url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => `{{parameters.${name}}}`);
  const qs: Record<string, string | number> = {};
  const body: Record<string, Json> = {};
  const search = makeKind(op) === 'search' && op.list;
  const pagingFields = search ? pagingParams(spec.pagination) : {};
  for (const f of fields) {
    if (f.in === 'path' || f.name === pagingFields.size || f.name === pagingFields.start) continue;
    if (f.in === 'query') qs[f.name] = valueOf(f);
    else body[f.name] = valueOf(f);
  }
  const writes = op.method === 'POST' || op.method === 'PUT' || op.method === 'PATCH';
  const headers = op.idempotent ? { 'idempotency-key': iml(`ifempty(parameters.${IDEMPOTENCY_KEY}; undefined)`) } : undefined;
  const base: Request = {
    url,
    method: op.method,
    ...(headers ? { headers } : {}),
  };

  if (search && op.list) {
    const p = spec.pagination;
    const names = pagingParams(p);
    const size = names.size ? `ifempty(parameters.${names.size}; ${p.style === 'none' ? 0 : p.maxSize})` : '';
    const start = names.start ? `ifempty(parameters.${names.start}; ${p.style === 'page' ? 1 : 0})` : '';
    const pg = paging(p, op.list.itemsPath, size, start);
    return {
      ...base,
      qs: { ...qs, ...pg.qs },
      response: { iterate: iml(bodyPath(op.list.itemsPath)), output: '{{item}}', limit: iml(`ifempty(parameters.${MAX_RESULTS}; 10)`) },
      ...(pg.pagination ? { pagination: pg.pagination } : {}),
    };
  }
  // Aila wraps single results as {success, data, meta}: the module outputs `data`, as core's client returns it.
  const output = spec.envelope && !op.list ? iml(bodyPath(spec.envelope.dataPath)) : '{{body}}';
  return {
    ...base,
    ...(Object.keys(qs).length > 0 ? { qs } : {}),
    ...(writes || Object.keys(body).length > 0 ? { body } : {}),
    response: { output },
  };
}

function mappable(spec: ProviderSpec, op: OperationSpec): MakeParameter[] {
  const params = describeFields(op).map(makeParameter);
  if (makeKind(op) === 'search') {
    params.push({
      name: MAX_RESULTS,
      type: 'uinteger',
      label: 'Limit',
      help: `The most ${op.resource} this module returns (bundles), across as many pages as it takes. Default: 10.`,
      required: false,
    });
  }
  if (op.idempotent) {
    params.push({
      name: IDEMPOTENCY_KEY,
      type: 'text',
      label: 'Idempotency Key',
      help: `Map a value unique to this record (e.g. the triggering bundle's ID) so that running the scenario again does not ${op.action} twice in ${spec.name}. Left empty, no key is sent.`,
      required: false,
      advanced: true,
    });
  }
  return params;
}

export interface ModuleCode {
  name: string;
  label: string;
  description: string;
  moduleType: 'action' | 'search';
  crud: 'create' | 'read' | 'update' | 'delete' | null;
  communication: Request;
  mappableParams: MakeParameter[];
  interface: MakeParameter[];
  samples: Record<string, Json>;
}

function crudOf(op: OperationSpec): ModuleCode['crud'] {
  if (op.method === 'GET') return 'read';
  if (op.method === 'DELETE') return 'delete';
  if (op.method === 'PATCH' || op.method === 'PUT') return 'update';
  return op.idempotent ? 'create' : null;
}

export function buildModule(spec: ProviderSpec, op: OperationSpec, name: string, label: string): ModuleCode {
  const kind = makeKind(op);
  if (kind === 'none') throw new Error(`${spec.id} ${op.name} is not marked for Make`);
  const sample = kind === 'search' ? sampleItems(op)[0] : sampleOutput(spec, op);
  return {
    name,
    label,
    description: op.description,
    moduleType: kind,
    crud: kind === 'search' ? null : crudOf(op),
    communication: moduleRequest(spec, op),
    mappableParams: mappable(spec, op),
    interface: interfaceOf(sample),
    samples: samplesOf(sample),
  };
}
