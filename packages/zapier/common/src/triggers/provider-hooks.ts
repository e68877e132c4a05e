import { defineTrigger, type AuthField, type Bundle, type Trigger, type ZObject } from 'zapier-platform-core';
import { clientFor } from '../client';
import { CallbridgeError, getPath, normalizeWebhook, verifyWebhook, WebhookPayloadError, type ProviderSpec } from '../core';
import { zapierErrors } from '../errors';
import { snakeKey } from '../names';
import { isItem, outputFieldsFrom, type Item } from '../output';
import { webhookSample, type EventTrigger } from './events';
import { hookRequest } from './hook-request';

/**
 * Instant triggers that register Zapier's hook URL with the provider itself (Aila's
 * `POST /organizations/{organization_id}/webhooks`). Each delivery's HMAC signature is
 * checked over the raw body with the webhook's secret before it can trigger anything: the
 * secret the provider returned on registration if it returns one, else the signing secret
 * saved in the connection.
 */

export interface ProviderHookConfig {
  /** Core operations that register and remove a webhook endpoint. */
  createOperation: string;
  deleteOperation: string;
  /** The create operation's fields for the hook URL and the event list, and the delete's for the webhook id. */
  urlField: string;
  eventsField: string;
  webhookIdField: string;
  /** The path field both address, and the auth field that holds its value (`organization_id`). */
  ownerField: string;
  ownerLabel: string;
  ownerHelp: string;
  /** Where the user finds the signing secret when registration does not return one. */
  secretHelp: string;
}

export const WEBHOOK_SECRET_FIELD = 'webhook_secret';

export function providerHookAuthFields(config: ProviderHookConfig): AuthField[] {
  return [
    { key: config.ownerField, label: config.ownerLabel, type: 'string', required: false, isNoSecret: true, helpText: config.ownerHelp },
    { key: WEBHOOK_SECRET_FIELD, label: 'Webhook Signing Secret', type: 'password', required: false, helpText: config.secretHelp },
  ];
}

interface SubscribeData {
  id: string;
  owner: string;
  /** Present only when the provider returned it on registration. */
  secret?: string;
}

function authField(bundle: Pick<Bundle, 'authData'>, key: string): string {
  const v = bundle.authData?.[key];
  return typeof v === 'string' ? v.trim() : '';
}

function subscribeDataOf(bundle: Bundle): Partial<SubscribeData> {
  const raw: unknown = bundle.subscribeData;
  if (!isItem(raw)) return {};
  const pick = (k: string): string | undefined => (typeof raw[k] === 'string' && raw[k] !== '' ? raw[k] : undefined);
  const id = pick('id');
  const owner = pick('owner');
  const secret = pick('secret');
  return { ...(id ? { id } : {}), ...(owner ? { owner } : {}), ...(secret ? { secret } : {}) };
}

/** A signing secret in a registration response, under the names providers commonly use. */
function returnedSecret(result: unknown): string | undefined {
  for (const key of ['secret', 'signing_secret', 'webhook_secret']) {
    const v = getPath(result, key);
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

export function buildProviderHookTrigger(spec: ProviderSpec, config: ProviderHookConfig, ev: EventTrigger): Trigger {
  const createOp = spec.operations[config.createOperation];
  const deleteOp = spec.operations[config.deleteOperation];
  if (!createOp || !deleteOp) throw new Error(`${spec.id}: ${config.createOperation} and ${config.deleteOperation} must be core operations`);
  const sample: Item = webhookSample(spec, ev.event);

  const performSubscribe = (z: ZObject, bundle: Bundle): Promise<SubscribeData> =>
    zapierErrors(z, spec, createOp, async () => {
      const owner = authField(bundle, config.ownerField);
      if (owner === '') {
        throw new z.errors.Error(
          `Instant ${spec.name} triggers register a webhook with your ${spec.name} account: reconnect ${spec.name} and fill in ${config.ownerLabel}.`,
          `${config.ownerField}_missing`,
          400,
        );
      }
      const client = clientFor(spec, z, bundle);
      const result = await client.call(createOp.name, { [config.ownerField]: owner, [config.urlField]: bundle.targetUrl, [config.eventsField]: [ev.event] });
      const id = getPath(result, 'id');
      if (typeof id !== 'string' && typeof id !== 'number') {
        throw new z.errors.Error(`${spec.name} registered the webhook but returned no id to remove it by later.`, 'webhook_no_id', 502);
      }
      const secret = returnedSecret(result);
      if (!secret && authField(bundle, WEBHOOK_SECRET_FIELD) === '') {
        // Without a secret no delivery could be verified: take the registration back rather than leave it dangling.
        await client.call(deleteOp.name, { [config.ownerField]: owner, [config.webhookIdField]: String(id) }).catch(() => undefined);
        throw new z.errors.Error(
          `${spec.name} did not return a signing secret for the webhook, and this connection has no Webhook Signing Secret. ` +
            `Reconnect ${spec.name} and fill it in. ${config.secretHelp}`,
          'no_secret',
          400,
        );
      }
      return { id: String(id), owner, ...(secret ? { secret } : {}) };
    });

  const performUnsubscribe = (z: ZObject, bundle: Bundle): Promise<{ id: string; deleted: boolean }> =>
    zapierErrors(z, spec, deleteOp, async () => {
      const { id, owner } = subscribeDataOf(bundle);
      if (!id) return { id: '', deleted: false };
      try {
        await clientFor(spec, z, bundle).call(deleteOp.name, { [config.ownerField]: owner ?? authField(bundle, config.ownerField), [config.webhookIdField]: id });
        return { id, deleted: true };
      } catch (e) {
        // Already removed is what unsubscribing wants.
        if (e instanceof CallbridgeError && e.status === 404) return { id, deleted: false };
        throw e;
      }
    });

  const perform = async (z: ZObject, bundle: Bundle): Promise<Item[]> => {
    const secret = subscribeDataOf(bundle).secret ?? authField(bundle, WEBHOOK_SECRET_FIELD);
    const req = hookRequest(bundle);
    const verified = verifyWebhook(spec, { rawBody: req.body, headers: req.headers, secret });
    if (!verified.ok) {
      throw new z.errors.Error(`Rejected a request to this trigger's hook URL that ${spec.name} did not sign: ${verified.message}`, verified.reason, 401);
    }
    try {
      const event = normalizeWebhook(spec, { rawBody: req.body, headers: req.headers });
      if (event.event !== ev.event) return [];
      const body = event.data as Item;
      return [{ ...body, id: typeof body['id'] === 'string' && body['id'] !== '' ? body['id'] : event.id }];
    } catch (e) {
      if (e instanceof WebhookPayloadError) throw new z.errors.Error(`${spec.name} sent a signed webhook that cannot be read: ${e.message}`, e.reason, 400);
      throw e;
    }
  };

  const performList = async (z: ZObject, bundle: Bundle): Promise<Item[]> => (ev.recent ? ev.recent(z, bundle) : []);

  return defineTrigger({
    key: snakeKey(ev.event),
    noun: ev.noun,
    display: { label: ev.label, description: ev.description },
    operation: {
      type: 'hook',
      performSubscribe,
      performUnsubscribe,
      perform,
      performList,
      sample,
      outputFields: outputFieldsFrom(sample),
    },
  });
}
