import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import {
  CallbridgeError,
  createClient,
  ValidationError,
  type ClientEvent,
  type ClientOptions,
  type HttpMethod,
  type ProviderClient,
  type ProviderSpec,
} from '@callbridge/core';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures');

/** A shared fixture, parsed: `fixture('ayra', 'agents.list.page1')`. */
export function fixture(provider: string, name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, provider, `${name}.json`), 'utf8')) as unknown;
}

export const IDEMPOTENCY_KEY = 'idem-test-0001';

/** A client with no limiter and no retries, recording what it tells observers. */
export function testClient<P extends ProviderSpec>(
  spec: P,
  apiKey: string,
  extra: ClientOptions = {},
): { client: ProviderClient<P>; events: ClientEvent[] } {
  const events: ClientEvent[] = [];
  const client = createClient(spec, {
    apiKey,
    rateLimit: false,
    retry: { maxAttempts: 1 },
    idempotencyKeyFactory: () => IDEMPOTENCY_KEY,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { client, events };
}

export interface SeenRequest {
  method: string;
  /** Path as sent, still percent-encoded. */
  path: string;
  query: Record<string, string | string[]>;
  /** Parsed JSON body, or undefined when none was sent. */
  body: unknown;
  headers: Record<string, string>;
}

/**
 * Answers the next `method` request to `origin` (any path) and records it, so a test can
 * assert the exact path, query, body and headers instead of trusting a matcher.
 */
export function answer(
  origin: string,
  method: HttpMethod,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): { seen: SeenRequest[]; scope: nock.Scope } {
  const seen: SeenRequest[] = [];
  const scope = nock(origin)
    .intercept(() => true, method)
    .reply(function (uri, requestBody) {
      const url = new URL(uri, origin);
      const query: Record<string, string | string[]> = {};
      for (const key of new Set(url.searchParams.keys())) {
        const all = url.searchParams.getAll(key);
        query[key] = all.length === 1 ? (all[0] as string) : all;
      }
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.req.headers)) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
      seen.push({
        method: this.req.method ?? '',
        path: url.pathname,
        query,
        body: requestBody === '' || requestBody === undefined ? undefined : requestBody,
        headers: h,
      });
      return [status, body as nock.Body, headers];
    });
  return { seen, scope };
}

export interface OperationCase {
  /** Test title; defaults to the operation name. */
  title?: string;
  op: string;
  input: Record<string, unknown>;
  method: HttpMethod;
  /** Path below the origin, as sent (base path included, percent-encoded). */
  path: string;
  query?: Record<string, string | string[]>;
  body?: unknown;
  /** What the provider answers. */
  reply: unknown;
  /** What `call` must return; defaults to `reply`. */
  result?: unknown;
}

export type AuthCheck = (headers: Record<string, string>) => void;

export function bearerAuth(key: string): AuthCheck {
  return (h) => {
    expect(h['authorization']).toBe(`Bearer ${key}`);
    expect(h['x-api-key']).toBeUndefined();
  };
}

export function headerAuth(header: string, key: string): AuthCheck {
  return (h) => {
    expect(h[header.toLowerCase()]).toBe(key);
    expect(h['authorization']).toBeUndefined();
  };
}

/**
 * Runs one operation against a recorded answer and checks the request it sent: method,
 * path, query, JSON body, auth, and an Idempotency-Key exactly on idempotent operations.
 */
export async function checkOperation(spec: ProviderSpec, apiKey: string, auth: AuthCheck, c: OperationCase): Promise<void> {
  const origin = new URL(spec.baseUrl).origin;
  const { seen, scope } = answer(origin, c.method, 200, c.reply);
  const { client } = testClient(spec, apiKey);
  const result = await client.call(c.op, c.input);
  expect(scope.isDone()).toBe(true);
  expect(seen).toHaveLength(1);
  const req = seen[0] as SeenRequest;
  expect(req.method).toBe(c.method);
  expect(req.path).toBe(c.path);
  expect(req.query).toEqual(c.query ?? {});
  expect(req.body).toEqual(c.body);
  if (c.body !== undefined) expect(req.headers['content-type']).toMatch(/^application\/json/);
  auth(req.headers);
  const op = spec.operations[c.op] as { idempotent: boolean };
  expect(req.headers['idempotency-key']).toBe(op.idempotent ? IDEMPOTENCY_KEY : undefined);
  expect(result).toEqual(c.result === undefined ? c.reply : c.result);
}

/**
 * Expects the input to be refused before the network: a ValidationError naming `field`
 * (and, when given, saying `rule`), and no request attempted. Tests that use this disable
 * real connections and define no interceptor, so a request that slipped out would also fail.
 */
export async function expectInvalid(
  spec: ProviderSpec,
  op: string,
  input: unknown,
  field: string,
  rule?: RegExp,
): Promise<ValidationError> {
  const { client, events } = testClient(spec, 'k_validation');
  const err = await client.call(op, input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  const v = err as ValidationError;
  const issue = v.issues.find((i) => i.field === field);
  if (!issue) throw new Error(`expected an issue for "${field}", got ${JSON.stringify(v.issues)}`);
  if (rule) expect(issue.message).toMatch(rule);
  expect(v.message).toContain(field);
  expect(v.status).toBeNull();
  expect(events.filter((e) => e.type === 'request')).toHaveLength(0);
  return v;
}

/** Sends one request that the provider answers with `status` and `body`; returns the error thrown. */
export async function providerError(
  spec: ProviderSpec,
  op: string,
  input: Record<string, unknown>,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  apiKey = 'k_errors',
): Promise<CallbridgeError> {
  const method = (spec.operations[op] as { method: HttpMethod }).method;
  const { scope } = answer(new URL(spec.baseUrl).origin, method, status, body, headers);
  const { client } = testClient(spec, apiKey);
  const err = await client.call(op, input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(scope.isDone()).toBe(true);
  expect(err).toBeInstanceOf(CallbridgeError);
  return err as CallbridgeError;
}

/** The normalized fields every caller relies on, for `toEqual`. */
export function errorShape(e: CallbridgeError): Record<string, unknown> {
  return {
    provider: e.provider,
    status: e.status,
    code: e.code,
    message: e.message,
    details: e.details,
    requestId: e.requestId,
    retryable: e.retryable,
  };
}
