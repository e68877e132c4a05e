import { PROVIDER_IDS, type ProviderId } from '@callbridge/core';
import ipaddr from 'ipaddr.js';
import { parseDuration, parseRetrySchedule } from './durations';
import { parseEncryptionKey } from './security/secret-box';
import { settingDefault } from './settings';

/**
 * The relay's configuration, read once at start from the environment and the CLI flags.
 * Every value is validated here so that a typo fails the start with the variable's name,
 * not a confusing error an hour later in the delivery worker.
 */

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'postgres';
      /** As given, password included: never log it (describeConfig redacts it). */
      url: string;
      /** Connections in this relay's pool (RELAY_PG_POOL_SIZE). */
      poolSize: number;
      /** Longest a statement may run (RELAY_PG_STATEMENT_TIMEOUT). */
      statementTimeoutMs: number;
      /** Where the relay's tables live: RELAY_PG_SCHEMA or the URL's `?schema=`, else callbridge_relay. */
      schema: string;
    };

export interface ProviderCredentials {
  /** Verifies `POST /hooks/<provider>`; absent means that route answers 401. */
  webhookSecret?: string;
  /** Used by `/v1/actions/<provider>/…`. */
  apiKey?: string;
  baseUrl?: string;
}

/**
 * Which peers may set X-Forwarded-For (fastify's trustProxy): none (false), every hop
 * (true), the nearest N hops, or the proxies at these addresses and CIDR ranges.
 */
export type TrustProxy = boolean | number | string[];

export interface RelayConfig {
  host: string;
  port: number;
  database: DatabaseConfig;
  /** The admin bearer token for `/v1`; absent means one is generated (or read hashed from storage). */
  apiToken?: string;
  /** Waits between attempts, in ms, after a first attempt at once. */
  retrySchedule: readonly number[];
  maxBodyBytes: number;
  /** Deepest nesting of objects and arrays accepted in a webhook body (400 too_deeply_nested beyond). */
  maxJsonDepth: number;
  /** Lets subscriptions target loopback and private networks (tests, a relay inside one LAN). */
  allowPrivateTargets: boolean;
  deliveryTimeoutMs: number;
  /**
   * Requests per minute on `/v1` for each token, and unauthenticated failures per minute for
   * each client address (a separate budget); 0 turns both limits off.
   */
  rateLimitPerMinute: number;
  /** Whose X-Forwarded-For gives the client address (RELAY_TRUST_PROXY); off by default. */
  trustProxy: TrustProxy;
  /** Deliveries in flight at once, in all and to one subscription. */
  deliveryConcurrency: number;
  perSubscriptionConcurrency: number;
  /** The longest `Retry-After` a receiver can make us wait. */
  maxRetryAfterMs: number;
  /** Events received longer ago than this are pruned (RELAY_RETENTION); 0 keeps everything. */
  retentionMs: number;
  /** How often retention runs (RELAY_PRUNE_INTERVAL). */
  pruneIntervalMs: number;
  /** A subscription none of whose deliveries succeeded for this long is disabled (RELAY_DISABLE_AFTER); 0 never. */
  disableAfterMs: number;
  /** How long a rotated-out subscription secret still signs deliveries (RELAY_SECRET_OVERLAP). */
  secretOverlapMs: number;
  /** RELAY_ENCRYPTION_KEY as given (checked when storage opens); absent: a key file on SQLite. */
  encryptionKey?: string;
  /** RELAY_PUBLIC_URL: how providers reach this relay, for the hook URLs it hands out. */
  publicUrl?: string;
  providers: Partial<Record<ProviderId, ProviderCredentials>>;
  /** pino level for the default logger. */
  logLevel: string;
  /** RELAY_LOG_FORMAT: readable lines or JSON; unset, readable on a terminal. */
  logFormat: 'pretty' | 'json';
  /** Between the comment lines that keep an idle `/v1/events/stream` open (RELAY_STREAM_HEARTBEAT). */
  streamHeartbeatMs: number;
}

