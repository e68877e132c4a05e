import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { providers, type ProviderSpec } from '@callbridge/core';
import fc from 'fast-check';
import { headerNameProblem, headerValueProblem } from '../src/delivery/subscription-headers';
import { errorCode, fuzzRuns, fuzzTimeout, send, type RawAnswer, type RawRequest } from './support/fuzz';
import { api, postHook, startTestRelay, TOKEN, vyoraEvent, type TestRelay } from './support/harness';

/**
 * Property-based fuzzing of the `/v1` API: subscriptions (bodies of every shape, SSRF forms,
 * header names and values), event and delivery queries, replays, actions, and paths that do
 * not decode. Per request: never a 5xx (no storage or provider failure happens here: the
 * providers' API is a local stub answering 200), a 4xx names its error code, a 400
 * validation_error names each field, and a subscription is created only with headers a
 * delivery can carry.
 *
 * `npm test` runs a bounded number of requests; CALLBRIDGE_FUZZ_RUNS=2000 runs more.
 */
const RUNS = fuzzRuns(300);
const registry = providers as Partial<Record<string, ProviderSpec>>;
const PROVIDERS = Object.keys(registry);
// Polling operations (wait for analysis) wait as long as their input says, up to minutes,
// against a stub that never reports the call done: left out.
const operationsOf = (spec: ProviderSpec | undefined): Array<[string, ProviderSpec['operations'][string]]> =>
  Object.entries(spec?.operations ?? {}).filter(([, o]) => !o.poll);
const OPERATIONS = [...new Set(Object.values(registry).flatMap((s) => operationsOf(s).map(([op]) => op)))];
/** Each operation with an input built from its fields' documented examples: mostly valid. */
const EXAMPLES = Object.values(registry).flatMap((spec) =>
  operationsOf(spec).map(([op, o]) => ({
    provider: spec?.id as string,
    op,
    input: Object.fromEntries(Object.entries(o.fields).flatMap(([k, f]) => (f.meta.example === undefined ? [] : [[k, f.meta.example]]))),
  })),
);

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '%', '%zz', '../', '\u0000', 'é€🏠', '$where', '__proto__', 'constructor'),
);
const anyJson = fc.jsonValue({ maxDepth: 4 });

const targetUrl = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(
    'https://93.184.216.34/hook',
    'http://[2606:4700::1111]:8080/x',
    'http://127.0.0.1/',
    'http://[::127.0.0.1]/',
    'http://[::ffff:0:0:7f00:1]/',
    'http://[64:ff9b:1::7f00:1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://2130706433/',
    'http://localhost:9/',
    'https://nothing-here.invalid/hook',
    'ftp://93.184.216.34/x',
    'https://user:pw@93.184.216.34/',
    'https://93.184.216.34/#frag',
    'javascript:alert(1)',
  ) },
  { weight: 3, arbitrary: fc.ipV4().map((ip) => `http://${ip}/h`) },
  { weight: 2, arbitrary: fc.ipV6().map((ip) => `http://[${ip}]/h`) },
  { weight: 1, arbitrary: text },
  { weight: 1, arbitrary: anyJson },
);

const eventPattern = fc.oneof(
  fc.constantFrom('*', 'vyora.*', 'vyora.call_completed', 'aila.call.completed', 'ayra.anything.goes', 'ayla.*', 'nobody.x', '.x', 'vyora.', 'vyora.call_exploded'),
  text,
  anyJson,
);

const headerName = fc.oneof(
  fc.constantFrom('x-make-apikey', 'authorization', 'content-type', 'Webhook-Signature', 'host', 'bad name', 'x\u00e9', ''),
  fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/),
  text,
);
const headerValue = fc.oneof(fc.constantFrom('café', 'café€', 'a\u0001b', 'a\r\nx: y', 'tab\tok', 'x'.repeat(4097)), text, anyJson);

