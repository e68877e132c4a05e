/**
 * Every setting the relay reads from its environment, once: its name, its default and one
 * line on what it does. config.ts takes its defaults from here and `callbridge help relay`
 * prints this table, so a setting added here is documented everywhere at once.
 */
export interface Setting {
  /** The environment variable; `<PROVIDER>_…` stands for one variable per provider. */
  readonly name: string;
  /** The value used when the variable is unset, in the variable's own syntax; absent when there is none. */
  readonly default?: string;
  /** What happens when it is unset, for settings whose default is not a plain value. */
  readonly unsetMeans?: string;
  readonly description: string;
}

const table = [
  { name: 'RELAY_HOST', default: '0.0.0.0', description: 'address to listen on (--host)' },
  { name: 'RELAY_PORT', default: '8080', description: 'port to listen on, 0 for any free one (--port)' },
  {
    name: 'RELAY_DATABASE_URL',
    default: 'sqlite:./data/relay.db',
    description: 'storage: sqlite:<file> (embedded) or postgres://user:password@host/db for several replicas (--database)',
  },
  {
    name: 'RELAY_PG_SCHEMA',
    unsetMeans: "the URL's ?schema=, else callbridge_relay",
    description: 'PostgreSQL schema holding the tables (created if missing)',
  },
  { name: 'RELAY_PG_POOL_SIZE', default: '10', description: 'PostgreSQL connections in this replica’s pool' },
  { name: 'RELAY_PG_STATEMENT_TIMEOUT', default: '5s', description: 'longest a PostgreSQL statement may run' },
  {
    name: 'RELAY_API_TOKEN',
    unsetMeans: 'generated at first start, printed once, stored hashed',
    description: 'admin bearer token for /v1 (at least 16 characters)',
  },
  {
    name: 'RELAY_RETRY_SCHEDULE',
    default: '5s,5m,30m,2h,5h,10h,10h',
    description: 'waits between delivery attempts, after a first attempt at once; then the delivery is dead',
  },
  { name: 'RELAY_MAX_BODY_BYTES', default: '256kb', description: 'largest inbound webhook or API body (bytes, or 256kb, 1mb)' },
  {
    name: 'RELAY_ALLOW_PRIVATE_TARGETS',
    default: 'false',
    description: 'let subscriptions target loopback and private addresses (local testing, one LAN)',
  },
  { name: 'RELAY_DELIVERY_TIMEOUT', default: '10s', description: 'how long a receiver has to answer a delivery' },
  {
    name: 'RELAY_RATE_LIMIT',
    default: '600',
    description: 'on /v1, requests per minute per token, and failed authentications per minute per client address; 0 turns both off',
  },
  { name: 'RELAY_DELIVERY_CONCURRENCY', default: '256', description: 'deliveries in flight at once, in all' },
  { name: 'RELAY_SUBSCRIPTION_CONCURRENCY', default: '64', description: 'deliveries in flight at once to one subscription' },
  { name: 'RELAY_MAX_RETRY_AFTER', default: '1h', description: 'the longest Retry-After a receiver can make the relay wait' },
  { name: 'RELAY_LOG_LEVEL', default: 'info', description: 'trace, debug, info, warn, error, fatal or silent' },
  {
    name: 'RELAY_STREAM_HEARTBEAT',
    default: '15s',
    description: 'interval of the comment line that keeps GET /v1/events/stream open through proxies',
  },
  {
    name: 'RELAY_TRUST_PROXY',
    default: 'off',
    description: 'whose X-Forwarded-For names the client behind a proxy: off, true (every hop), a hop count, or a comma list of proxy addresses/CIDRs',
  },
  {
    name: 'RELAY_MAX_JSON_DEPTH',
    default: '64',
    description: 'deepest nesting of objects and arrays in a webhook body, 1 to 1000 (400 too_deeply_nested beyond)',
  },
  {
    name: 'RELAY_DISABLE_AFTER',
    default: '5d',
    description: 'a subscription whose every delivery failed for this long is disabled',
  },
  {
    name: 'RELAY_SECRET_OVERLAP',
    default: '24h',
    description: 'after a secret rotation, deliveries are signed with the old secret too for this long',
  },
  {
    name: 'RELAY_RETENTION',
    default: '30d',
    description: 'events older than this are deleted once none of their deliveries is pending; 0 keeps everything',
  },
  { name: 'RELAY_PRUNE_INTERVAL', default: '1m', description: 'how often retention runs, in small batches' },
  {
    name: 'RELAY_ENCRYPTION_KEY',
    unsetMeans: 'on SQLite, generated into a 0600 file beside the database',
    description: 'AES-256-GCM key for stored secrets: 32 bytes as 64 hex digits or base64',
  },
  {
    name: 'RELAY_PUBLIC_URL',
    unsetMeans: "taken from each request's Host",
    description: 'the relay’s external URL, used in the hook_url of sources',
  },
  {
    name: 'RELAY_LOG_FORMAT',
    unsetMeans: 'pretty on a terminal, json otherwise',
    description: 'pretty or json',
  },
  { name: '<PROVIDER>_WEBHOOK_SECRET', description: 'verifies POST /hooks/<provider> (the default source)' },
  { name: '<PROVIDER>_API_KEY', description: 'used by POST /v1/actions/<provider>/<operation>' },
  { name: '<PROVIDER>_BASE_URL', unsetMeans: "the provider's own API", description: 'overrides the provider’s base URL, e.g. the sandbox' },
] as const satisfies readonly Setting[];

export type SettingName = (typeof table)[number]['name'];

/** The settings in the order help lists them. */
export const SETTINGS: readonly Setting[] = table;

type WithDefault = Extract<(typeof table)[number], { default: string }>['name'];

/** The default of a setting that has one, exactly as a person would write it in the variable. */
export function settingDefault(name: WithDefault): string {
  const found = SETTINGS.find((s) => s.name === name);
  if (found?.default === undefined) throw new Error(`setting ${name} has no default`);
  return found.default;
}

/** The settings as help text, one line each: name, default (`-` for none), what it does. */
export function settingsHelp(indent = '  '): string {
  const nameWidth = Math.max(...SETTINGS.map((s) => s.name.length)) + 2;
  const defaultWidth = Math.max(...SETTINGS.map((s) => (s.default ?? '-').length)) + 2;
  return SETTINGS.map((s) => {
    const unset = s.unsetMeans !== undefined ? `; unset: ${s.unsetMeans}` : '';
    return `${indent}${s.name.padEnd(nameWidth)}${(s.default ?? '-').padEnd(defaultWidth)}${s.description}${unset}`;
  }).join('\n');
}
