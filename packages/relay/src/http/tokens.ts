import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from './app';
import { generateToken, hashToken } from '../security/auth';
import { readAll } from '../storage/config-cache';
import type { TokenRecord } from '../storage/types';
import { HttpError } from './replies';
import { requireAdmin } from './scope';
import { answer, failure, idParams, INVALID, noContent } from './schemas/common';
import { TokenCreateBody, TokenCreated, TokenList } from './schemas/tokens';
import { invalid } from './validate';

/**
 * `/v1/tokens`: scoped tokens, one per client connection (a Make, Zapier or n8n
 * credential), limited to some sources. A token is shown once and stored as its SHA-256;
 * revoking one stops it at once here and within a NOTIFY's delay on other replicas.
 * Admin only: a scoped token gets 403.
 */
const iso = (ms: number): string => new Date(ms).toISOString();

function tokenJson(t: TokenRecord): { id: string; name: string; sources: string[]; created_at: string; last_used_at: string | null } {
  return { id: t.id, name: t.name, sources: [...t.sources], created_at: t.createdAt, last_used_at: t.lastUsedAt === null ? null : iso(t.lastUsedAt) };
}

export function registerTokenRoutes(app: FastifyInstance, deps: AppDeps): void {
  const v1 = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['tokens'];

  v1.addHook('onRequest', async (req) => requireAdmin(req, 'Managing tokens'));

  v1.post(
    '/tokens',
    {
      schema: {
        tags,
        summary: 'Create a token limited to some sources (shown once)',
        body: TokenCreateBody,
        response: { 201: answer('Created: give the token to the client; it is not shown again.', TokenCreated), 400: INVALID },
      },
    },
    async (req, reply) => {
      const { name, sources } = req.body;
      const issues = sources.flatMap((s, i) => (deps.sources.exists(s) ? [] : [{ field: `sources.${i}`, message: `there is no source ${s}` }]));
      if (issues.length) throw invalid(issues);
      const token = generateToken();
      const record: TokenRecord = {
        id: `tok_${randomBytes(9).toString('base64url')}`,
        name,
        tokenHash: hashToken(token).toString('hex'),
        sources: [...sources],
        createdAt: iso(deps.clock.now()),
        lastUsedAt: null,
      };
      await deps.storage.createToken(record);
      await deps.tokens.reload();
      req.log.info({ tokenId: record.id, sources }, `token ${record.id} ("${name}") created for ${sources.join(', ')}`);
      return reply.code(201).send({ id: record.id, name, sources: [...sources], token, created_at: record.createdAt });
    },
  );

  v1.get('/tokens', { schema: { tags, summary: 'List tokens (never the tokens themselves)', response: { 200: answer('Every token.', TokenList) } } }, async () => {
    return { data: (await readAll((limit, cursor) => deps.storage.listTokens(limit, cursor))).map(tokenJson) };
  });

  v1.delete(
    '/tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a token, at once',
        params: idParams('Token id (tok_…)'),
        response: { 204: noContent('Revoked.'), 404: failure('No such token.') },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      if (!(await deps.storage.deleteToken(id))) throw new HttpError(404, 'not_found', `no token ${id}`);
      await deps.tokens.reload();
      req.log.info({ tokenId: id }, `token ${id} revoked`);
      return reply.code(204).send();
    },
  );
}
