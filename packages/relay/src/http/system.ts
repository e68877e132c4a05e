import type { FastifyInstance } from 'fastify';
import type { AppDeps } from './app';
import { buildOpenApi } from '../openapi';
import { PostgresStorage } from '../storage/postgres/storage';

/** `/healthz`, `/metrics` and `/openapi.json`: open to probes and scrapers, no token. */
export function registerSystemRoutes(app: FastifyInstance, deps: AppDeps): void {
  let openapi: Record<string, unknown> | undefined;

  app.get('/healthz', async (_req, reply) => {
    if (deps.isClosing()) return reply.code(503).send({ status: 'shutting_down' });
    try {
      await deps.storage.health();
      const stats = await deps.storage.stats();
      // PostgreSQL: the pool's use tells an operator whether RELAY_PG_POOL_SIZE is too small.
      const pg = deps.storage instanceof PostgresStorage ? { postgres: { replica: deps.storage.replicaId, pool: deps.storage.poolStatus() } } : {};
      return { status: 'ok', storage: deps.storage.kind, pending: stats.pending, dead: stats.dead, ...pg };
    } catch (e) {
      reply.log.error({ err: e }, 'health check: storage failed');
      return reply.code(503).send({ status: 'unavailable', storage: deps.storage.kind, error: (e as Error).message });
    }
  });

  app.get('/metrics', async (_req, reply) => {
    let stats = null;
    try {
      stats = await deps.storage.stats();
    } catch {
      // Reported as relay_storage_up 0.
    }
    return reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(deps.metrics.render(stats, { inFlight: deps.inFlightDeliveries() }));
  });

  app.get('/openapi.json', async () => (openapi ??= buildOpenApi()));
}
