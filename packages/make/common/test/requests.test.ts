import { createClient, describeFields, makeKind, ValidationError, type HttpRequest, type OperationSpec, type ProviderSpec } from '@callbridge/core';
import { authHeader, IDEMPOTENCY_KEY } from '@callbridge/make';
import { component, loadApp, PROVIDERS, type LoadedApp } from './support/app';
import { substituteRequest, type SubstitutedRequest } from './support/narrow-iml';

/**
 * The request check: for each module and core's sample input, the module's communication with
 * `{{parameters.*}}` and `{{connection.*}}` substituted (by the deliberately narrow substitution
 * in support/narrow-iml.ts, which is not Make's IML engine) gives the request core's own client
 * sends: method, URL, query, key and idempotency headers, body. Actions are compared with
 * `client.call`, searches with the first page `client.list` fetches.
 *
 * Not compared: user-agent (Make's own) and content-type (Make sets it from the request type).
 */

const API_KEY = 'test_key_0123456789';
const BASE_URL = 'https://staging.example.test/api';
const IDEMPOTENCY = 'idem-7f3a9c';

/** Core's examples, as a user fills the form: every field, or only the required ones. */
function sampleInput(op: OperationSpec, requiredOnly: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of describeFields(op)) {
    if (f.example === undefined || (requiredOnly && !f.required)) continue;
    out[f.name] = f.example;
  }
  return out;
}

/** Core's value as the Make form holds it: a key/value object is a list of pairs there. */
function asMakeParameters(op: OperationSpec, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    const kind = op.fields[name]?.meta.kind;
    out[name] = kind === 'key_value' ? Object.entries(value as object).map(([key, v]) => ({ key, value: v })) : value;
  }
  return out;
}

/** The first request core's client sends for this operation, captured at the transport. */
async function coreRequest(spec: ProviderSpec, op: OperationSpec, input: Record<string, unknown>): Promise<HttpRequest> {
  const sent: HttpRequest[] = [];
  const client = createClient(spec, {
    apiKey: API_KEY,
    baseUrl: BASE_URL,
    rateLimit: false,
    transport: async (req) => {
      sent.push(req);
      return { status: 200, headers: {}, body: op.sample ?? {} };
    },
  });
  if (makeKind(op) === 'search') {
    for await (const item of client.list(op.name, input)) {
      void item;
      break;
    }
  } else {
    await client.call(op.name, input, { idempotencyKey: IDEMPOTENCY });
  }
  const first = sent[0];
  if (!first) throw new Error(`${op.name}: core sent nothing`);
  return first;
}

interface Comparable {
  method: string;
  url: string;
  query: string[];
  headers: Record<string, string | undefined>;
  body: unknown;
}

function comparable(spec: ProviderSpec, req: { method: string; url: string; query: Array<[string, string]>; headers: Record<string, string>; body: unknown }): Comparable {
  const key = authHeader(spec);
  return {
    method: req.method,
    url: req.url,
    query: req.query.map(([k, v]) => `${k}=${v}`).sort(),
    headers: { [key]: req.headers[key], accept: req.headers['accept'], 'idempotency-key': req.headers['idempotency-key'] },
    body: req.body,
  };
}

function fromCore(spec: ProviderSpec, req: HttpRequest): Comparable {
  const url = new URL(req.url);
  const query = [...url.searchParams.entries()];
  return comparable(spec, { method: req.method, url: `${url.origin}${url.pathname}`, query, headers: req.headers, body: req.body });
}

function fromMake(spec: ProviderSpec, req: SubstitutedRequest): Comparable {
  return comparable(spec, req);
}

const cases = PROVIDERS.flatMap((id) => {
  const app = loadApp(id);
  return Object.values(app.spec.operations)
    .filter((op) => makeKind(op) !== 'none')
    .flatMap((op) => [
      [`${id} ${op.name} (every field)`, app, op, false] as const,
      [`${id} ${op.name} (required fields only)`, app, op, true] as const,
    ]);
});

function moduleOf(app: LoadedApp, op: OperationSpec): { communication: Record<string, unknown> } {
  const name = op.name.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
  return component(app, 'module', name).code as { communication: Record<string, unknown> };
}

describe('module requests match core\'s request builder', () => {
  it.each(cases)('%s', async (_name, app, op, requiredOnly) => {
    const input = sampleInput(op, requiredOnly);
    let expected: HttpRequest;
    try {
      expected = await coreRequest(app.spec, op, input);
    } catch (e) {
      // An input core refuses (an update that changes nothing) is no request at all: there is nothing to compare.
      if (requiredOnly && e instanceof ValidationError) return;
      throw e;
    }
    const parameters = { ...asMakeParameters(op, input), ...(op.idempotent ? { [IDEMPOTENCY_KEY]: IDEMPOTENCY } : {}) };
    const made = substituteRequest(moduleOf(app, op).communication, { parameters, connection: { api_key: API_KEY, base_url: BASE_URL } }, app.base);
    expect(fromMake(app.spec, made)).toEqual(fromCore(app.spec, expected));
  });

  it('the connection test sends core\'s test operation with the key', async () => {
    for (const id of PROVIDERS) {
      const app = loadApp(id);
      const op = app.spec.operations[app.spec.testOperation] as OperationSpec;
      const sent: HttpRequest[] = [];
      await createClient(app.spec, {
        apiKey: API_KEY,
        baseUrl: BASE_URL,
        rateLimit: false,
        transport: async (req) => {
          sent.push(req);
          return { status: 200, headers: {}, body: op.sample ?? {} };
        },
      }).call(op.name, {});
      const requests = component(app, 'connection', 'api-key').code['communication'] as Array<Record<string, unknown>>;
      const made = substituteRequest(requests[0] as Record<string, unknown>, { parameters: { api_key: API_KEY, base_url: BASE_URL } });
      expect(fromMake(app.spec, made)).toEqual(fromCore(app.spec, sent[0] as HttpRequest));
    }
  });

  it('the check can fail: a module that drops a field or sends it elsewhere differs from core', async () => {
    const app = loadApp('vyora');
    const op = app.spec.operations['calls.trigger'] as OperationSpec;
    const input = sampleInput(op, false);
    const expected = fromCore(app.spec, await coreRequest(app.spec, op, input));
    const communication = structuredClone(moduleOf(app, op).communication) as { body: Record<string, unknown>; qs?: Record<string, unknown> };
    const scope = { parameters: { ...asMakeParameters(op, input), [IDEMPOTENCY_KEY]: IDEMPOTENCY }, connection: { api_key: API_KEY, base_url: BASE_URL } };
    const phone = communication.body['phone_number'];
    delete communication.body['phone_number'];
    expect(fromMake(app.spec, substituteRequest(communication, scope, app.base))).not.toEqual(expected);
    communication.body['phone_number'] = phone;
    expect(fromMake(app.spec, substituteRequest(communication, scope, app.base))).toEqual(expected);
    delete communication.body['agent_name'];
    communication.qs = { agent_name: '{{parameters.agent_name}}' };
    expect(fromMake(app.spec, substituteRequest(communication, scope, app.base))).not.toEqual(expected);
  });
});
