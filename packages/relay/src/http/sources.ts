import { randomBytes } from 'node:crypto';
import { isProviderId, PROVIDER_IDS, providers, type ProviderId, type ProviderSpec } from '@callbridge/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from './app';
import type { ResolvedSource } from '../sources/registry';
import { readAll } from '../storage/config-cache';
import { DEFAULT_SOURCE, type SourcePatch } from '../storage/types';
import { HttpError } from './replies';
import { requireAdmin } from './scope';
import { answer, failure, idParams, INVALID, noContent, optionalText } from './schemas/common';
import { Source, SourceCreateBody, SourceList, SourcePatchBody } from './schemas/sources';

/**
 * `/v1/sources`: one provider workspace each (an agency's client), with its own webhook
 * secret, API key, base URL and organization id, and its own hook URL
 * `/hooks/<provider>/<id>`. Secrets and keys are write-only and stored sealed. The
 * environment's settings are the source `default`, one row per provider, read-only here.
 * Admin only: a scoped token gets 403.
 */
const registry = providers as Partial<Record<string, ProviderSpec>>;
const Params = idParams('Source id (src_…), or default');
const NOT_FOUND = failure('No such source.');
const ENVIRONMENT = failure('The default source comes from the environment (<PROVIDER>_* settings) and cannot be changed here.');

function newSourceId(): string {
  return `src_${randomBytes(12).toString('base64url')}`;
}

