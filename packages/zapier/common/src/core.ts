/**
 * The parts of @callbridge/core the Zapier apps use, imported module by module from core's
 * source. esbuild bundles them into each app's dist, so a deployed app carries core inside
 * it and needs no workspace link (Zapier installs only the app folder's own dependencies).
 */
export { ProviderClient, type ClientOptions } from '../../../core/src/client';
export { CallbridgeError, ValidationError, type ValidationIssue } from '../../../core/src/errors';
export {
  describeFields,
  requiredFields,
  sampleItems,
  sampleOutput,
  zapierKind,
  type FieldDescriptor,
} from '../../../core/src/spec/describe';
export type { DynamicChoices, FieldKind } from '../../../core/src/spec/fields';
export { capitalize, titleCase, valueLabel, words } from '../../../core/src/spec/labels';
export type { OperationSpec, PaginationSpec, ProviderId, ProviderSpec, WebhookFilterField } from '../../../core/src/spec/types';
export {
  TransportError,
  lowerCaseHeaders,
  parseBodyText,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from '../../../core/src/transport/types';
export { getPath } from '../../../core/src/engine/path';
export { waitFromHeaders } from '../../../core/src/engine/retry';
export { verifyWebhook } from '../../../core/src/webhooks/provider';
export { verifyStandardWebhook } from '../../../core/src/webhooks/standard';
export { filterFieldsFor, relayFilter } from '../../../core/src/webhooks/filters';
export { normalizeWebhook, WebhookPayloadError, type NormalizedEvent } from '../../../core/src/webhooks/normalize';
export type { VerifyResult } from '../../../core/src/webhooks/types';
export { ayra } from '../../../core/src/providers/ayra';
export { vyora } from '../../../core/src/providers/vyora';
export { aila } from '../../../core/src/providers/aila';
export { ayla } from '../../../core/src/providers/ayla';