export interface RelayFlags {
  host?: string;
  port?: string | number;
  database?: string;
}

/** A configuration value that cannot be used; `source` names the variable or flag. */
export class RelayConfigError extends Error {
  readonly source: string;

  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'RelayConfigError';
    this.source = source;
  }
}

export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = parseRetrySchedule(settingDefault('RELAY_RETRY_SCHEDULE'));

const KIB = 1024;
const DAY = 86_400_000;
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

type Env = Record<string, string | undefined>;

function value(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function parsePort(raw: string, source: string): number {
  if (!/^\d+$/.test(raw)) throw new RelayConfigError(source, `must be a port number from 0 to 65535, got "${raw}"`);
  const port = Number(raw);
  if (port > 65535) throw new RelayConfigError(source, `must be a port number from 0 to 65535, got ${port}`);
  return port;
}

function parseBoolean(raw: string, source: string): boolean {
  const v = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new RelayConfigError(source, `must be true or false, got "${raw}"`);
}

function parseInteger(raw: string, source: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new RelayConfigError(source, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new RelayConfigError(source, `must be a whole number from ${min} to ${max}, got ${n}`);
  return n;
}

const TRUST_PROXY_RULE =
  'must be off, true (every hop), a hop count, or a comma list of proxy addresses and CIDR ranges (e.g. 10.0.0.0/8,::1)';

/** RELAY_TRUST_PROXY: `off`, `true`, `2`, or `10.0.0.1, 192.168.0.0/16, ::1`. */
function parseTrustProxy(raw: string, source: string): TrustProxy {
  const v = raw.toLowerCase();
  if (['false', 'off', 'no'].includes(v)) return false;
  if (['true', 'on', 'yes'].includes(v)) return true;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 100) throw new RelayConfigError(source, `${TRUST_PROXY_RULE}; ${hops} hops is more than any real chain of proxies`);
    return hops === 0 ? false : hops;
  }
  const entries = raw.split(',').map((e) => e.trim());
  for (const entry of entries) {
    const valid = entry.includes('/')
      ? ipaddr.IPv4.isValidCIDRFourPartDecimal(entry) || ipaddr.IPv6.isValidCIDR(entry)
      : ipaddr.IPv4.isValidFourPartDecimal(entry) || ipaddr.IPv6.isValid(entry);
    if (!valid) throw new RelayConfigError(source, `${TRUST_PROXY_RULE}; "${entry}" is none of these (got "${raw}")`);
  }
  return entries;
}

/** `256kb`, `1mb`, `262144`: a size in bytes. */
function parseSize(raw: string, source: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|k|mb|mib|m)?$/i.exec(raw);
  if (!m) throw new RelayConfigError(source, `must be a size such as 262144, 256kb or 1mb, got "${raw}"`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? KIB : unit.startsWith('m') ? KIB * KIB : 1;
  const bytes = Math.floor(Number(m[1]) * factor);
  if (bytes < 1 || bytes > 64 * KIB * KIB) throw new RelayConfigError(source, `must be between 1 byte and 64mb, got "${raw}"`);
  return bytes;
}

const PG_SCHEMA = /^[a-z_][a-z0-9_]{0,49}$/;