const validPattern = fc.constantFrom('*', 'vyora.*', 'vyora.call_completed', 'aila.call.completed', 'ayra.anything.goes');
const validHeaders = fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,12}$/), fc.string({ unit: fc.constantFrom(...'abc XYZ09-_=;:/\téÿ'), maxLength: 30 }), { maxKeys: 3 });
const subscriptionBody = fc.oneof(
  {
    // Mostly well formed, so that the target URL and header rules are what decide.
    weight: 4,
    arbitrary: fc.record({
      target_url: targetUrl,
      events: fc.oneof({ weight: 3, arbitrary: fc.array(validPattern, { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: fc.array(eventPattern, { maxLength: 4 }) }, { weight: 1, arbitrary: anyJson }),
      headers: fc.oneof(
        { weight: 3, arbitrary: validHeaders },
        { weight: 3, arbitrary: fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,12}$/), headerValue, { minKeys: 1, maxKeys: 2 }) },
        { weight: 1, arbitrary: fc.dictionary(headerName, headerValue, { maxKeys: 4 }) },
        { weight: 1, arbitrary: anyJson },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      { target_url: targetUrl, events: fc.array(eventPattern, { maxLength: 4 }), headers: fc.dictionary(headerName, headerValue, { maxKeys: 4 }), extra: anyJson },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyJson },
);

const id = fc.oneof(fc.constantFrom('evt_missing', '1', '0', '99999999999999999999', '-1', '%', '%zz', 'a%2Fb', '..'), text.map((s) => encodeURIComponent(s)));
const query = fc
  .array(fc.tuple(fc.constantFrom('provider', 'type', 'limit', 'cursor', 'state', 'subscription_id', 'event_id', 'x'), fc.oneof(text, fc.constantFrom('0', '1', '100', '101', '-5', '1e3', 'vyora', 'dead', 'succeeded'))), { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : ''));

interface ApiCase {
  request: RawRequest;
  /** For a created subscription: the headers it was sent with. */
  sentHeaders?: unknown;
}

const json = (v: unknown): Uint8Array => Buffer.from(JSON.stringify(v) ?? 'null');
const auth = fc.oneof({ weight: 9, arbitrary: fc.constant(`Bearer ${TOKEN}`) }, { weight: 1, arbitrary: fc.constantFrom(undefined, 'Bearer nope', `Basic ${TOKEN}`, 'Bearer') });
const contentType = fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/xml') });

function request(method: string, path: string, body: Uint8Array | null, authorization: string | undefined, ct: string | undefined): RawRequest {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers['authorization'] = authorization;
  if (body !== null && ct !== undefined) headers['content-type'] = ct;
  return { method, path, headers, body: body ?? Buffer.alloc(0) };
}

const caseArb: fc.Arbitrary<ApiCase> = fc.oneof(
  // `extra`, when present, is a field the route does not know: 400 naming it.
  fc.tuple(subscriptionBody, auth, contentType).map(([body, a, ct]): ApiCase => ({
    request: request('POST', '/v1/subscriptions', json(body), a, ct),
    sentHeaders: body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { headers?: unknown }).headers : undefined,
  })),
  fc.tuple(query, auth).map(([q, a]) => ({ request: request('GET', `/v1/events${q}`, null, a, undefined) })),
  fc.tuple(query, auth).map(([q, a]) => ({ request: request('GET', `/v1/deliveries${q}`, null, a, undefined) })),
  fc.tuple(query, auth).map(([q, a]) => ({ request: request('GET', `/v1/subscriptions${q}`, null, a, undefined) })),
  fc.tuple(id, auth).map(([i, a]) => ({ request: request('GET', `/v1/events/${i}`, null, a, undefined) })),
  fc.tuple(id, auth, fc.constantFrom('GET', 'DELETE')).map(([i, a, m]) => ({ request: request(m, `/v1/subscriptions/${i}`, null, a, undefined) })),
  fc.tuple(id, fc.oneof(anyJson, fc.record({ subscription_id: fc.oneof(text, anyJson) })), auth, contentType).map(([i, b, a, ct]) => ({ request: request('POST', `/v1/events/${i}/replay`, json(b), a, ct) })),
  fc.tuple(id, auth).map(([i, a]) => ({ request: request('POST', `/v1/deliveries/${i}/replay`, null, a, undefined) })),
  fc
    .tuple(fc.oneof(anyJson, fc.record({ state: fc.oneof(text, fc.constantFrom('dead', 'pending', 'succeeded', 'cancelled')), provider: text, type: text, event_id: text, subscription_id: text }, { requiredKeys: [] })), auth, contentType)
    .map(([b, a, ct]) => ({ request: request('POST', '/v1/deliveries/replay', json(b), a, ct) })),
  // An operation with its documented example input, perhaps with one field replaced.
  fc
    .tuple(fc.constantFrom(...EXAMPLES), fc.option(fc.tuple(fc.string({ maxLength: 12 }), anyJson)), auth, contentType)
    .map(([e, change, a, ct]) => ({ request: request('POST', `/v1/actions/${e.provider}/${e.op}`, json(change ? { ...e.input, [change[0]]: change[1] } : e.input), a, ct) })),
  fc
    .tuple(fc.oneof(fc.constantFrom(...PROVIDERS), text.map(encodeURIComponent)), fc.oneof(fc.constantFrom(...OPERATIONS), text.map(encodeURIComponent)), fc.oneof(anyJson, fc.dictionary(fc.string({ maxLength: 12 }), anyJson)), auth, contentType)
    .map(([p, o, b, a, ct]) => ({ request: request('POST', `/v1/actions/${p}/${o}`, json(b), a, ct) })),
  fc
    .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), fc.constantFrom('/v1/%', '/v1/%zz', '/v1/subscriptions/%E0%A4%A', '/v1/events/%C0%AF/replay', '/v1', '/v1/', '/v1/nothing', '/%', '/healthz%'), auth)
    .map(([m, p, a]) => ({ request: request(m, p, m === 'GET' || m === 'DELETE' ? null : json({}), a, 'application/json') })),
);

