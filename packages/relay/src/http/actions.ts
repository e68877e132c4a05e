import {
  CallbridgeError,
  createClient,
  isProviderId,
  providers,
  ValidationError,
  type ProviderClient,
  type ProviderSpec,
} from '@callbridge/core';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from './app';
import { HttpError } from './replies';
import { asObject } from './validate';

/**
 * `POST /v1/actions/<provider>/<operation>`: runs any core operation with the relay's own
 * provider credentials, for callers without a native app (Make's HTTP module, scripts).
 * Input is validated by core before anything is sent; the answer is the provider's result,
 * or core's normalized error with a status that matches it.
 */
const registry = providers as Partial<Record<string, ProviderSpec>>;

/** A synchronous HTTP caller is waiting: keep core's retries short. */
const ACTION_RETRY = { maxTotalWaitMs: 10_000 };

export function registerActionRoutes(v1: FastifyInstance, deps: AppDeps): void {
  const clients = new Map<string, ProviderClient>();

  const clientFor = (spec: ProviderSpec): ProviderClient => {
    let client = clients.get(spec.id);
    if (!client) {
      const creds = deps.config.providers[spec.id] ?? {};
      client = createClient(spec, {
        ...(creds.apiKey ? { apiKey: creds.apiKey } : {}),
        ...(creds.baseUrl ? { baseUrl: creds.baseUrl } : {}),
        retry: ACTION_RETRY,
        timeoutMs: 30_000,
      });
      clients.set(spec.id, client);
    }
    return client;
  };

  v1.post('/actions/:provider/:operation', async (req, reply) => {
    const { provider, operation } = req.params as { provider: string; operation: string };
    const spec = isProviderId(provider) ? registry[provider] : undefined;
    if (!spec) throw new HttpError(404, 'unknown_provider', `"${provider}" is not a provider; known: ${Object.keys(registry).join(', ')}`);
    if (!Object.hasOwn(spec.operations, operation)) {
      throw new HttpError(404, 'unknown_operation', `"${operation}" is not a ${spec.name} operation; known: ${Object.keys(spec.operations).join(', ')}`);
    }
    if (!deps.config.providers[spec.id]?.apiKey) {
      throw new HttpError(503, 'provider_not_configured', `the relay has no ${spec.id.toUpperCase()}_API_KEY; set it to run ${spec.name} actions`);
    }
    const input = asObject(req.body, false);
    const idempotencyKey = req.headers['idempotency-key'];
    const count = (status: number): void => deps.metrics.actions.inc({ provider: spec.id, operation, status: String(status) });
    try {
      const result = await clientFor(spec).call(operation, input, typeof idempotencyKey === 'string' ? { idempotencyKey } : {});
      count(200);
      if (result instanceof Uint8Array) return reply.code(200).type('application/octet-stream').send(Buffer.from(result));
      return reply.code(200).send(result ?? null);
    } catch (e) {
      if (e instanceof ValidationError) {
        count(400);
        return reply.code(400).send({ error: { ...e.toJSON(), code: 'validation_error', details: e.issues } });
      }
      if (e instanceof CallbridgeError) {
        const status = e.status ?? (e.kind === 'timeout' ? 504 : 502);
        count(status);
        if (e.retryAfterMs !== null) reply.header('retry-after', String(Math.ceil(e.retryAfterMs / 1000)));
        req.log.warn({ provider: spec.id, operation, status, code: e.code }, 'action failed');
        return reply.code(status >= 400 && status < 600 ? status : 502).send({ error: e.toJSON() });
      }
      throw e;
    }
  });
}