function parsePostgres(raw: string, source: string, env: Env): DatabaseConfig {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The text may hold a password: name the rule, not the value.
    throw new RelayConfigError(source, 'is not a valid postgres:// URL (postgres://user:password@host:5432/database)');
  }
  if (!url.hostname) throw new RelayConfigError(source, 'names no host (postgres://user:password@host:5432/database)');
  const fromUrl = url.searchParams.get('schema') ?? undefined;
  const schemaEnv = value(env, 'RELAY_PG_SCHEMA');
  const schema = schemaEnv ?? fromUrl ?? 'callbridge_relay';
  const schemaSource = schemaEnv !== undefined ? 'RELAY_PG_SCHEMA' : `${source} ?schema=`;
  if (!PG_SCHEMA.test(schema)) {
    throw new RelayConfigError(schemaSource, `must be lower-case letters, digits and _ (at most 50, not starting with a digit), got "${schema}"`);
  }
  const poolRaw = value(env, 'RELAY_PG_POOL_SIZE') ?? settingDefault('RELAY_PG_POOL_SIZE');
  const timeoutRaw = value(env, 'RELAY_PG_STATEMENT_TIMEOUT') ?? settingDefault('RELAY_PG_STATEMENT_TIMEOUT');
  let statementTimeoutMs: number;
  try {
    statementTimeoutMs = parseDuration(timeoutRaw);
  } catch (e) {
    throw new RelayConfigError('RELAY_PG_STATEMENT_TIMEOUT', (e as Error).message);
  }
  if (statementTimeoutMs < 100 || statementTimeoutMs > 600_000) {
    throw new RelayConfigError('RELAY_PG_STATEMENT_TIMEOUT', `must be between 100 ms and 10 min, got "${timeoutRaw}"`);
  }
  return {
    kind: 'postgres',
    url: raw,
    poolSize: parseInteger(poolRaw, 'RELAY_PG_POOL_SIZE', 1, 1000),
    statementTimeoutMs,
    schema,
  };
}

function parseLogFormat(raw: string | undefined): 'pretty' | 'json' {
  if (raw === undefined) return process.stdout.isTTY === true ? 'pretty' : 'json';
  const v = raw.toLowerCase();
  if (v === 'pretty' || v === 'json') return v;
  throw new RelayConfigError('RELAY_LOG_FORMAT', `must be pretty or json, got "${raw}"`);
}

/** A database URL with its password replaced by ***, for logs and errors. */
export function redactDatabaseUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    // Text that is no URL may still carry user:password@: show none of it then.
    return raw.includes('@') ? '(a URL that could not be parsed; not shown)' : raw;
  }
}

function parseDatabase(raw: string, source: string, env: Env): DatabaseConfig {
  if (/^postgres(ql)?:\/\//i.test(raw)) return parsePostgres(raw, source, env);
  if (!raw.startsWith('sqlite:')) {
    throw new RelayConfigError(
      source,
      `must be an SQLite URL such as sqlite:./data/relay.db or a PostgreSQL URL such as postgres://user:password@host/db, got "${redactDatabaseUrl(raw)}"`,
    );
  }
  let path = raw.slice('sqlite:'.length);
  // sqlite:///abs/path and sqlite://rel/path are both common spellings of a file URL.
  if (path.startsWith('//')) path = path.slice(2);
  if (path === '') throw new RelayConfigError(source, 'names no database file (e.g. sqlite:./data/relay.db)');
  return { kind: 'sqlite', path };
}

function parseHost(raw: string, source: string): string {
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(raw)) throw new RelayConfigError(source, `must be a host name or IP address, got "${raw}"`);
  return raw.replace(/^\[(.*)\]$/, '$1');
}

