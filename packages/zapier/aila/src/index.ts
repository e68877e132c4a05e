import { buildApp } from '../../common/src/app';
import { aila } from '../../common/src/core';
import { snakeKey } from '../../common/src/names';
import { buildProviderHookTrigger, providerHookAuthFields, type ProviderHookConfig } from '../../common/src/triggers/provider-hooks';
import { version } from '../package.json';
import { ailaEvents } from './events';

/**
 * Aila on Zapier: Upload Call Recording, Update Contact, Find Call, Find Contact, Get Call
 * Quality, team metrics, "New Call / New Contact" polling triggers, and an instant trigger
 * for each documented webhook event, registered with Aila's own webhook endpoints.
 */

const hooks: ProviderHookConfig = {
  createOperation: 'webhooks.create',
  deleteOperation: 'webhooks.delete',
  urlField: 'url',
  eventsField: 'events',
  webhookIdField: 'webhook_id',
  ownerField: 'organization_id',
  ownerLabel: 'Organization ID',
  ownerHelp: 'Only for instant triggers: your Aila organization ID (e.g. org_5tq81), which owns the webhook endpoints Zapier registers.',
  secretHelp:
    "Only for instant triggers: the secret Aila signs webhooks with (HMAC-SHA256), from Aila's webhook settings. " +
    'Used when Aila does not return a secret as the webhook is registered.',
};

export default buildApp(aila, {
  version,
  auth: { extraFields: providerHookAuthFields(hooks) },
  instantTriggers: Object.fromEntries(ailaEvents(aila).map((ev) => [snakeKey(ev.event), buildProviderHookTrigger(aila, hooks, ev)])),
});
