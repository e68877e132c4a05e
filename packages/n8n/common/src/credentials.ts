import type { IAuthenticateGeneric, ICredentialTestRequest, IDataObject, INodeProperties } from 'n8n-workflow';
import type { ProviderSpec } from './core';

/**
 * Credential pieces built from a provider's spec: how the key is sent (core's auth
 * scheme), which cheap authenticated read tests it (core's testOperation), and, for
 * providers that sign webhooks, the signing secret the trigger verifies with.
 */

export interface ApiCredentialOptions {
  /** Where the user finds the webhook signing secret, for providers with webhooks. */
  webhookSecretHelp?: string;
  /** False leaves the secret out for a package whose nodes receive no webhooks. */
  webhookSecret?: boolean;
}

export function apiCredentialProperties(spec: ProviderSpec, options: ApiCredentialOptions = {}): INodeProperties[] {
  const props: INodeProperties[] = [
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      required: true,
      default: '',
      description: spec.keyHelp,
    },
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: spec.baseUrl,
      description: `The ${spec.name} API address. Change it only to reach a sandbox or a proxy.`,
    },
  ];
  if (spec.webhooks && options.webhookSecret !== false) {
    props.push({
      displayName: 'Webhook Signing Secret',
      name: 'webhookSecret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description:
        options.webhookSecretHelp ??
        `The secret ${spec.name} signs webhook deliveries with; the trigger refuses deliveries whose signature does not match.`,
    });
  }
  return props;
}

export function apiAuthenticate(spec: ProviderSpec): IAuthenticateGeneric {
  const headers: IDataObject =
    spec.auth.type === 'bearer'
      ? { Authorization: '=Bearer {{$credentials.apiKey}}' }
      : { [spec.auth.header]: '={{$credentials.apiKey}}' };
  return { type: 'generic', properties: { headers } };
}

/** A request for the credential test: the spec's test operation, asking for as little as the API allows. */
export function apiCredentialTest(spec: ProviderSpec): ICredentialTestRequest {
  const op = spec.operations[spec.testOperation];
  if (!op || op.path.includes('{')) throw new Error(`${spec.id}: test operation ${spec.testOperation} must need no path fields`);
  const qs: IDataObject = {};
  if (op.list) {
    const p = spec.pagination;
    if (p.style === 'offset') qs[p.limitParam] = 1;
    if (p.style === 'page' || p.style === 'cursor') qs[p.sizeParam] = 1;
  }
  return {
    request: {
      baseURL: '={{$credentials.baseUrl}}',
      url: op.path,
      method: op.method,
      ...(Object.keys(qs).length > 0 ? { qs } : {}),
    },
  };
}

/** The callbridge relay's subscription API, for triggers that receive events through a relay. */
export function relayCredentialProperties(): INodeProperties[] {
  return [
    {
      displayName: 'Relay URL',
      name: 'relayUrl',
      type: 'string',
      required: true,
      default: '',
      placeholder: 'https://relay.example.com',
      description: 'The address of your callbridge relay; n8n must be able to reach it and it must be able to reach n8n',
    },
    {
      displayName: 'API Token',
      name: 'apiToken',
      type: 'string',
      typeOptions: { password: true },
      required: true,
      default: '',
      description:
        "The relay's admin token (RELAY_API_TOKEN), or a token scoped to one client's sources (POST /v1/tokens), which then sees and subscribes to that client's events only. Sent as a Bearer token.",
    },
  ];
}

export function relayAuthenticate(): IAuthenticateGeneric {
  return { type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.apiToken}}' } } };
}

export function relayCredentialTest(): ICredentialTestRequest {
  return { request: { baseURL: '={{$credentials.relayUrl}}', url: '/v1/subscriptions', method: 'GET' } };
}
