import { providers, type ProviderSpec } from '@callbridge/core';
import { z } from 'zod';
import { SourceId, timestamp } from './common';

/**
 * `/v1/sources`: one provider workspace each (its webhook secret, API key, base URL,
 * organization). Secrets and keys are write-only: the answer says only whether one is set.
 */
const registry = providers as Partial<Record<string, ProviderSpec>>;
const providerIds = Object.keys(registry) as [string, ...string[]];

const text = (what: string, max: number) => z.string({ error: `must be ${what} of 1 to ${max} characters` }).min(1, `must be ${what} of 1 to ${max} characters`).max(max, `must be ${what} of 1 to ${max} characters`);
const SECRET_CHARS = /^[\x21-\x7e]+$/;
const secret = (what: string) =>
  text(what, 1024).regex(SECRET_CHARS, `must be ${what} of printable characters without spaces`).meta({ writeOnly: true });

const URL_RULE = 'must be an http or https URL of at most 2048 characters';
const BaseUrl = z.url({ protocol: /^https?$/, error: URL_RULE }).max(2048, URL_RULE).describe("Overrides the provider's API base URL (e.g. a regional endpoint or the sandbox).");

const SourceProvider = z.enum(providerIds, { error: `must be one of ${providerIds.join(', ')}` });

export const SourceCreateBody = z
  .strictObject({
    provider: SourceProvider,
    name: text('a name', 100).describe('Your name for this workspace, e.g. the client.'),
    webhook_secret: secret('the webhook secret').optional().describe('Verifies /hooks/<provider>/<id>; required for providers that send webhooks.'),
    api_key: secret('an API key').optional().describe('Used by /v1/actions/<provider>/<operation>?source=<id>.'),
    base_url: BaseUrl.optional(),
    organization_id: text('an organization id', 200).optional(),
  })
  .superRefine((body, ctx) => {
    const spec = registry[body.provider];
    if (!spec) return;
    if (spec.webhooks && body.webhook_secret === undefined) {
      ctx.addIssue({ code: 'custom', path: ['webhook_secret'], message: `is required: ${spec.name} signs its webhooks with it` });
    }
    if (!spec.webhooks && body.webhook_secret !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['webhook_secret'], message: `${spec.name} sends no webhooks; leave it out` });
    }
  });

const SOURCE_PATCHABLE = ['name', 'webhook_secret', 'api_key', 'base_url', 'organization_id'] as const;
export const SourcePatchBody = z
  .strictObject({
    name: text('a name', 100).optional(),
    webhook_secret: secret('the webhook secret').optional(),
    api_key: secret('an API key').nullable().optional().describe('null removes it.'),
    base_url: BaseUrl.nullable().optional().describe("null goes back to the provider's own."),
    organization_id: text('an organization id', 200).nullable().optional().describe('null removes it.'),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: `must change at least one of ${SOURCE_PATCHABLE.join(', ')}`,
    when: (payload) => payload.issues.length === 0,
  });

export const Source = z
  .object({
    id: SourceId,
    provider: z.enum(providerIds),
    name: z.string(),
    hook_url: z.string().meta({ format: 'uri', examples: ['https://relay.example.com/hooks/vyora/src_Xk2pQ9vLm4Rt'] }),
    base_url: z.string().nullable(),
    organization_id: z.string().nullable(),
    has_api_key: z.boolean(),
    has_webhook_secret: z.boolean(),
    managed_by: z.enum(['api', 'environment']).describe('"environment": the `default` source, from <PROVIDER>_* settings; read-only here.'),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Source' });

export const SourceList = z.object({ data: z.array(Source) });
