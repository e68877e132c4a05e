/**
 * Where the relay keeps events, subscriptions and deliveries. Every method is async and
 * batch-shaped so that a networked backend fits behind it without the HTTP or delivery code
 * changing: `ingest` takes a batch committed at once (group commit), `claimDue` hands out
 * deliveries under a lease (PostgreSQL: `FOR UPDATE SKIP LOCKED`), and `onWake` tells the
 * worker that new work exists (PostgreSQL: `LISTEN/NOTIFY`).
 */

export type SubscriptionStatus = 'active' | 'disabled';
export type DeliveryState = 'pending' | 'succeeded' | 'dead' | 'cancelled';

/** The source of events made by `POST /v1/subscriptions/<id>/test`: never fanned out or streamed. */
export const TEST_SOURCE = 'test';
/** The environment-configured source behind `POST /hooks/<provider>`. */
export const DEFAULT_SOURCE = 'default';

export interface NewEvent {
  id: string;
  type: string;
  provider: string;
  /** The provider's own event name. */
  event: string;
  createdAt: string;
  /** Epoch ms when the relay received it. */
  receivedAt: number;
  /** Deduplicates per source: unique among stored events. */
  dedupeKey: string;
  /** The provider's payload as JSON text. */
  data: string;
  /** `default`, a `src_…` id, or `test`; absent means `default`. */
  source?: string;
}

export interface IngestResult {
  /** The stored id: the first one's when this event was a duplicate. */
  id: string;
  duplicate: boolean;
  /** Deliveries created for it (0 for a duplicate). */
  deliveries: number;
  /** Subscriptions whose type and source matched but whose filter did not (no delivery made). */
  filtered: number;
}

export interface StoredEvent {
  id: string;
  type: string;
  provider: string;
  event: string;
  createdAt: string;
  receivedAt: number;
  dedupeKey: string;
  data: string;
  source: string;
  test: boolean;
}

/**
 * What storage keeps of a subscription. Secret-bearing fields (`secret`, `previousSecret`,
 * header values) are opaque to storage: the layer above stores them encrypted.
 */
export interface NewSubscription {
  id: string;
  targetUrl: string;
  events: readonly string[];
  headers: Readonly<Record<string, string>>;
  secret: string;
  createdAt: string;
  description?: string | null;
  /** The filter as canonical JSON text, or null. */
  filter?: string | null;
  rateLimitPerSecond?: number | null;
  /** Sources it receives from; null means every source. */
  sources?: readonly string[] | null;
}

export interface Subscription {
  id: string;
  targetUrl: string;
  events: string[];
  headers: Record<string, string>;
  secret: string;
  createdAt: string;
  updatedAt: string;
  description: string | null;
  filter: string | null;
  rateLimitPerSecond: number | null;
  sources: string[] | null;
  status: SubscriptionStatus;
  disabledReason: string | null;
  /** The secret before the last rotation, signed with until `previousSecretExpiresAt` (epoch ms). */
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
}

/** A change to a subscription: only the fields present change. */
export interface SubscriptionPatch {
  targetUrl?: string;
  events?: readonly string[];
  headers?: Readonly<Record<string, string>>;
  description?: string | null;
  filter?: string | null;
  rateLimitPerSecond?: number | null;
  sources?: readonly string[] | null;
  /** Disabling cancels its pending deliveries; enabling clears the reason. */
  status?: { status: 'active' } | { status: 'disabled'; reason: string };
}

