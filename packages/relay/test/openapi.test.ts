import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { providers, type ProviderSpec } from '@callbridge/core';
import type { FastifyInstance, RouteOptions } from 'fastify';
import pino from 'pino';
import { z } from 'zod';
import { loadRelayConfig } from '../src';
import { buildApp } from '../src/http/app';
import { authDeps } from './support/app-deps';
import { EventBus } from '../src/ingest/event-bus';
import { RelayMetrics } from '../src/metrics';
import { StorageHealth } from '../src/storage/health-monitor';
import type { RelayStorage } from '../src/storage/types';
import { api, get, postHook, startReceiver, startTestRelay, TOKEN, vyoraEvent, type TestRelay } from './support/harness';

type Json = Record<string, unknown>;
type Operation = { summary?: string; description?: string; tags?: string[]; security?: unknown; parameters?: Json[]; requestBody?: Json; responses: Record<string, Json> };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const specs = Object.values(providers as Partial<Record<string, ProviderSpec>>).filter((s): s is ProviderSpec => Boolean(s));

/**
 * The app alone (no storage), to see every route fastify registers, served by a plain
 * server that hands every request to fastify's router: unlike the relay's own front, it
 * does not take /hooks away first.
 */
async function appWithRoutes(): Promise<{ app: FastifyInstance; routes: RouteOptions[]; hookCalls: string[]; url: string; server: http.Server }> {
  const hookCalls: string[] = [];
  const config = loadRelayConfig({ RELAY_API_TOKEN: TOKEN });
  const storage = { kind: 'stub' } as unknown as RelayStorage;
  const logger = pino({ level: 'silent' });
  const app = buildApp({
    config,
    storage,
    health: new StorageHealth(storage, { logger, clock: { now: () => Date.now() } }),
    ...authDeps(storage, config, TOKEN),
    metrics: new RelayMetrics(),
    logger,
    clock: { now: () => Date.now() },
    bus: new EventBus(),
    hookHandler: (req, res) => {
      hookCalls.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true,"id":"evt_from_the_hook_handler"}');
    },
    inFlightDeliveries: () => 0,
    isClosing: () => false,
  });
  const routes: RouteOptions[] = [];
  // Plugins load at ready(), after this hook exists, so it sees every route.
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  await app.ready();
  const server = http.createServer((req, res) => app.routing(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { app, routes, hookCalls, url, server };
}

function operations(doc: Json): Array<{ key: string; path: string; method: string; op: Operation }> {
  const out: Array<{ key: string; path: string; method: string; op: Operation }> = [];
  for (const [path, item] of Object.entries(doc['paths'] as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (op) out.push({ key: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, path, method, op });
    }
  }
  return out;
}

function jsonBody(op: Operation): Json {
  return get(op.requestBody, 'content.application/json.schema') as Json;
}

function param(op: Operation, where: string, name: string): Json | undefined {
  return op.parameters?.find((p) => p['in'] === where && p['name'] === name);
}

function refsIn(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, into));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') into.add(v);
      else refsIn(v, into);
    }
  }
  return into;
}

