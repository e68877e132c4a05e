export { loadRelayConfig, describeConfig, RelayConfigError, DEFAULT_RETRY_SCHEDULE_MS } from './config';
export type { RelayConfig, RelayFlags, ProviderCredentials, DatabaseConfig, TrustProxy } from './config';
export { startRelay, type RunningRelay, type StartOptions } from './relay';
export { startBanner } from './banner';
export { parseDuration, parseRetrySchedule, formatDuration } from './durations';
export type { RelayStorage } from './storage/types';
export { RELAY_NODE_FLAGS, parseRelayArgs } from './main';
export { SETTINGS, settingsHelp, type Setting } from './settings';
