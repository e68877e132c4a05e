import { providers, type ProviderSpec } from '@callbridge/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from './app';
import { answer, failure } from './schemas/common';

/**
 * `POST /hooks/<provider>` in the API document. The path itself is served by plain
 * node:http before fastify sees the request (the throughput path; see hooks.ts), so this
 * route exists for its schema: it never runs for a real request. Should one reach it (an
 * injected request in a test), it hands the raw request to the same handler before fastify
 * reads the body, so there is still only one ingest path.
 */
const registry = providers as Partial<Record<string, ProviderSpec>>;
const withHooks = Object.values(registry).filter((s): s is ProviderSpec => Boolean(s?.webhooks));

const signatures = withHooks
  .map((s) => {
    const sig = s.webhooks?.signature;
    return sig ? `${s.name}: \`${sig.header}: ${sig.prefix}<${sig.encoding} HMAC-${sig.algorithm.toUpperCase()} of the raw body>\`` : '';
  })
  .join('; ');

const Params = z.object({
  provider: z.enum(withHooks.map((s) => s.id) as [string, ...string[]]).describe('A provider that sends webhooks.'),
});

const Received = z.object({
  received: z.literal(true),
  id: z.string().describe("The event id (evt_…); a duplicate gets the first one's.").meta({ examples: ['evt_01HZX3K8Q9V6T2M4N7P5R1S0AB'] }),
});

export function registerHookDescription(app: FastifyInstance, deps: AppDeps): void {
  app.post(
    '/hooks/:provider',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Receive a provider webhook',
        description: `Verified against <PROVIDER>_WEBHOOK_SECRET over the raw body (${signatures}), then stored durably before the 200. A duplicate (same provider event) answers 200 with the first event's id and is not delivered again.`,
        params: Params,
        body: z.record(z.string(), z.unknown()).describe("The provider's webhook payload, as it sends it."),
        response: {
          200: answer('Stored.', Received),
          400: failure('Malformed JSON or hook path, not an object, nested deeper than RELAY_MAX_JSON_DEPTH (too_deeply_nested), a missing/unknown event name, or an event header that disagrees with the signed body (event_mismatch).'),
          401: failure('Missing or wrong signature, or the webhook secret is not configured.'),
          404: failure('Unknown provider, or one that sends no webhooks.'),
          413: failure('Body over the size cap (RELAY_MAX_BODY_BYTES).'),
          415: failure('Not sent as application/json.'),
          503: failure('Storage unavailable or shutting down; retry.'),
        },
      },
      onRequest: (req, reply, done) => {
        reply.hijack();
        deps.hookHandler(req.raw, reply.raw);
        done();
      },
    },
    async () => undefined,
  );
}