describe('/openapi.json, generated from the schemas the routes validate with', () => {
  let app: FastifyInstance;
  let server: http.Server;
  let url: string;
  let routes: RouteOptions[];
  let hookCalls: string[];
  let doc: Json;
  let ops: ReturnType<typeof operations>;

  beforeAll(async () => {
    ({ app, routes, hookCalls, url, server } = await appWithRoutes());
    const res = await fetch(`${url}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Json;
    ops = operations(doc);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await app.close();
  });

  test('documents exactly the routes fastify serves (the reference pages aside), each with tags, a summary and answers', () => {
    const served = routes
      .filter((r) => r.method !== 'HEAD' && (r.schema as { hide?: boolean } | undefined)?.hide !== true)
      .flatMap((r) => [r.method].flat().map((m) => `${m} ${r.url}`));
    expect(served.length).toBeGreaterThan(40);
    expect(ops.map((o) => o.key).sort()).toEqual([...new Set(served)].sort());
    for (const { key, op } of ops) {
      expect([key, op.summary]).toEqual([key, expect.any(String)]);
      expect([key, op.tags?.length]).toEqual([key, 1]);
      expect([key, Object.keys(op.responses).length > 0]).toEqual([key, true]);
    }
    expect(get(doc, 'openapi')).toBe('3.1.0');
    for (const p of ['/hooks/{provider}', '/v1/subscriptions', '/v1/subscriptions/{id}', '/v1/events', '/v1/events/{id}', '/v1/events/{id}/replay', '/v1/deliveries', '/v1/deliveries/replay', '/v1/deliveries/{id}/replay', '/healthz', '/metrics', '/openapi.json']) {
      expect(Object.keys(doc['paths'] as Json)).toContain(p);
    }
  });

  test('every /v1 operation needs the bearer token and says what 401 and 429 answer; the open routes need none', () => {
    for (const { key, path, op } of ops) {
      if (path.startsWith('/v1/')) {
        expect([key, op.security]).toEqual([key, [{ bearer: [] }]]);
        expect([key, Object.keys(op.responses)]).toEqual([key, expect.arrayContaining(['401', '429'])]);
      } else {
        expect([key, op.security]).toEqual([key, undefined]);
      }
    }
    expect(get(doc, 'components.securitySchemes.bearer')).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  test('request schemas carry the rules the routes enforce', () => {
    const byKey = new Map(ops.map((o) => [o.key, o.op]));
    const create = jsonBody(byKey.get('POST /v1/subscriptions') as Operation);
    expect(Object.keys(get(create, 'properties') as Json)).toEqual(['target_url', 'events', 'headers', 'description', 'filter', 'rate_limit_per_second', 'sources']);
    expect(get(create, 'required')).toEqual(['target_url']);
    expect(get(create, 'additionalProperties')).toBe(false);
    expect(get(create, 'properties.events')).toMatchObject({ type: 'array', minItems: 1, maxItems: 100, default: ['*'] });
    expect(get(create, 'properties.target_url')).toMatchObject({ type: 'string', maxLength: 2048, format: 'uri' });
    expect(get(byKey.get('POST /v1/subscriptions') as Operation, 'requestBody.required')).toBe(true);

    const events = byKey.get('GET /v1/events') as Operation;
    expect(events.parameters?.map((p) => p['name']).sort()).toEqual(['cursor', 'limit', 'provider', 'source', 'type']);
    expect(param(events, 'query', 'limit')?.['schema']).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 25 });
    expect(param(byKey.get('GET /v1/subscriptions') as Operation, 'query', 'limit')?.['schema']).toMatchObject({ maximum: 500, default: 100 });
    expect(get(param(byKey.get('GET /v1/deliveries') as Operation, 'query', 'state'), 'schema.enum')).toEqual(['pending', 'succeeded', 'dead', 'cancelled']);

    const bulk = byKey.get('POST /v1/deliveries/replay') as Operation;
    expect(get(bulk, 'requestBody.required')).toBe(false);
    expect(get(jsonBody(bulk), 'properties.state')).toMatchObject({ enum: ['pending', 'succeeded', 'dead', 'cancelled'], default: 'dead' });
    expect(get(param(byKey.get('POST /v1/deliveries/:id/replay') as Operation, 'path', 'id'), 'schema.pattern')).toBe('^\\d{1,15}$');
    expect(get(byKey.get('POST /v1/events/:id/replay') as Operation, 'requestBody.required')).toBe(false);
    expect(param(byKey.get('GET /v1/events/:id') as Operation, 'path', 'id')).toMatchObject({ required: true });
  });

  test('answers and errors refer to components, every reference resolves, and no component is unused', () => {
    const schemas = get(doc, 'components.schemas') as Json;
    const refs = refsIn(doc, new Set());
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect([ref, schemas[ref.slice('#/components/schemas/'.length)]]).toEqual([ref, expect.any(Object)]);
    }
    for (const name of Object.keys(schemas)) expect(refs).toContain(`#/components/schemas/${name}`);
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['Error', 'Subscription', 'Event', 'Delivery', 'Attempt', 'ReplayResult', 'DeliveryBody', 'ActionError']));
    expect(get(schemas, 'Error.properties.error.required')).toEqual(['code', 'message']);
    // Answers may gain fields later: clients are not told to refuse them.
    expect(get(schemas, 'Subscription.additionalProperties')).toBeUndefined();
    expect(get(doc, 'webhooks.delivery.post.requestBody.content.application/json.schema.$ref')).toBe('#/components/schemas/DeliveryBody');

    const create = ops.find((o) => o.key === 'POST /v1/subscriptions')?.op as Operation;
    expect(get(create.responses['201'], 'content.application/json.schema.$ref')).toBe('#/components/schemas/Subscription');
    expect(get(create.responses['422'], 'content.application/json.schema.$ref')).toBe('#/components/schemas/Error');
    const del = ops.find((o) => o.key === 'DELETE /v1/subscriptions/:id')?.op as Operation;
    expect(del.responses['204']).toEqual({ description: 'Deleted.' });
  });

  test("every core operation has its action path, whose body is the operation's own input schema", () => {
    const ids = new Set<string>();
    let count = 0;
    for (const spec of specs) {
      for (const op of Object.values(spec.operations)) {
        count++;
        const path = `/v1/actions/${spec.id}/${op.name}`;
        const documented = get(doc, `paths`) as Record<string, Json>;
        const post = documented[path]?.['post'] as Operation | undefined;
        expect([path, post]).toEqual([path, expect.any(Object)]);
        const expected = z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any' }) as Json;
        delete expected['$schema'];
        expect([path, jsonBody(post as Operation)]).toEqual([path, expected]);
        expect(get(post, 'requestBody.required')).toBe(!op.input.safeParse({}).success);
        expect(Boolean(param(post as Operation, 'header', 'idempotency-key'))).toBe(op.idempotent);
        ids.add(get(post, 'operationId') as string);
      }
    }
    expect(ids.size).toBe(count);
    const trigger = jsonBody((doc['paths'] as Record<string, Json>)['/v1/actions/vyora/calls.trigger']?.['post'] as Operation);
    expect(get(trigger, 'properties.phone_number.pattern')).toBeDefined();
    expect(get(trigger, 'required')).toEqual(['phone_number']);
  });

  test('POST /hooks/{provider} is described though node:http serves it; a request that reaches fastify goes to the same handler', async () => {
    const hook = ops.find((o) => o.key === 'POST /hooks/:provider')?.op as Operation;
    expect(get(param(hook, 'path', 'provider'), 'schema.enum')).toEqual(specs.filter((s) => s.webhooks).map((s) => s.id));
    expect(hook.description).toContain('x-vyora-signature');
    expect(Object.keys(hook.responses)).toEqual(['200', '400', '401', '404', '413', '415', '503']);
    // The route hands the raw request over before fastify parses it (this body is no JSON).
    const res = await fetch(`${url}/hooks/vyora`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'not even json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, id: 'evt_from_the_hook_handler' });
    expect(hookCalls).toEqual(['POST /hooks/vyora']);
  });
});