export function registerSourceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const v1 = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['sources'];
  const startedAt = new Date(deps.clock.now()).toISOString();

  /** Where providers reach this relay: RELAY_PUBLIC_URL, else the address this request came to. */
  const base = (req: FastifyRequest): string => deps.config.publicUrl ?? `${req.protocol}://${req.host}`;

  const sourceJson = (req: FastifyRequest, s: ResolvedSource): z.output<typeof Source> => ({
    id: s.id,
    provider: s.provider,
    name: s.name,
    hook_url: `${base(req)}/hooks/${s.provider}${s.id === DEFAULT_SOURCE ? '' : `/${s.id}`}`,
    base_url: s.baseUrl,
    organization_id: s.organizationId,
    has_api_key: s.apiKey !== null,
    has_webhook_secret: s.webhookSecret !== null,
    managed_by: s.managedBy,
    created_at: s.createdAt ?? startedAt,
    updated_at: s.updatedAt ?? startedAt,
  });

  /** The environment's source of each provider that has any setting. */
  const defaults = (): ResolvedSource[] =>
    PROVIDER_IDS.map((p) => deps.sources.environment(p)).filter((s) => s.webhookSecret !== null || s.apiKey !== null || s.baseUrl !== null);

  const apiSource = (id: string): ResolvedSource => {
    if (id === DEFAULT_SOURCE) throw new HttpError(409, 'managed_by_environment', 'the default source comes from the environment (<PROVIDER>_WEBHOOK_SECRET, _API_KEY, _BASE_URL); change those and restart');
    const s = deps.sources.byId(id);
    if (!s) throw new HttpError(404, 'not_found', `no source ${id}`);
    return s;
  };

  const sealingAvailable = (): void => {
    if (!deps.secrets.box) {
      throw new HttpError(
        409,
        'encryption_key_required',
        'sources keep their secrets encrypted: set RELAY_ENCRYPTION_KEY (the same on every replica; e.g. `openssl rand -hex 32`) and restart the relay',
      );
    }
  };

  v1.addHook('onRequest', async (req) => requireAdmin(req, 'Managing sources'));

  v1.post(
    '/sources',
    {
      schema: {
        tags,
        summary: "Add a provider workspace (an agency's client) with its own secret and key",
        body: SourceCreateBody,
        response: { 201: answer('Created: point the provider at hook_url.', Source), 400: INVALID, 409: failure('RELAY_ENCRYPTION_KEY is not set (PostgreSQL).') },
      },
    },
    async (req, reply) => {
      sealingAvailable();
      const body = req.body;
      const now = new Date(deps.clock.now()).toISOString();
      const id = newSourceId();
      await deps.storage.createSource({
        id,
        provider: body.provider,
        name: body.name,
        webhookSecret: body.webhook_secret === undefined ? null : deps.secrets.seal(body.webhook_secret),
        apiKey: body.api_key === undefined ? null : deps.secrets.seal(body.api_key),
        baseUrl: body.base_url ?? null,
        organizationId: body.organization_id ?? null,
        createdAt: now,
        updatedAt: now,
      });
      // This replica takes webhooks for it as soon as the answer is out.
      await deps.sources.reload();
      req.log.info({ sourceId: id, provider: body.provider }, `source ${id} (${body.provider}, "${body.name}") created`);
      return reply.code(201).send(sourceJson(req, apiSource(id)));
    },
  );

  v1.get(
    '/sources',
    { schema: { tags, summary: "List sources: the environment's (default) and the API's", response: { 200: answer('Every source.', SourceList) } } },
    async (req) => {
      // In creation order, as storage lists them; the registry holds them revealed.
      const listed = (await readAll((limit, cursor) => deps.storage.listSources(limit, cursor))).flatMap((s) => deps.sources.byId(s.id) ?? []);
      return { data: [...defaults(), ...listed].map((s) => sourceJson(req, s)) };
    },
  );

  v1.get(
    '/sources/:id',
    {
      schema: {
        tags,
        summary: 'Get a source (never its secret or key)',
        description: '`default` is one row per provider: name the provider with `?provider=` when the environment configures several.',
        params: Params,
        querystring: z.object({ provider: optionalText(40, 'For `default`: which provider.') }),
        response: { 200: answer('Found.', Source), 400: INVALID, 404: NOT_FOUND },
      },
    },
    async (req) => {
      const { id } = req.params;
      if (id !== DEFAULT_SOURCE) return sourceJson(req, apiSource(id));
      const provider = req.query.provider;
      if (provider !== undefined) {
        if (!isProviderId(provider) || !registry[provider]) throw new HttpError(400, 'validation_error', `provider: must be one of ${PROVIDER_IDS.join(', ')}`, [{ field: 'provider', message: `must be one of ${PROVIDER_IDS.join(', ')}` }]);
        return sourceJson(req, deps.sources.environment(provider as ProviderId));
      }
      const configured = defaults();
      if (configured.length === 1) return sourceJson(req, configured[0] as ResolvedSource);
      throw new HttpError(400, 'validation_error', `provider: the default source is one per provider (${configured.map((s) => s.provider).join(', ') || 'none configured'}); name one`, [
        { field: 'provider', message: 'is required for default when the environment configures several providers' },
      ]);
    },
  );

  v1.patch(
    '/sources/:id',
    {
      schema: {
        tags,
        summary: 'Change a source: name, webhook secret, API key, base URL, organization',
        params: Params,
        body: SourcePatchBody,
        response: { 200: answer('The source as changed.', Source), 400: INVALID, 404: NOT_FOUND, 409: ENVIRONMENT },
      },
    },
    async (req) => {
      const before = apiSource(req.params.id);
      const body = req.body;
      const spec = registry[before.provider];
      if (body.webhook_secret !== undefined && !spec?.webhooks) {
        throw new HttpError(400, 'validation_error', `webhook_secret: ${spec?.name ?? before.provider} sends no webhooks`, [{ field: 'webhook_secret', message: 'this provider sends no webhooks' }]);
      }
      sealingAvailable();
      const patch: SourcePatch = {};
      if (body.name !== undefined) patch.name = body.name;
      if (body.webhook_secret !== undefined) patch.webhookSecret = deps.secrets.seal(body.webhook_secret);
      if (body.api_key !== undefined) patch.apiKey = body.api_key === null ? null : deps.secrets.seal(body.api_key);
      if (body.base_url !== undefined) patch.baseUrl = body.base_url;
      if (body.organization_id !== undefined) patch.organizationId = body.organization_id;
      const updated = await deps.storage.updateSource(before.id, patch, new Date(deps.clock.now()).toISOString());
      if (!updated) throw new HttpError(404, 'not_found', `no source ${before.id}`);
      await deps.sources.reload();
      req.log.info({ sourceId: before.id, fields: Object.keys(body) }, `source ${before.id} changed: ${Object.keys(body).join(', ')}`);
      return sourceJson(req, apiSource(before.id));
    },
  );

  v1.delete(
    '/sources/:id',
    {
      schema: {
        tags,
        summary: 'Remove a source: its hook URL stops taking webhooks; its events stay',
        params: Params,
        response: { 204: noContent('Deleted.'), 404: NOT_FOUND, 409: ENVIRONMENT },
      },
    },
    async (req, reply) => {
      const s = apiSource(req.params.id);
      if (!(await deps.storage.deleteSource(s.id))) throw new HttpError(404, 'not_found', `no source ${s.id}`);
      await deps.sources.reload();
      req.log.info({ sourceId: s.id }, `source ${s.id} deleted`);
      return reply.code(204).send();
    },
  );
}
