import type { PoolConfig } from 'pg';

/**
 * Turning the relay's PostgreSQL settings into pg's, and pg's connection failures into
 * start-up errors a person can act on. The password in a URL is never shown: every message
 * and log line uses `redactUrl`.
 */
export interface PostgresSettings {
  /** postgres:// or postgresql:// URL; a `schema` query parameter, if any, is read by the relay, not pg. */
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
  /** Where the relay's tables live (created if missing). */
  schema: string;
}

export const DEFAULT_SCHEMA = 'callbridge_relay';
/** Lower-case identifiers only: they need no quoting in search_path, channel names or SQL. */
export const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,49}$/;
const CONNECT_TIMEOUT_MS = 10_000;

/** The URL with its password replaced, for logs and error messages. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    // Unparseable: show only the scheme, never text that may hold a password.
    return `${raw.split(':')[0] ?? 'postgres'}://…`;
  }
}

/** The URL without the relay's own `schema` parameter, which pg would not understand. */
export function connectionString(raw: string): string {
  const url = new URL(raw);
  url.searchParams.delete('schema');
  return url.toString();
}

export function poolConfig(settings: PostgresSettings, max: number): PoolConfig {
  return {
    connectionString: connectionString(settings.url),
    max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: settings.statementTimeoutMs,
    application_name: 'callbridge-relay',
    options: `-c search_path=${settings.schema}`,
  };
}

export class PostgresUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostgresUnavailableError';
  }
}

/** Why a connection failed, in words that say what to check. */
export function explainConnectError(e: unknown, url: string): PostgresUnavailableError {
  const where = redactUrl(url);
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const message = e instanceof Error ? e.message : String(e);
  const hint =
    code === 'ECONNREFUSED'
      ? 'nothing is listening there; is PostgreSQL running and is the host and port right?'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'the host name does not resolve'
        : code === '28P01' || code === '28000'
          ? 'the server refused the user name or password'
          : code === '3D000'
            ? 'that database does not exist; create it first (CREATE DATABASE)'
            : /timeout/i.test(message)
              ? `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`
              : message;
  return new PostgresUnavailableError(`could not connect to PostgreSQL at ${where}: ${hint}${hint === message ? '' : ` (${message})`}`);
}