function parseBaseUrl(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RelayConfigError(source, `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RelayConfigError(source, `must be an http or https URL, got "${url.protocol}"`);
  }
  return raw.replace(/\/+$/, '');
}

/**
 * Only the database settings (RELAY_DATABASE_URL or --database, and PostgreSQL's), for
 * commands that open the relay's storage without running a relay (`callbridge relay rekey`).
 */
export function loadDatabaseConfig(env: Env, flags: Pick<RelayFlags, 'database'> = {}): DatabaseConfig {
  const raw = flags.database ?? value(env, 'RELAY_DATABASE_URL') ?? settingDefault('RELAY_DATABASE_URL');
  return parseDatabase(raw, flags.database !== undefined ? '--database' : 'RELAY_DATABASE_URL', env);
}

/**
 * Reads the relay's configuration. Flags win over the environment. Throws a
 * RelayConfigError naming the first unusable variable or flag and what it must be.
 */
export function loadRelayConfig(env: Env, flags: RelayFlags = {}): RelayConfig {
  const hostRaw = flags.host ?? value(env, 'RELAY_HOST') ?? settingDefault('RELAY_HOST');
  const hostSource = flags.host !== undefined ? '--host' : 'RELAY_HOST';
  const portRaw = flags.port !== undefined ? String(flags.port) : (value(env, 'RELAY_PORT') ?? settingDefault('RELAY_PORT'));
  const portSource = flags.port !== undefined ? '--port' : 'RELAY_PORT';
  const dbRaw = flags.database ?? value(env, 'RELAY_DATABASE_URL') ?? settingDefault('RELAY_DATABASE_URL');
  const dbSource = flags.database !== undefined ? '--database' : 'RELAY_DATABASE_URL';

  const apiToken = value(env, 'RELAY_API_TOKEN');
  if (apiToken !== undefined && apiToken.length < 16) {
    throw new RelayConfigError('RELAY_API_TOKEN', 'must be at least 16 characters (leave it unset to have one generated)');
  }

  const scheduleRaw = value(env, 'RELAY_RETRY_SCHEDULE');
  let retrySchedule = DEFAULT_RETRY_SCHEDULE_MS;
  if (scheduleRaw !== undefined) {
    try {
      retrySchedule = parseRetrySchedule(scheduleRaw);
    } catch (e) {
      throw new RelayConfigError('RELAY_RETRY_SCHEDULE', (e as Error).message);
    }
  }

  const duration = (name: Parameters<typeof settingDefault>[0], minMs: number, maxMs: number): number => {
    const raw = value(env, name) ?? settingDefault(name);
    let ms: number;
    try {
      ms = parseDuration(raw);
    } catch (e) {
      throw new RelayConfigError(name, (e as Error).message);
    }
    if (ms < minMs || ms > maxMs) throw new RelayConfigError(name, `must be between ${minMs} ms and ${maxMs} ms, got "${raw}"`);
    return ms;
  };
  const integer = (name: Parameters<typeof settingDefault>[0], min: number, max: number): number =>
    parseInteger(value(env, name) ?? settingDefault(name), name, min, max);

  const providers: Partial<Record<ProviderId, ProviderCredentials>> = {};
  for (const id of PROVIDER_IDS) {
    const upper = id.toUpperCase();
    const creds: ProviderCredentials = {};
    const secret = value(env, `${upper}_WEBHOOK_SECRET`);
    const apiKey = value(env, `${upper}_API_KEY`);
    const baseUrl = value(env, `${upper}_BASE_URL`);
    if (secret !== undefined) creds.webhookSecret = secret;
    if (apiKey !== undefined) creds.apiKey = apiKey;
    if (baseUrl !== undefined) creds.baseUrl = parseBaseUrl(baseUrl, `${upper}_BASE_URL`);
    providers[id] = creds;
  }

  const logLevel = (value(env, 'RELAY_LOG_LEVEL') ?? settingDefault('RELAY_LOG_LEVEL')).toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) throw new RelayConfigError('RELAY_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);

  const allowRaw = value(env, 'RELAY_ALLOW_PRIVATE_TARGETS') ?? settingDefault('RELAY_ALLOW_PRIVATE_TARGETS');
  const trustRaw = value(env, 'RELAY_TRUST_PROXY') ?? settingDefault('RELAY_TRUST_PROXY');
  const encryptionKey = value(env, 'RELAY_ENCRYPTION_KEY');
  // Checked here so a typo stops the start before storage opens; never echoed.
  if (encryptionKey !== undefined) parseEncryptionKey(encryptionKey);
  const publicUrl = value(env, 'RELAY_PUBLIC_URL');
  const bodyRaw = value(env, 'RELAY_MAX_BODY_BYTES') ?? settingDefault('RELAY_MAX_BODY_BYTES');
  const deliveryTimeoutMs = duration('RELAY_DELIVERY_TIMEOUT', 100, 120_000);

  return {
    host: parseHost(hostRaw, hostSource),
    port: parsePort(portRaw, portSource),
    database: parseDatabase(dbRaw, dbSource, env),
    ...(apiToken !== undefined ? { apiToken } : {}),
    retrySchedule,
    maxBodyBytes: parseSize(bodyRaw, 'RELAY_MAX_BODY_BYTES'),
    // Far below the depth at which a recursive JSON walker (JSON.stringify, a receiver) overflows its stack.
    maxJsonDepth: integer('RELAY_MAX_JSON_DEPTH', 1, 1000),
    allowPrivateTargets: parseBoolean(allowRaw, 'RELAY_ALLOW_PRIVATE_TARGETS'),
    deliveryTimeoutMs,
    rateLimitPerMinute: integer('RELAY_RATE_LIMIT', 0, 1_000_000),
    trustProxy: parseTrustProxy(trustRaw, 'RELAY_TRUST_PROXY'),
    deliveryConcurrency: integer('RELAY_DELIVERY_CONCURRENCY', 1, 10_000),
    perSubscriptionConcurrency: integer('RELAY_SUBSCRIPTION_CONCURRENCY', 1, 10_000),
    maxRetryAfterMs: duration('RELAY_MAX_RETRY_AFTER', 0, 7 * 24 * 3_600_000),
    retentionMs: duration('RELAY_RETENTION', 0, 3650 * DAY),
    pruneIntervalMs: duration('RELAY_PRUNE_INTERVAL', 100, DAY),
    disableAfterMs: duration('RELAY_DISABLE_AFTER', 0, 365 * DAY),
    secretOverlapMs: duration('RELAY_SECRET_OVERLAP', 0, 30 * DAY),
    ...(encryptionKey !== undefined ? { encryptionKey } : {}),
    ...(publicUrl !== undefined ? { publicUrl: parseBaseUrl(publicUrl, 'RELAY_PUBLIC_URL') } : {}),
    providers,
    logLevel,
    logFormat: parseLogFormat(value(env, 'RELAY_LOG_FORMAT')),
    // Short enough for tests to see one; long enough that no one floods a stream by mistake.
    streamHeartbeatMs: duration('RELAY_STREAM_HEARTBEAT', 100, 10 * 60_000),
  };
}

/** The configuration with every secret left out, for the start-up log line. */
export function describeConfig(config: RelayConfig): Record<string, unknown> {
  const providers: Record<string, unknown> = {};
  for (const [id, creds] of Object.entries(config.providers)) {
    providers[id] = {
      webhookSecret: creds?.webhookSecret ? 'set' : 'not set',
      apiKey: creds?.apiKey ? 'set' : 'not set',
      ...(creds?.baseUrl ? { baseUrl: creds.baseUrl } : {}),
    };
  }
  return {
    host: config.host,
    port: config.port,
    database:
      config.database.kind === 'sqlite'
        ? `sqlite:${config.database.path}`
        : {
            url: redactDatabaseUrl(config.database.url),
            schema: config.database.schema,
            poolSize: config.database.poolSize,
            statementTimeoutMs: config.database.statementTimeoutMs,
          },
    apiToken: config.apiToken ? 'set' : 'not set',
    encryptionKey: config.encryptionKey ? 'set' : 'not set',
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    retrySchedule: config.retrySchedule,
    maxBodyBytes: config.maxBodyBytes,
    maxJsonDepth: config.maxJsonDepth,
    allowPrivateTargets: config.allowPrivateTargets,
    deliveryTimeoutMs: config.deliveryTimeoutMs,
    rateLimitPerMinute: config.rateLimitPerMinute,
    trustProxy: config.trustProxy,
    retentionMs: config.retentionMs,
    pruneIntervalMs: config.pruneIntervalMs,
    disableAfterMs: config.disableAfterMs,
    secretOverlapMs: config.secretOverlapMs,
    providers,
  };
}