export interface DeliveryRecord {
  id: number;
  eventId: string;
  eventType: string;
  provider: string;
  source: string;
  subscriptionId: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface AttemptRecord {
  deliveryId: number;
  subscriptionId: string;
  attempt: number;
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
  status: number | null;
  error: string | null;
  outcome: DeliveryOutcomeKind;
  responseBody: string | null;
}

/** A leased delivery with everything needed to send it. */
export interface ClaimedDelivery {
  id: number;
  /** Attempts made before this one, in all (numbers the attempt records). */
  attempts: number;
  /** Attempts made since the delivery was created or last replayed (picks the retry wait). */
  scheduleAttempts: number;
  event: { id: string; type: string; provider: string; createdAt: string; receivedAt: number; data: string; source: string; test: boolean };
  subscription: {
    id: string;
    targetUrl: string;
    headers: Record<string, string>;
    /** The current secret, then the previous one while a rotation's overlap lasts (stored form). */
    secrets: string[];
  };
}

export type DeliveryOutcomeKind = 'success' | 'retry' | 'dead' | 'gone';

export interface DeliveryOutcome {
  deliveryId: number;
  subscriptionId: string;
  /** The lease holder: a completion from a worker whose lease was taken over changes no state. */
  owner: string;
  kind: DeliveryOutcomeKind;
  /** For `retry`: when to try again, epoch ms. */
  nextAttemptAt?: number;
  attempt: Omit<AttemptRecord, 'deliveryId' | 'subscriptionId' | 'outcome'>;
}

export interface ClaimRequest {
  now: number;
  limit: number;
  leaseMs: number;
  owner: string;
  /**
   * At most this many deliveries in flight to one subscription, counting `inFlight`, so that
   * one slow receiver never takes every slot.
   */
  perSubscriptionLimit: number;
  inFlight: ReadonlyMap<string, number>;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface EventFilter {
  provider?: string;
  type?: string;
  source?: string;
  /** A scoped token's sources: only events of these. */
  scope?: readonly string[];
  limit: number;
  cursor?: string;
}

/** Which events a live stream wants. An absent list places no condition. */
export interface EventStreamFilter {
  /** Exact event types; an event matches when its type is here or its provider is in `providers`. */
  types?: readonly string[];
  /** Providers whose every event is wanted (`vyora.*`). */
  providers?: readonly string[];
  /** Source ids (`default` is the environment-configured one); a scoped token's stream never names others. */
  sources?: readonly string[];
}

/** What a stream resumed after an event missed. */
export interface EventsAfter {
  /** In receive order: the newest `limit` matching events received after the given one (never test events). */
  events: StoredEvent[];
  /** More than `limit` matched: the oldest of them were left out. */
  more: boolean;
}

export interface DeliveryFilter {
  source?: string;
  /** A scoped token's sources: only deliveries of events of these. */
  scope?: readonly string[];
  state?: DeliveryState;
  subscriptionId?: string;
  provider?: string;
  type?: string;
  eventId?: string;
  deliveryId?: number;
}

export interface DeliveryListFilter extends DeliveryFilter {
  limit: number;
  cursor?: string;
}

export interface ReplayResult {
  /** Deliveries set to go again. */
  replayed: number;
  /** Deliveries left alone because their subscription is disabled or deleted. */
  skipped: number;
}

/**
 * What /healthz and /metrics show on every probe and scrape: counts that stay cheap however
 * many events are stored (each is served by a partial or state index, never a table scan).
 */
export interface StorageStats {
  pending: number;
  dead: number;
}

/** One batch of retention: events received before `before`, none of whose deliveries is pending. */
export interface PruneRequest {
  before: number;
  /** Scan events with a seq above this (0 to start). */
  afterSeq: number;
  /** Events scanned in this batch. */
  limit: number;
}

export interface PruneResult {
  /** The last seq scanned: the next batch starts after it; null when nothing was left to scan. */
  lastSeq: number | null;
  /** True when the scan met an event received at or after `before`: the run can stop. */
  reachedCutoff: boolean;
  events: number;
  deliveries: number;
  attempts: number;
}

export interface CompleteOptions {
  /** A subscription none of whose attempts has succeeded for this long is disabled (0 = never). */
  disableAfterMs: number;
}

export interface CompleteResult {
  /** Subscriptions disabled by these outcomes (410 or failing too long), with the reason. */
  disabled: Array<{ id: string; reason: string }>;
}

export interface SourceRecord {
  id: string;
  provider: string;
  name: string;
  /** Stored form (encrypted by the layer above). */
  webhookSecret: string | null;
  apiKey: string | null;
  baseUrl: string | null;
  organizationId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SourcePatch {
  name?: string;
  webhookSecret?: string | null;
  apiKey?: string | null;
  baseUrl?: string | null;
  organizationId?: string | null;
}

export interface TokenRecord {
  id: string;
  name: string;
  /** Hex SHA-256 of the token: the token itself is never stored. */
  tokenHash: string;
  sources: string[];
  createdAt: string;
  lastUsedAt: number | null;
}

/** A secret-bearing value as stored, for encrypting plain values and re-keying. */
export interface SecretField {
  table: 'subscriptions' | 'sources';
  id: string;
  column: 'secret' | 'previous_secret' | 'headers' | 'webhook_secret' | 'api_key';
  value: string;
}

/** What changed, for caches kept beside storage (filters, sources, tokens). */
export type ConfigChange = 'subscriptions' | 'sources' | 'tokens';

export interface RelayStorage {
  readonly kind: string;
  /** Stores a batch in one durable commit and fans each new event out to the matching subscriptions. */
  ingest(events: readonly NewEvent[]): Promise<IngestResult[]>;

