import {
  NodeConnectionTypes,
  type IHookFunctions,
  type INodeType,
  type INodeTypeDescription,
  type IWebhookFunctions,
  type IWebhookResponseData,
} from 'n8n-workflow';
import { vyora } from '../../../../core/src/providers/vyora';
import { receiveProviderDelivery } from '../../../common/src/trigger/direct';
import { eventsProperty, selectedEvents } from '../../../common/src/trigger/events';
import {
  receiveRelayDelivery,
  relayCheckExists,
  relayCreate,
  relayDelete,
  relayFilterOf,
  relayFiltersProperty,
} from '../../../common/src/trigger/relay';

function mode(ctx: IHookFunctions | IWebhookFunctions): 'direct' | 'relay' {
  return ctx.getNodeParameter('mode', 'direct') === 'relay' ? 'relay' : 'direct';
}

function events(ctx: IHookFunctions | IWebhookFunctions): string[] {
  return selectedEvents(ctx.getNodeParameter('events', []));
}

export class VyoraTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Vyora Trigger',
    name: 'vyoraTrigger',
    icon: { light: 'file:../../icons/vyora.svg', dark: 'file:../../icons/vyora.dark.svg' },
    group: ['trigger'],
    version: 1,
    subtitle: '={{$parameter["events"].join(", ")}}',
    description: 'Starts the workflow when Vyora reports a call event',
    defaults: { name: 'Vyora Trigger' },
    inputs: [],
    outputs: [NodeConnectionTypes.Main],
    credentials: [
      { name: 'vyoraApi', required: true, displayOptions: { show: { mode: ['direct'] } } },
      { name: 'vyoraRelayApi', required: true, displayOptions: { show: { mode: ['relay'] } } },
    ],
    webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
    properties: [
      {
        displayName: 'Mode',
        name: 'mode',
        type: 'options',
        noDataExpression: true,
        options: [
          {
            name: 'Direct',
            value: 'direct',
            description: "Vyora posts to this node's URL, which you paste into Vyora under Settings → Integrations",
          },
          {
            name: 'Through a Relay',
            value: 'relay',
            description: 'A callbridge relay receives Vyora\'s webhooks; this node subscribes to it when the workflow is activated',
          },
        ],
        default: 'direct',
      },
      {
        displayName:
          "Copy this node's Production URL into Vyora under Settings → Integrations, and put Vyora's webhook secret into the credential. Deliveries without a valid signature are refused.",
        name: 'directNotice',
        type: 'notice',
        default: '',
        displayOptions: { show: { mode: ['direct'] } },
      },
      eventsProperty(vyora, 'The call events that start the workflow; none selected: every event', { required: false }),
      relayFiltersProperty(vyora),
    ],
  };

  webhookMethods = {
    default: {
      async checkExists(this: IHookFunctions): Promise<boolean> {
        // In direct mode the user registers the URL in Vyora: there is nothing to create.
        if (mode(this) === 'direct') return true;
        return relayCheckExists(this, 'vyoraRelayApi', vyora, events(this), relayFilterOf(this, vyora));
      },
      async create(this: IHookFunctions): Promise<boolean> {
        if (mode(this) === 'direct') return true;
        return relayCreate(this, 'vyoraRelayApi', vyora, events(this), relayFilterOf(this, vyora));
      },
      async delete(this: IHookFunctions): Promise<boolean> {
        if (mode(this) === 'direct') return true;
        return relayDelete(this, 'vyoraRelayApi');
      },
    },
  };

  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    if (mode(this) === 'relay') return receiveRelayDelivery(this, vyora, events(this));
    const credentials = await this.getCredentials('vyoraApi');
    const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
    return receiveProviderDelivery(this, vyora, { secret, events: events(this) });
  }
}
