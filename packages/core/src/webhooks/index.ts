export type { VerifyFailure, VerifyResult, WebhookHeaders } from './types';
export { signHmac, verifyHmac } from './hmac';
export { webhookEventId } from './event-id';
export { webhookScheme, verifyWebhook, signWebhook, type VerifyWebhookInput, type SignWebhookInput } from './provider';
export {
  generateWebhookSecret,
  signStandardWebhook,
  standardWebhookHeaders,
  verifyStandardWebhook,
  type StandardSignInput,
  type StandardVerifyInput,
} from './standard';
export {
  normalizeWebhook,
  WebhookPayloadError,
  type NormalizedEvent,
  type NormalizeWebhookInput,
  type WebhookPayloadFailure,
} from './normalize';
export { filterFieldsFor, relayFilter, type FilterFieldIssue, type RelayFilterResult } from './filters';
