import {
  NodeConnectionTypes,
  UnexpectedError,
  type IDataObject,
  type IHookFunctions,
  type INodeProperties,
  type INodeType,
  type INodeTypeDescription,
  type IWebhookFunctions,
  type IWebhookResponseData,
} from 'n8n-workflow';
import { aila } from '../../../../core/src/providers/aila';
import { describeFields } from '../../../../core/src/spec/describe';
import { fieldProperty } from '../../../common/src/properties';
import { receiveProviderDelivery, schemeOverrides, signatureOptionsProperty } from '../../../common/src/trigger/direct';
import { endpointCheckExists, endpointCreate, endpointDelete, endpointSecret, type EndpointConfig } from '../../../common/src/trigger/endpoints';
import { eventsProperty, selectedEvents, webhookSpecOf } from '../../../common/src/trigger/events';

const endpoints: EndpointConfig = {
  spec: aila,
  credentialType: 'ailaApi',
  create: 'webhooks.create',
  list: 'webhooks.list',
  remove: 'webhooks.delete',
  idField: 'webhook_id',
  scopeFields: ['organization_id'],
};

/** The organization field exactly as core describes it for webhooks.create. */
function organizationProperty(): INodeProperties {
  const f = describeFields(aila.operations['webhooks.create']).find((d) => d.name === 'organization_id');
  if (!f) throw new UnexpectedError('aila webhooks.create has no organization_id field');
  return fieldProperty(f, false);
}

function events(ctx: IHookFunctions | IWebhookFunctions): string[] {
  return selectedEvents(ctx.getNodeParameter('events', []));
}

export class AilaTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Aila Trigger',
    name: 'ailaTrigger',
    icon: { light: 'file:../../icons/aila.svg', dark: 'file:../../icons/aila.dark.svg' },
    group: ['trigger'],
    version: 1,
    subtitle: '={{$parameter["events"].join(", ")}}',
    description: 'Starts the workflow when Aila sends an event; registers its own webhook endpoint with Aila',
    defaults: { name: 'Aila Trigger' },
    inputs: [],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'ailaApi', required: true }],
    webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
    properties: [
      organizationProperty(),
      eventsProperty(aila, 'The Aila events that start the workflow; the endpoint is registered for these only'),
      signatureOptionsProperty(aila),
    ],
  };

  webhookMethods = {
    default: {
      async checkExists(this: IHookFunctions): Promise<boolean> {
        return endpointCheckExists(this, endpoints);
      },
      async create(this: IHookFunctions): Promise<boolean> {
        const selected = events(this);
        return endpointCreate(this, endpoints, selected.length > 0 ? selected : webhookSpecOf(aila).events);
      },
      async delete(this: IHookFunctions): Promise<boolean> {
        return endpointDelete(this, endpoints);
      },
    },
  };

  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    const credentials = (await this.getCredentials('ailaApi')) as IDataObject;
    const secret = endpointSecret(this.getWorkflowStaticData('node'), credentials);
    return receiveProviderDelivery(this, aila, {
      secret,
      events: events(this),
      scheme: schemeOverrides(this.getNodeParameter('options', {})),
    });
  }
}
