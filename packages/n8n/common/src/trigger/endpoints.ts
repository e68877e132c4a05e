import { NodeOperationError, type IDataObject, type IHookFunctions } from 'n8n-workflow';
import { CallbridgeError, getPath, type ProviderSpec } from '../core';
import { n8nClient } from '../client';
import { toNodeError } from '../errors';

/**
 * Webhook endpoints the provider manages through its own API (Aila's
 * /organizations/{organizationId}/webhooks): activation registers this node's URL with
 * core's create operation, deactivation removes it, and checkExists asks the provider
 * whether the endpoint is still there.
 */

export interface EndpointConfig {
  spec: ProviderSpec;
  credentialType: string;
  /** Core operation names. */
  create: string;
  list: string;
  remove: string;
  /** The remove operation's field naming the endpoint. */
  idField: string;
  /** Fields that scope the endpoints (Aila's organization_id), read from the node's parameters. */
  scopeFields: readonly string[];
}

interface EndpointState {
  webhookId?: string;
  webhookSecret?: string;
}

function state(ctx: IHookFunctions): EndpointState & IDataObject {
  return ctx.getWorkflowStaticData('node') as EndpointState & IDataObject;
}

function webhookUrl(ctx: IHookFunctions): string {
  const url = ctx.getNodeWebhookUrl('default');
  if (!url) throw new NodeOperationError(ctx.getNode(), 'n8n did not give this trigger a webhook URL');
  return url;
}

function scope(ctx: IHookFunctions, config: EndpointConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of config.scopeFields) out[name] = ctx.getNodeParameter(name);
  return out;
}

async function client(ctx: IHookFunctions, config: EndpointConfig) {
  const credentials = (await ctx.getCredentials(config.credentialType)) as Record<string, unknown>;
  return n8nClient(ctx, config.spec, config.credentialType, credentials);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export async function endpointCheckExists(ctx: IHookFunctions, config: EndpointConfig): Promise<boolean> {
  const id = state(ctx).webhookId;
  if (!id) return false;
  try {
    const c = await client(ctx, config);
    const listed = await c.call(config.list, scope(ctx, config));
    const endpoints = Array.isArray(listed) ? listed : [];
    const url = webhookUrl(ctx);
    return endpoints.some((e) => getPath(e, 'id') === id && getPath(e, 'url') === url);
  } catch (e) {
    // The list endpoint is an assumption (the documents name only POST): when it is not
    // there, say so in the log and register anew rather than block activation.
    ctx.logger.warn(`${config.spec.name} trigger could not list webhook endpoints; registering a new one`, {
      error: e instanceof Error ? e.message : String(e),
    });
    return false;
  }
}

export async function endpointCreate(ctx: IHookFunctions, config: EndpointConfig, events: readonly string[]): Promise<boolean> {
  try {
    const c = await client(ctx, config);
    const created = await c.call(config.create, { ...scope(ctx, config), url: webhookUrl(ctx), events: [...events] });
    const id = str(getPath(created, 'id'));
    if (!id) throw new NodeOperationError(ctx.getNode(), `${config.spec.name} registered the webhook but returned no id`);
    const s = state(ctx);
    s.webhookId = id;
    // Where the provider issues a per-endpoint secret, it wins over the credential's.
    const secret = str(getPath(created, 'secret')) ?? str(getPath(created, 'signing_secret'));
    if (secret) s.webhookSecret = secret;
    else delete s.webhookSecret;
    return true;
  } catch (e) {
    throw toNodeError(ctx.getNode(), e, 0);
  }
}

export async function endpointDelete(ctx: IHookFunctions, config: EndpointConfig): Promise<boolean> {
  const s = state(ctx);
  const id = s.webhookId;
  if (!id) return true;
  try {
    const c = await client(ctx, config);
    await c.call(config.remove, { ...scope(ctx, config), [config.idField]: id });
  } catch (e) {
    // Already gone is as good as removed; anything else must surface.
    if (!(e instanceof CallbridgeError && e.status === 404)) throw toNodeError(ctx.getNode(), e, 0);
  }
  delete s.webhookId;
  delete s.webhookSecret;
  return true;
}

/** The secret to verify deliveries with: the endpoint's own, else the credential's. */
export function endpointSecret(staticData: IDataObject, credentials: Record<string, unknown>): string {
  const own = staticData['webhookSecret'];
  if (typeof own === 'string' && own.length > 0) return own;
  const fromCredential = credentials['webhookSecret'];
  return typeof fromCredential === 'string' ? fromCredential : '';
}
