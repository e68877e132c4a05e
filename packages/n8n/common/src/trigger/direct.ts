import type { INodeProperties, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import {
  normalizeWebhook,
  verifyWebhook,
  WebhookPayloadError,
  type HmacSignatureScheme,
  type NormalizedEvent,
  type ProviderSpec,
} from '../core';
import { eventJson, isWanted, webhookSpecOf } from './events';
import { ignore, readDelivery, refuse } from './request';

/**
 * Deliveries signed by the provider itself: the provider's HMAC over the raw body,
 * checked in constant time by core before anything else is read. A forgery gets a 401
 * and starts nothing.
 */

export interface DirectOptions {
  /** The signing secret; empty refuses every delivery rather than accepting unsigned ones. */
  secret: string;
  /** Events the workflow wants; empty means all. */
  events: readonly string[];
  /** Overrides for providers whose signature scheme is assumed rather than documented. */
  scheme?: Partial<HmacSignatureScheme>;
}

export async function receiveProviderDelivery(
  ctx: IWebhookFunctions,
  spec: ProviderSpec,
  options: DirectOptions,
): Promise<IWebhookResponseData> {
  const { rawBody, headers } = await readDelivery(ctx);
  if (rawBody === undefined) return refuse(ctx, 401, { error: 'unverifiable', message: 'the raw request body is not available' });
  const verdict = verifyWebhook(spec, {
    rawBody,
    headers,
    secret: options.secret,
    ...(options.scheme ? { scheme: options.scheme } : {}),
  });
  if (!verdict.ok) return refuse(ctx, 401, { error: 'invalid_signature', reason: verdict.reason });

  let event: NormalizedEvent;
  try {
    event = normalizeWebhook(spec, { rawBody, headers });
  } catch (e) {
    if (!(e instanceof WebhookPayloadError)) throw e;
    // Signed, but an event this node does not know: acknowledge it so the provider does not retry.
    if (e.reason === 'unknown_event') return ignore(`${spec.id}.unknown`);
    return refuse(ctx, 400, { error: e.reason, message: e.message });
  }
  if (!isWanted(options.events, event.event)) return ignore(event.type);
  return { workflowData: [[{ json: eventJson(event) }]] };
}

/**
 * Signature settings for providers whose documents only say "HMAC-signed": core's
 * assumed scheme is the default, and each part can be changed to match what arrives.
 */
export function signatureOptionsProperty(spec: ProviderSpec): INodeProperties {
  const scheme = webhookSpecOf(spec).signature;
  return {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    options: [
      {
        displayName: 'Signature Encoding',
        name: 'signatureEncoding',
        type: 'options',
        options: [
          { name: 'Base64', value: 'base64' },
          { name: 'Hex', value: 'hex' },
        ],
        default: scheme.encoding,
        description: `How the signature is encoded; ${spec.name}'s assumed default is ${scheme.encoding}`,
      },
      {
        displayName: 'Signature Header',
        name: 'signatureHeader',
        type: 'string',
        default: scheme.header,
        description: `The header carrying the signature; the assumed default is ${scheme.header}`,
      },
      {
        displayName: 'Signature Prefix',
        name: 'signaturePrefix',
        type: 'string',
        default: scheme.prefix,
        description: `Text before the signature in the header; the assumed default is "${scheme.prefix}"`,
      },
    ],
  };
}

/** The scheme overrides the Options collection holds. */
export function schemeOverrides(raw: unknown): Partial<HmacSignatureScheme> {
  if (raw === null || typeof raw !== 'object') return {};
  const o = raw as Record<string, unknown>;
  const out: Partial<HmacSignatureScheme> = {};
  if (typeof o['signatureHeader'] === 'string' && o['signatureHeader'].trim() !== '') out.header = o['signatureHeader'].trim().toLowerCase();
  if (typeof o['signaturePrefix'] === 'string') out.prefix = o['signaturePrefix'];
  if (o['signatureEncoding'] === 'hex' || o['signatureEncoding'] === 'base64') out.encoding = o['signatureEncoding'];
  return out;
}
