import type {
  AttemptRecord,
  DeliveryOutcomeKind,
  DeliveryRecord,
  DeliveryState,
  SecretField,
  SourceRecord,
  StoredEvent,
  Subscription,
  SubscriptionStatus,
  TokenRecord,
} from './types';

/**
 * Row readers and mappers shared by both backends, so a stored record reads back the same
 * from SQLite and PostgreSQL. node:sqlite may return integers as bigint; pg returns BIGINT
 * as text (it may exceed 2^53, the relay's values never do).
 */
export type Row = Record<string, unknown>;

export function str(row: Row, key: string): string {
  const v = row[key];
  if (typeof v !== 'string') throw new Error(`storage: column ${key} is not text`);
  return v;
}

export function strOrNull(row: Row, key: string): string | null {
  const v = row[key];
  return typeof v === 'string' ? v : null;
}

export function num(row: Row, key: string): number {
  const v = row[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new Error(`storage: column ${key} is not a number`);
}

export function numOrNull(row: Row, key: string): number | null {
  const v = row[key];
  return v === null || v === undefined ? null : num(row, key);
}

export function jsonRecord(text: string): Record<string, string> {
  const parsed: unknown = JSON.parse(text);
  const out: Record<string, string> = {};
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** A list of strings: a PostgreSQL text[] arrives as an array, SQLite keeps it as JSON text. */
export function strings(row: Row, key: string): string[] {
  const raw = row[key];
  const v: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function stringsOrNull(row: Row, key: string): string[] | null {
  return row[key] === null || row[key] === undefined ? null : strings(row, key);
}

/** SQLite keeps booleans as 0/1, PostgreSQL as booleans. */
export function bool(row: Row, key: string): boolean {
  const v = row[key];
  return v === true || v === 1 || v === 1n || v === '1' || v === 't';
}

export const EVENT_COLUMNS = 'e.seq, e.id, e.provider, e.type, e.event, e.created_at, e.received_at, e.dedupe_key, e.data, e.source, e.test';

export function toEvent(row: Row): StoredEvent {
  return {
    id: str(row, 'id'),
    provider: str(row, 'provider'),
    type: str(row, 'type'),
    event: str(row, 'event'),
    createdAt: str(row, 'created_at'),
    receivedAt: num(row, 'received_at'),
    dedupeKey: str(row, 'dedupe_key'),
    data: str(row, 'data'),
    source: str(row, 'source'),
    test: bool(row, 'test'),
  };
}

export function toSubscription(row: Row): Subscription {
  return {
    id: str(row, 'id'),
    targetUrl: str(row, 'target_url'),
    events: strings(row, 'events'),
    headers: jsonRecord(str(row, 'headers')),
    secret: str(row, 'secret'),
    createdAt: str(row, 'created_at'),
    updatedAt: strOrNull(row, 'updated_at') ?? str(row, 'created_at'),
    description: strOrNull(row, 'description'),
    filter: strOrNull(row, 'filter'),
    rateLimitPerSecond: numOrNull(row, 'rate_limit'),
    sources: stringsOrNull(row, 'sources'),
    status: str(row, 'status') as SubscriptionStatus,
    disabledReason: strOrNull(row, 'disabled_reason'),
    previousSecret: strOrNull(row, 'previous_secret'),
    previousSecretExpiresAt: numOrNull(row, 'previous_secret_expires_at'),
  };
}

/** The secrets a delivery is signed with: the current one, then the previous one while its overlap lasts. */
export function signingSecrets(row: Row, now: number): string[] {
  const previous = strOrNull(row, 'previous_secret');
  const until = numOrNull(row, 'previous_secret_expires_at');
  return previous !== null && until !== null && until > now ? [str(row, 'secret'), previous] : [str(row, 'secret')];
}

export function toSource(row: Row): SourceRecord {
  return {
    id: str(row, 'id'),
    provider: str(row, 'provider'),
    name: str(row, 'name'),
    webhookSecret: strOrNull(row, 'webhook_secret'),
    apiKey: strOrNull(row, 'api_key'),
    baseUrl: strOrNull(row, 'base_url'),
    organizationId: strOrNull(row, 'organization_id'),
    createdAt: str(row, 'created_at'),
    updatedAt: str(row, 'updated_at'),
  };
}

export function toToken(row: Row): TokenRecord {
  return {
    id: str(row, 'id'),
    name: str(row, 'name'),
    tokenHash: str(row, 'token_hash'),
    sources: strings(row, 'sources'),
    createdAt: str(row, 'created_at'),
    lastUsedAt: numOrNull(row, 'last_used_at'),
  };
}

export const DELIVERY_COLUMNS = `d.id, d.subscription_id, d.state, d.attempts, d.next_attempt_at, d.last_status, d.last_error,
  d.created_at, d.updated_at, e.id AS event_id, e.type AS event_type, e.provider, e.source`;

export function toDelivery(row: Row): DeliveryRecord {
  return {
    id: num(row, 'id'),
    eventId: str(row, 'event_id'),
    eventType: str(row, 'event_type'),
    provider: str(row, 'provider'),
    source: str(row, 'source'),
    subscriptionId: str(row, 'subscription_id'),
    state: str(row, 'state') as DeliveryState,
    attempts: num(row, 'attempts'),
    nextAttemptAt: numOrNull(row, 'next_attempt_at'),
    lastStatus: numOrNull(row, 'last_status'),
    lastError: strOrNull(row, 'last_error'),
    createdAt: num(row, 'created_at'),
    updatedAt: num(row, 'updated_at'),
  };
}

export function toAttempt(row: Row): AttemptRecord {
  return {
    deliveryId: num(row, 'delivery_id'),
    subscriptionId: str(row, 'subscription_id'),
    attempt: num(row, 'attempt'),
    startedAt: num(row, 'started_at'),
    durationMs: num(row, 'duration_ms'),
    status: numOrNull(row, 'status'),
    error: strOrNull(row, 'error'),
    outcome: str(row, 'outcome') as DeliveryOutcomeKind,
    responseBody: strOrNull(row, 'response_body'),
  };
}

/**
 * The secret-bearing values of subscription rows (id, secret, previous_secret, headers) and
 * source rows (id, webhook_secret, api_key), as the fields `readSecrets` hands out.
 */
export function secretFields(subscriptions: readonly Row[], sources: readonly Row[]): SecretField[] {
  const out: SecretField[] = [];
  for (const r of subscriptions) {
    const id = str(r, 'id');
    out.push({ table: 'subscriptions', id, column: 'secret', value: str(r, 'secret') });
    const previous = strOrNull(r, 'previous_secret');
    if (previous !== null) out.push({ table: 'subscriptions', id, column: 'previous_secret', value: previous });
    out.push({ table: 'subscriptions', id, column: 'headers', value: str(r, 'headers') });
  }
  for (const r of sources) {
    const id = str(r, 'id');
    const secret = strOrNull(r, 'webhook_secret');
    const key = strOrNull(r, 'api_key');
    if (secret !== null) out.push({ table: 'sources', id, column: 'webhook_secret', value: secret });
    if (key !== null) out.push({ table: 'sources', id, column: 'api_key', value: key });
  }
  return out;
}

/** The SELECTs whose rows `secretFields` reads, the same on both backends. */
export const SECRET_QUERIES = {
  subscriptions: 'SELECT id, secret, previous_secret, headers FROM subscriptions ORDER BY seq',
  sources: 'SELECT id, webhook_secret, api_key FROM sources ORDER BY seq',
} as const;

/**
 * The UPDATE writing one field back; `value` and `id` are its two parameters, in that order
 * (`?` on SQLite, `$1`/`$2` on PostgreSQL). Table and column come from a closed set (the
 * SecretField type), never from a caller's text.
 */
export function updateSecretSql(field: SecretField, dialect: 'sqlite' | 'postgres'): string {
  const [value, id] = dialect === 'sqlite' ? ['?', '?'] : ['$1', '$2'];
  return `UPDATE ${field.table} SET ${field.column} = ${value} WHERE id = ${id}`;
}
