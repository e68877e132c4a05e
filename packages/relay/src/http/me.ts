import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from './app';
import { scopeOf } from './scope';
import { answer, INVALID } from './schemas/common';
import { Stats, StatsQuery } from './schemas/stats';
import { Me } from './schemas/tokens';

/** `/v1/me` (who this token is and what it may see) and `/v1/stats` (the console's charts). */
export function registerMeRoutes(app: FastifyInstance, deps: AppDeps): void {
  const v1 = app.withTypeProvider<ZodTypeProvider>();

  v1.get(
    '/me',
    { schema: { tags: ['tokens'], summary: 'Who this token is and which sources it may see', response: { 200: answer('This token.', Me) } } },
    async (req) => {
      const p = req.principal;
      return p.kind === 'admin' ? { kind: 'admin' as const, id: null, name: null, sources: null } : { kind: 'scoped' as const, id: p.id, name: p.name, sources: [...p.sources] };
    },
  );

  v1.get(
    '/stats',
    {
      schema: {
        tags: ['system'],
        summary: "Per-minute counts for charts: this replica's, since it started",
        description:
          "Events received, deliveries that succeeded, attempts that failed and deliveries that went dead, per minute, oldest first; a scoped token gets its sources' counts. `pending` and `dead` are the whole relay's (the admin's view) or this token's sources'.",
        querystring: StatsQuery,
        response: { 200: answer('The counts.', Stats), 400: INVALID },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const minutes = deps.stats.series(deps.clock.now(), req.query.minutes, scope);
      const totals = await deps.storage.stats(scope ?? undefined);
      return { minutes, pending: totals.pending, dead: totals.dead };
    },
  );
}
