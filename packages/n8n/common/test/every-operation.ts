import nock from 'nock';
import type { INodeType } from 'n8n-workflow';
import { sampleItems, sampleOutput, type FieldDescriptor, type OperationSpec, type ProviderSpec } from '@callbridge/core';
import { layoutOperation, nodeOperations, pagingFields, type LayoutOptions } from '../src/layout';
import { runExecute, type Credentials } from './contexts';
import type { Parameters } from './parameters';

/**
 * Drives every operation a provider's node offers through execute, with each field set to
 * the example core documents for it: the request must go to the operation's method and
 * path with the fields in the places core's metadata names (path, query or body), and the
 * node must output what core's client makes of the documented sample response.
 */

/** A field's example as the n8n form holds it (pairs, JSON text, multi-value lists). */
function formValue(f: FieldDescriptor): unknown {
  const ex = f.example;
  switch (f.kind) {
    case 'key_value':
      return { pairs: Object.entries(ex as Record<string, unknown>).map(([name, value]) => ({ name, value })) };
    case 'json':
    case 'object_list':
      return JSON.stringify(ex);
    default:
      return ex;
  }
}

function exampled(fields: FieldDescriptor[]): FieldDescriptor[] {
  return fields.filter((f) => f.example !== undefined);
}

export interface OperationCase {
  op: OperationSpec;
  parameters: Parameters;
  /** The fields sent and where. */
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
  expected: unknown[];
}

function scalar(v: unknown): string {
  return Array.isArray(v) ? v.map(String).join(',') : String(v);
}

export function operationCase(spec: ProviderSpec, op: OperationSpec, options: LayoutOptions): OperationCase {
  const layout = layoutOperation(spec, op, options);
  const parameters: Parameters = { resource: op.resource, operation: op.action };
  const sent: FieldDescriptor[] = [];
  for (const f of layout.topLevel) {
    if (f.example === undefined) throw new Error(`${op.name}.${f.name} has no example to test with`);
    parameters[f.name] = formValue(f);
    sent.push(f);
  }
  if (layout.collection) {
    const values: Record<string, unknown> = {};
    for (const f of exampled(layout.collection.fields)) {
      values[f.name] = formValue(f);
      sent.push(f);
    }
    parameters[layout.collection.name] = values;
  }
  if (layout.paged) parameters['limit'] = 2;

  const poll = new Set(op.poll ? [op.poll.intervalField, op.poll.timeoutField] : []);
  let path = op.path;
  const query: Record<string, string> = {};
  const body: Record<string, unknown> = {};
  for (const f of sent) {
    if (poll.has(f.name)) continue;
    if (f.in === 'path') path = path.replace(`{${f.name}}`, encodeURIComponent(String(f.example)));
    else if (f.in === 'query') query[f.name] = scalar(f.example);
    else body[f.name] = f.example;
  }
  if (layout.paged) {
    const p = spec.pagination;
    const [first, size] = pagingFields(p);
    // Limit 2: one page of two, from the start.
    if (p.style === 'page' && first && size) Object.assign(query, { [first]: '1', [size]: '2' });
    if (p.style === 'offset' && first && size) Object.assign(query, { [first]: '2', [size]: '0' });
    if (p.style === 'cursor' && size) query[size] = '2';
  }
  const writes = op.method === 'POST' || op.method === 'PUT' || op.method === 'PATCH';
  const expected = layout.paged ? sampleItems(op).slice(0, 2) : [sampleOutput(spec, op)].flat();
  return { op, parameters, path, query, body: writes ? body : undefined, expected };
}

export function describeEveryOperation(
  spec: ProviderSpec,
  node: INodeType,
  credentials: Credentials,
  baseUrl: string,
  options: LayoutOptions = {},
): void {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const cases = nodeOperations(spec).map((op) => operationCase(spec, op, options));

  describe(`every ${spec.name} operation`, () => {
    it('has a case for each core operation the node offers', () => {
      expect(cases.map((c) => c.op.name).sort()).toEqual(Object.keys(spec.operations).sort());
    });

    it.each(cases.map((c) => [c.op.name, c] as const))('%s', async (_name, c) => {
      const scope = nock(base.origin)
        .intercept(`${prefix}${c.path}`, c.op.method, (b: unknown) => {
          expect(b === '' ? undefined : b).toEqual(c.body);
          return true;
        })
        .query((q) => {
          expect(q).toEqual(c.query);
          return true;
        })
        .reply(200, (c.op.sample ?? {}) as nock.Body);
      const out = await runExecute({ node, credentials, parameters: c.parameters });
      expect(scope.isDone()).toBe(true);
      expect(out.map((i) => i.json)).toEqual(c.expected.map((v) => (v !== null && typeof v === 'object' ? v : { success: true })));
      expect(out.every((i) => i.pairedItem !== undefined)).toBe(true);
    });
  });
}

