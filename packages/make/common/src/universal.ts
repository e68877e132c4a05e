import type { ProviderSpec } from '@callbridge/core';
import type { MakeParameter, Request } from './schemas';

/**
 * "Make an API Call": any request to the provider's API with the connection's key and base
 * URL, for endpoints core does not describe yet. Make's usual universal module.
 */

export function universalParameters(spec: ProviderSpec): MakeParameter[] {
  const pair: MakeParameter[] = [
    { name: 'key', type: 'text', label: 'Key', required: true },
    { name: 'value', type: 'text', label: 'Value' },
  ];
  return [
    {
      name: 'url',
      type: 'text',
      label: 'URL',
      help: `A path below the connection's base URL (${spec.baseUrl}), starting with a slash, e.g. ${Object.values(spec.operations)[0]?.path ?? '/'}.`,
      required: true,
    },
    {
      name: 'method',
      type: 'select',
      label: 'Method',
      required: true,
      options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => ({ label: m, value: m })),
    },
    { name: 'headers', type: 'array', label: 'Headers', help: 'Extra headers. The API key is added for you.', spec: { type: 'collection', spec: pair } },
    { name: 'qs', type: 'array', label: 'Query String', spec: { type: 'collection', spec: pair } },
    { name: 'body', type: 'text', label: 'Body', help: 'The request body as JSON text, e.g. {"name": "Jane"}; add a Content-Type: application/json header with it.', multiline: true },
  ];
}

export function universalCommunication(): Request {
  return {
    url: '{{parameters.url}}',
    method: '{{parameters.method}}',
    headers: '{{toCollection(parameters.headers; "key"; "value")}}',
    qs: '{{toCollection(parameters.qs; "key"; "value")}}',
    body: '{{parameters.body}}',
    // The body is sent as typed: JSON text stays the user's JSON.
    type: 'text',
    response: { output: { body: '{{body}}', headers: '{{headers}}', statusCode: '{{statusCode}}' } },
  };
}

export const UNIVERSAL_INTERFACE: MakeParameter[] = [
  { name: 'body', type: 'any', label: 'Body' },
  { name: 'headers', type: 'collection', label: 'Headers', spec: [] },
  { name: 'statusCode', type: 'number', label: 'Status Code' },
];