describe('/docs: the API reference, served by the relay itself', () => {
  let t: TestRelay;
  beforeAll(async () => {
    t = await startTestRelay();
  });
  afterAll(async () => {
    await t.close();
  });

  test('renders from local assets only, with no token, and shows the same document as /openapi.json', async () => {
    const page = await fetch(`${t.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<div id="swagger-ui">');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThanOrEqual(5);
    for (const asset of assets) expect(asset).toMatch(/^\/docs\/static\//);

    const types: Record<string, RegExp> = { js: /javascript/, css: /text\/css/, png: /image\/png/ };
    for (const asset of assets) {
      const res = await fetch(`${t.url}${asset}`);
      expect([asset, res.status]).toEqual([asset, 200]);
      expect(res.headers.get('content-type')).toMatch(types[asset.split('.').pop() as string] as RegExp);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }

    // The page's initializer points Swagger UI at ./json, relative to /docs/.
    const init = await fetch(`${t.url}/docs/static/swagger-initializer.js`).then((r) => r.text());
    const pointed = /url: resolveUrl\('\.\/(\w+)'\)/.exec(init)?.[1];
    expect(pointed).toBe('json');
    const shown = await fetch(`${t.url}/docs/${pointed}`);
    expect(shown.status).toBe(200);
    const published = await api(t.url, 'GET', '/openapi.json', undefined, { token: null });
    expect(published.status).toBe(200);
    expect(await shown.json()).toEqual(published.body);
    expect(Object.keys(get(published.body, 'paths') as Json)).toContain('/v1/subscriptions');
  });

  test("what the relay answers has the documented components' fields", async () => {
    const doc = (await api(t.url, 'GET', '/openapi.json', undefined, { token: null })).body;
    const fields = (name: string): string[] => Object.keys(get(doc, `components.schemas.${name}.properties`) as Json);
    const created = await api(t.url, 'POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/doc', headers: { 'x-a': 'b' } });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body as Json).sort()).toEqual(fields('Subscription').sort());
    const bad = await api(t.url, 'POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/doc', nope: 1 });
    expect(Object.keys(get(bad.body, 'error') as Json).sort()).toEqual(fields('Error.properties.error').sort());
  });

  test('a real delivery and a test delivery carry exactly the documented DeliveryBody fields', async () => {
    const doc = (await api(t.url, 'GET', '/openapi.json', undefined, { token: null })).body;
    const documented = get(doc, 'components.schemas.DeliveryBody') as { properties: Json; required?: string[] };
    const receiver = await startReceiver();
    try {
      const sub = await api(t.url, 'POST', '/v1/subscriptions', { target_url: `${receiver.url}/doc`, events: ['vyora.*'] });
      expect((await postHook(t.url, 'vyora', vyoraEvent())).status).toBe(200);
      expect((await api(t.url, 'POST', `/v1/subscriptions/${String(get(sub.body, 'id'))}/test`, { type: 'vyora.call_completed' })).status).toBe(202);
      const [real, sample] = (await receiver.waitFor(2)).map((r) => JSON.parse(r.body) as Json).sort((a) => ('test' in a ? 1 : -1));
      expect(Object.keys(real ?? {}).sort()).toEqual([...(documented.required ?? [])].sort());
      expect(Object.keys(sample ?? {}).sort()).toEqual(Object.keys(documented.properties).sort());
      expect([real?.['source'], sample?.['source'], sample?.['test']]).toEqual(['default', 'test', true]);
    } finally {
      await receiver.close();
    }
  });
});
