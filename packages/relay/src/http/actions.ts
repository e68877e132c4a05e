import {
  CallbridgeError,
  createClient,
  isProviderId,
  providers,
  sampleOutput,
  ValidationError,
  type OperationSpec,
  type ProviderClient,
  type ProviderSpec,
} from '@callbridge/core';
import type { FastifyInstance, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from './app';
import { OPTIONAL_BODY } from './docs';
import { HttpError } from './replies';
import type { ResolvedSource } from '../sources/registry';
import { DEFAULT_SOURCE } from '../storage/types';
import { canSeeSource } from './scope';
import { answer, optionalText } from './schemas/common';

/**
 * `POST /v1/actions/<provider>/<operation>`: runs any core operation with the relay's own
 * provider credentials, for callers without a native app (Make's HTTP module, scripts).
 * One route per core operation, whose body schema is the operation's own `input`: core
 * validates it (with core's wording) before anything is sent, and the OpenAPI document
 * shows it, so an operation added to core appears here unchanged. The answer is the
 * provider's result, or core's normalized error with a status that matches it.
 */
const registry = providers as Partial<Record<string, ProviderSpec>>;

/** A synchronous HTTP caller is waiting: keep core's retries short. */
const ACTION_RETRY = { maxTotalWaitMs: 10_000 };

/**
 * Core's normalized error (CallbridgeError.toJSON()) as actions answer it. Loose, and with
 * only code and message required, because the relay's own errors on these routes (401,
 * 429, 503) have the plain `{error:{code,message}}` shape and a provider may answer any of
 * those statuses too.
 */
const ActionError = z
  .object({
    error: z.looseObject({
      code: z.string().meta({ examples: ['validation_error', 'insufficient_credits'] }),
      message: z.string(),
      provider: z.string().optional(),
      operation: z.string().optional(),
      status: z.number().int().nullable().optional().describe("The provider's HTTP status; null when it was never reached."),
      details: z.unknown().optional().describe('For invalid input: each field and what is wrong with it.'),
      retryable: z.boolean().optional(),
    }),
  })
  .describe('Provider errors also carry requestId, kind and retryAfterMs when known.')
  .meta({ id: 'ActionError' });

const SourceQuery = z.object({
  source: optionalText(60, "Run with this source's API key and base URL (src_…); default: the environment's (`default`)."),
});

const IdempotencyHeaders = z.object({
  'idempotency-key': z.string().optional().describe('Sent to the provider; generated when absent.'),
});

const actionFailure = (description: string): ReturnType<typeof answer<typeof ActionError>> => answer(description, ActionError);

function actionSchema(spec: ProviderSpec, op: OperationSpec) {
  const sample = sampleOutput(spec, op);
  const result =
    op.responseType === 'binary'
      ? { description: 'The file, as the provider sends it.', content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } } }
      : answer("The provider's result.", sample === undefined ? z.unknown() : z.unknown().meta({ examples: [sample] }));
  return {
    tags: ['actions'],
    operationId: `${spec.id}_${op.name.replace(/\./g, '_')}`,
    summary: `${spec.name}: ${op.summary}`,
    description: `${op.description}\n\nRuns with the relay's ${spec.id.toUpperCase()}_API_KEY, or with a source's key and base URL given \`?source=\`.`,
    querystring: SourceQuery,
    body: op.input,
    ...(op.idempotent ? { headers: IdempotencyHeaders } : {}),
    response: {
      200: result,
      400: actionFailure('Invalid input: `details` names each field and rule. Nothing was sent.'),
      401: actionFailure("Missing or invalid bearer token, or the provider refused the relay's key."),
      429: actionFailure('Rate limited by the relay or the provider; see Retry-After.'),
      502: actionFailure('The provider could not be reached.'),
      404: actionFailure('No such source (or not one this token may use).'),
      503: actionFailure('The provider API key is not configured on the relay (or on the source).'),
      504: actionFailure('The provider did not answer in time.'),
      default: actionFailure("The provider's error, normalized, with the provider's status."),
    },
  };
}

/**
 * Core judges an action's input, in core's words, through the operation's own schema; an
 * absent body is `{}` as before. Other request parts are only documented.
 */
