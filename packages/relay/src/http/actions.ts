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
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from './app';
import { OPTIONAL_BODY } from './docs';
import { HttpError } from './replies';
import { answer } from './schemas/common';

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
    description: `${op.description}\n\nRuns with the relay's ${spec.id.toUpperCase()}_API_KEY.`,
    body: op.input,
    ...(op.idempotent ? { headers: IdempotencyHeaders } : {}),
    response: {
      200: result,
      400: actionFailure('Invalid input: `details` names each field and rule. Nothing was sent.'),
      401: actionFailure("Missing or invalid bearer token, or the provider refused the relay's key."),
      429: actionFailure('Rate limited by the relay or the provider; see Retry-After.'),
      502: actionFailure('The provider could not be reached.'),
      503: actionFailure('The provider API key is not configured on the relay.'),
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
          if (!deps.config.providers[spec.id]?.apiKey) {
            throw new HttpError(503, 'provider_not_configured', `the relay has no ${spec.id.toUpperCase()}_API_KEY; set it to run ${spec.name} actions`);
          }
          const count = (status: number): void => deps.metrics.actions.inc({ provider: spec.id, operation, status: String(status) });
          const refused = req.validationError;
          if (refused) {
            if (!(refused instanceof ValidationError)) throw refused;
            count(400);
            return reply.code(400).send({ error: { ...refused.toJSON(), code: 'validation_error', details: refused.issues } });
          }
          const idempotencyKey = req.headers['idempotency-key'];
          try {
            const result = await clientFor(spec).call(operation, req.body, typeof idempotencyKey === 'string' ? { idempotencyKey } : {});
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
