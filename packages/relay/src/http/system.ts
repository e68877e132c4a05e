import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from './app';
import { answer } from './schemas/common';
import { PostgresStorage } from '../storage/postgres/storage';

/** `/healthz` and `/metrics`: open to probes and scrapers, no token. */
const Healthy = z.object({
  status: z.literal('ok'),
  storage: z.string().meta({ examples: ['sqlite', 'postgres'] }),
  pending: z.number().int().describe('Deliveries waiting to be sent.'),
  dead: z.number().int().describe('Deliveries that used every attempt.'),
  postgres: z
    .object({
      replica: z.string(),
      pool: z.object({ size: z.number().int(), idle: z.number().int(), waiting: z.number().int(), max: z.number().int() }),
    })
    .optional()
    .describe("PostgreSQL: this replica's id and its pool's use (is RELAY_PG_POOL_SIZE too small?)."),
});

const Unhealthy = z.object({
  status: z.enum(['shutting_down', 'unavailable']),
  storage: z.string().optional(),
  error: z.string().optional().describe("Why: the error of the last storage write, or of reading it."),
});

export function registerSystemRoutes(app: FastifyInstance, deps: AppDeps): void {
  const root = app.withTypeProvider<ZodTypeProvider>();

  root.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Health, reflecting storage',
        response: { 200: answer('Healthy.', Healthy), 503: answer('Storage unavailable or shutting down.', Unhealthy) },
      },
    },
    async (_req, reply) => {
      if (deps.isClosing()) return reply.code(503).send({ status: 'shutting_down' });
      // No write per probe: the last write's outcome, or one probe shared by all every few seconds.
      const state = await deps.health.check();
      if (!state.up) return reply.code(503).send({ status: 'unavailable', storage: deps.storage.kind, error: state.error });
      try {
        const stats = await deps.storage.stats();
        // PostgreSQL: the pool's use tells an operator whether RELAY_PG_POOL_SIZE is too small.
        const pg = deps.storage instanceof PostgresStorage ? { postgres: { replica: deps.storage.replicaId, pool: deps.storage.poolStatus() } } : {};
        return { status: 'ok' as const, storage: deps.storage.kind, pending: stats.pending, dead: stats.dead, ...pg };
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        reply.log.warn({ cause: error }, `health check: storage could not be read: ${error}`);
        return reply.code(503).send({ status: 'unavailable', storage: deps.storage.kind, error });
      }
    },
  );

  root.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics',
        response: { 200: { description: 'Prometheus text format.', content: { 'text/plain': { schema: z.string() } } } },
      },
    },
    async (_req, reply) => {
      let stats = null;
      try {
        stats = await deps.storage.stats();
      } catch {
        // Reported as relay_storage_up 0.
      }
      return reply
        .type('text/plain; version=0.0.4; charset=utf-8')
        .send(deps.metrics.render(stats, { inFlight: deps.inFlightDeliveries(), storageUp: deps.health.up }));
    },
  );
}