function coreValidator(spec: ProviderSpec, op: OperationSpec): FastifySchemaCompiler<unknown> {
  const client = createClient(spec);
  return ({ httpPart }) =>
    (data: unknown) => {
      if (httpPart === 'querystring') {
        const q = SourceQuery.safeParse(data);
        return q.success ? { value: q.data } : { error: new ValidationError(spec.id, op.name, q.error.issues.map((i) => ({ field: i.path.join('.') || 'source', message: i.message }))) };
      }
      if (httpPart !== 'body') return { value: data };
      const input = data ?? {};
      try {
        client.validate(op.name, input);
        // Core parses again when it runs the call: hand it what the caller sent.
        return { value: input };
      } catch (e) {
        return { error: e as Error };
      }
    };
}

export function registerActionRoutes(v1: FastifyInstance, deps: AppDeps): void {
  // One client per source and its settings: a changed key or base URL gets a new client.
  const clients = new Map<string, ProviderClient>();

  const clientFor = (spec: ProviderSpec, source: ResolvedSource & { apiKey: string }): ProviderClient => {
    const key = `${spec.id}|${source.id}|${source.updatedAt ?? ''}`;
    let client = clients.get(key);
    if (!client) {
      client = createClient(spec, {
        apiKey: source.apiKey,
        ...(source.baseUrl ? { baseUrl: source.baseUrl } : {}),
        retry: ACTION_RETRY,
        timeoutMs: 30_000,
      });
      if (clients.size > 1000) clients.clear();
      clients.set(key, client);
    }
    return client;
  };

  /** The source an action runs with; a scoped token may use only its own (another answers 404). */
  const sourceFor = (req: FastifyRequest, spec: ProviderSpec): ResolvedSource & { apiKey: string } => {
    const parsed = SourceQuery.safeParse(req.query);
    const id = (parsed.success ? parsed.data.source : undefined) ?? DEFAULT_SOURCE;
    const source = canSeeSource(req, id) ? deps.sources.get(spec.id, id) : undefined;
    if (!source) throw new HttpError(404, 'unknown_source', `no ${spec.name} source ${id}`);
    if (source.apiKey === null) {
      throw id === DEFAULT_SOURCE
        ? new HttpError(503, 'provider_not_configured', `the relay has no ${spec.id.toUpperCase()}_API_KEY; set it to run ${spec.name} actions`)
        : new HttpError(503, 'provider_not_configured', `source ${id} has no api_key; set one with PATCH /v1/sources/${id}`);
    }
    return { ...source, apiKey: source.apiKey };
  };

  for (const spec of Object.values(registry)) {
    if (!spec) continue;
    for (const op of Object.values(spec.operations)) {
      const operation = op.name;
      v1.route({
        method: 'POST',
        url: `/actions/${spec.id}/${operation}`,
        schema: actionSchema(spec, op),
        validatorCompiler: coreValidator(spec, op),
        // No body is `{}`: the document says the body may be left out when that is valid input.
        config: { [OPTIONAL_BODY]: op.input.safeParse({}).success },
        // The handler judges the input only once it knows the provider is configured (503 first).
        attachValidation: true,
        handler: async (req, reply) => {
          const source = sourceFor(req, spec);
          const count = (status: number): void => deps.metrics.actions.inc({ provider: spec.id, operation, status: String(status) });
          const refused = req.validationError;
          if (refused) {
            if (!(refused instanceof ValidationError)) throw refused;
            count(400);
            return reply.code(400).send({ error: { ...refused.toJSON(), code: 'validation_error', details: refused.issues } });
          }
          const idempotencyKey = req.headers['idempotency-key'];
          try {
            const result = await clientFor(spec, source).call(operation, req.body, typeof idempotencyKey === 'string' ? { idempotencyKey } : {});
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
              req.log.warn({ provider: spec.id, operation, source: source.id, status, code: e.code }, `action ${spec.id} ${operation} failed: ${status} ${e.code}`);
              return reply.code(status >= 400 && status < 600 ? status : 502).send({ error: e.toJSON() });
            }
            throw e;
          }
        },
      });
    }
  }

  // Anything else under /actions names what exists.
  v1.post('/actions/:provider/:operation', { schema: { hide: true } }, async (req) => {
    const { provider, operation } = req.params as { provider: string; operation: string };
    const spec = isProviderId(provider) ? registry[provider] : undefined;
    if (!spec) throw new HttpError(404, 'unknown_provider', `"${provider}" is not a provider; known: ${Object.keys(registry).join(', ')}`);
    throw new HttpError(404, 'unknown_operation', `"${operation}" is not a ${spec.name} operation; known: ${Object.keys(spec.operations).join(', ')}`);
  });
}
