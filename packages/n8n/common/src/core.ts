/**
 * The parts of @callbridge/core the n8n nodes use, imported module by module rather than
 * through core's index: the index also exports the axios transport and the Node-only
 * helpers, which must not reach a bundle that runs inside n8n.
 */
export { ProviderClient, type ClientOptions } from '../../../core/src/client';
export {
  CallbridgeError,
  ValidationError,
  normalizeProviderError,
  type ValidationIssue,
} from '../../../core/src/errors';
export { describeFields, requiredFields, type FieldDescriptor } from '../../../core/src/spec/describe';
export type { FieldKind } from '../../../core/src/spec/fields';
export type { OperationSpec, PaginationSpec, ProviderSpec, WebhookSpec, WebhookFilterField, HmacSignatureScheme } from '../../../core/src/spec/types';
export {
  TransportError,
  lowerCaseHeaders,
  parseBodyText,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from '../../../core/src/transport/types';
export { getPath } from '../../../core/src/engine/path';
export { verifyWebhook } from '../../../core/src/webhooks/provider';
export { verifyStandardWebhook } from '../../../core/src/webhooks/standard';
export { filterFieldsFor, relayFilter } from '../../../core/src/webhooks/filters';
export { normalizeWebhook, WebhookPayloadError, type NormalizedEvent } from '../../../core/src/webhooks/normalize';
export type { VerifyResult } from '../../../core/src/webhooks/types';