  createSubscription(sub: NewSubscription): Promise<Subscription>;
  getSubscription(id: string): Promise<Subscription | null>;
  /** With `scope`, only subscriptions limited to sources all within it. */
  listSubscriptions(limit: number, cursor?: string, scope?: readonly string[]): Promise<Page<Subscription>>;
  /** Applies a patch; null when it does not exist. Disabling cancels its pending deliveries. */
  updateSubscription(id: string, patch: SubscriptionPatch, now: number): Promise<Subscription | null>;
  /** Makes `secret` current and keeps the old one, signed with until `previousExpiresAt`. */
  rotateSecret(id: string, secret: string, previousExpiresAt: number, now: number): Promise<Subscription | null>;
  /** Deletes it and cancels its pending deliveries; false when it did not exist. */
  deleteSubscription(id: string): Promise<boolean>;
  /** Stores a test event (never fanned out) with one delivery to this active subscription. */
  addTestDelivery(event: NewEvent, subscriptionId: string, now: number): Promise<{ eventId: string; deliveryId: number } | null>;

  getEvent(id: string): Promise<StoredEvent | null>;
  listEvents(filter: EventFilter): Promise<Page<StoredEvent>>;
  listDeliveries(filter: DeliveryListFilter): Promise<Page<DeliveryRecord>>;
  listAttempts(eventId: string): Promise<AttemptRecord[]>;
  /**
   * The events received after `afterId` that match, for a stream resuming with Last-Event-ID;
   * null when no event has that id (never stored, or deleted by retention).
   */
  listEventsAfter(afterId: string, limit: number, filter: EventStreamFilter): Promise<EventsAfter | null>;

  claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]>;
  /** Records a batch of attempts and their outcomes in one commit. */
  complete(outcomes: readonly DeliveryOutcome[], now: number, options?: CompleteOptions): Promise<CompleteResult>;
  /** Gives back this owner's leases at shutdown so a restart need not wait for them to expire. */
  releaseLeases(owner: string): Promise<void>;
  /** When the earliest pending delivery comes due, or null when none is pending. */
  nextDueAt(): Promise<number | null>;

  /** Sets matching finished or pending deliveries to go again now, with a fresh schedule. */
  replayDeliveries(filter: DeliveryFilter, now: number): Promise<ReplayResult>;
  /** Gives an event a delivery to a subscription that never had one (subscribed after it arrived). */
  addDelivery(eventId: string, subscriptionId: string, now: number): Promise<boolean>;

  /** Deletes one batch of events past retention with their deliveries and attempts. */
  prune(request: PruneRequest): Promise<PruneResult>;

  createSource(source: SourceRecord): Promise<SourceRecord>;
  getSource(id: string): Promise<SourceRecord | null>;
  listSources(limit: number, cursor?: string): Promise<Page<SourceRecord>>;
  updateSource(id: string, patch: SourcePatch, updatedAt: string): Promise<SourceRecord | null>;
  deleteSource(id: string): Promise<boolean>;

  createToken(token: TokenRecord): Promise<TokenRecord>;
  listTokens(limit: number, cursor?: string): Promise<Page<TokenRecord>>;
  deleteToken(id: string): Promise<boolean>;
  /** Records when tokens were last used (called sparingly, in batches). */
  touchTokens(ids: readonly string[], now: number): Promise<void>;

  /** Every secret-bearing value, for encrypting plain values at start and for re-keying. */
  readSecrets(): Promise<SecretField[]>;
  /** Writes values read by readSecrets back, in one transaction. */
  writeSecrets(fields: readonly SecretField[]): Promise<void>;

  /** Pending and dead deliveries, of `scope`'s sources only when given. */
  stats(scope?: readonly string[]): Promise<StorageStats>;
  /** Throws when storage cannot be read and written. */
  health(): Promise<void>;

  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;

  /** Called when deliveries may have become due; returns a function that stops listening. */
  onWake(listener: () => void): () => void;
  /**
   * Called when subscriptions, sources or tokens changed, here or (PostgreSQL) in another
   * replica, so that caches kept beside storage reload.
   */
  onConfigChange(listener: (change: ConfigChange) => void): () => void;
  /**
   * Called with the events another process sharing this storage has just committed through
   * `ingest`, in its commit order (PostgreSQL replicas, through NOTIFY); this process's own
   * ingest reports its events itself. `onMissed` is called when this process may have missed
   * some (its notification session dropped and came back, or reading announced events
   * failed): whoever streams them live should have its clients resume from storage. Neither
   * is ever called on SQLite, whose file one process owns.
   */
  onRemoteEvents(listener: (events: StoredEvent[]) => void, onMissed?: () => void): () => void;
  close(): Promise<void>;
}
