import type { FieldMap, OperationSpec } from '../spec/types';

export interface BuiltRequest {
  path: string;
  query: Array<[string, string]>;
  body?: Record<string, unknown>;
}

function scalar(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/**
 * Splits validated input into path, query and body as the operation's fields say.
 * Fields a passthrough operation does not know go where its other fields go: the
 * query for reads, the body for writes.
 */
export function buildRequest(op: OperationSpec<FieldMap>, input: Record<string, unknown>): BuiltRequest {
  const query: Array<[string, string]> = [];
  const body: Record<string, unknown> = {};
  let hasBody = false;
  const pollOnly = new Set(op.poll ? [op.poll.intervalField, op.poll.timeoutField] : []);

  const path = op.path.replace(/\{([^}]+)\}/g, (_, key: string) => encodeURIComponent(scalar(input[key])));

  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || pollOnly.has(key)) continue;
    const meta = op.fields[key]?.meta;
    const where = meta?.in ?? (op.method === 'GET' || op.method === 'DELETE' ? 'query' : 'body');
    if (where === 'path') continue;
    if (where === 'query') {
      if (Array.isArray(value)) {
        if (meta?.queryFormat === 'repeat') for (const v of value) query.push([key, scalar(v)]);
        else query.push([key, value.map(scalar).join(',')]);
      } else {
        query.push([key, scalar(value)]);
      }
    } else {
      body[key] = value;
      hasBody = true;
    }
  }
  const writes = op.method === 'POST' || op.method === 'PUT' || op.method === 'PATCH';
  return { path, query, ...(hasBody || writes ? { body } : {}) };
}

export function joinUrl(baseUrl: string, path: string, query: Array<[string, string]>): string {
  const base = baseUrl.replace(/\/+$/, '');
  const qs = new URLSearchParams(query).toString();
  return `${base}${path}${qs ? `?${qs}` : ''}`;
}