function check(c: ApiCase, a: RawAnswer): void {
  const what = `${c.request.method} ${c.request.path} ${Buffer.from(c.request.body).toString('utf8').slice(0, 300)} -> ${a.status} ${a.text.slice(0, 300)}`;
  if (a.status >= 500) throw new Error(`a 5xx with no storage or provider failure: ${what}`);
  if (a.status >= 400) {
    const code = errorCode(a);
    if (!code || !/^[a-z][a-z0-9_]*$/.test(code)) throw new Error(`a ${a.status} without a named error code: ${what}`);
    if (code === 'validation_error') {
      const details = (a.json as { error: { details?: unknown } }).error.details;
      if (!Array.isArray(details) || details.length === 0 || !details.every((d) => typeof (d as { field?: unknown }).field === 'string')) {
        throw new Error(`a validation error that does not name its fields: ${what}`);
      }
    }
  }
  if (c.request.path === '/v1/subscriptions' && c.request.method === 'POST' && a.status === 201) {
    const sent = c.sentHeaders;
    for (const [name, value] of Object.entries(sent && typeof sent === 'object' ? (sent as Record<string, unknown>) : {})) {
      if (headerNameProblem(name) !== null || headerValueProblem(value) !== null) throw new Error(`a subscription was created with an undeliverable header ${JSON.stringify(name)}: ${what}`);
    }
  }
}

describe('fuzzing the /v1 API', () => {
  let t: TestRelay;
  let stub: http.Server;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  beforeAll(async () => {
    // The providers' API: a stub that answers every call 200 with an empty object.
    stub = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    const env: Record<string, string> = { RELAY_RATE_LIMIT: '0', RELAY_ALLOW_PRIVATE_TARGETS: 'false', RELAY_MAX_BODY_BYTES: '64kb' };
    for (const p of PROVIDERS) {
      env[`${p.toUpperCase()}_API_KEY`] = `${p}_fuzz_key_0123456789`;
      env[`${p.toUpperCase()}_BASE_URL`] = base;
    }
    t = await startTestRelay(env);
    // Something to list, replay and page through.
    for (let i = 0; i < 5; i++) await postHook(t.url, 'vyora', vyoraEvent());
  });
  afterAll(async () => {
    agent.destroy();
    await t.close();
    await new Promise<void>((r) => stub.close(() => r()));
  });

  test(
    `random requests (${RUNS} runs): no 5xx, named 4xx codes and fields, only deliverable subscriptions`,
    async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const answer = await send(t.url, c.request, agent);
          check(c, answer);
          // Keep the subscription list short: what was created is removed again.
          if (answer.status === 201) await api(t.url, 'DELETE', `/v1/subscriptions/${(answer.json as { id: string }).id}`);
        }),
        { numRuns: RUNS },
      );
      expect((await api(t.url, 'GET', '/healthz', undefined, { token: null })).status).toBe(200);
    },
    fuzzTimeout(RUNS, 200, 60_000),
  );
});
