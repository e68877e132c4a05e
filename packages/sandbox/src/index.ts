/**
 * @callbridge/sandbox: a local simulator of the Ayra, Vyora, Aila and Ayla APIs, following
 * their documents: auth and 401s, pagination, errors, real rate limits, call lifecycles and
 * signed webhooks, seeded data and fault injection.
 */
export { startSandbox, type RunningSandbox } from './sandbox';
export { SandboxOptionError, type AilaOrganizationOptions, type SandboxLogger, type SandboxOptions, type VyoraWorkspaceOptions } from './options';
export { DEFAULT_TIMINGS, type Timings } from './runtime';
export { DEMO_KEYS } from './providers';
export { AYRA_READONLY_KEY } from './providers/ayra/profile';
export { AILA_READONLY_KEY } from './providers/aila/profile';
export { AILA_ORGANIZATION_ID, AILA_EVENTS, type AilaEvent } from './providers/aila/data';
export { MAX_AILA_ORGANIZATIONS, type AilaOrganizationInfo } from './providers/aila/organizations';
export { VYORA_EVENTS, VYORA_STAGES } from './providers/vyora/calls';
export type { VyoraWorkspaceInfo } from './providers/vyora/control';
export { MAX_VYORA_WORKSPACES, VYORA_DEMO_WEBHOOK_SECRET } from './providers/vyora/workspaces';
export { FaultSpecError, type Fault, type FaultHandle, type InjectedFault } from './support/faults';
export type { RateRule } from './support/rate-limit';
export type { SandboxClock } from './support/scheduler';
export { DEFAULT_WEBHOOK_RETRY, type DeliveryAttempt, type DeliveryRecord, type WebhookRetry } from './webhooks/deliverer';
export type { PostResult } from './webhooks/post';
export { buildSampleEvent, sendSampleEvent, SampleEventError, type SampleEvent, type SampleEventOptions } from './events/sample';
export { sandboxBanner, DEFAULT_SANDBOX_PORT } from './banner';
export { relayRoot, RelayWiringError, sourceName, wireToRelay, type RelayWiring, type RelayWiringOptions, type WiredWorkspace } from './relay-wiring';
