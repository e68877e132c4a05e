/**
 * Where the relay keeps events, subscriptions and deliveries. Every method is async and
 * batch-shaped so that a networked backend fits behind it without the HTTP or delivery code
 * changing: `ingest` takes a batch committed at once (group commit), `claimDue` hands out
 * deliveries under a lease (PostgreSQL: `FOR UPDATE SKIP LOCKED`), and `onWake` tells the
 * worker that new work exists (PostgreSQL: `LISTEN/NOTIFY`).
 */

export type SubscriptionStatus = 'active' | 'disabled';
export type DeliveryState = 'pending' | 'succeeded' | 'dead' | 'cancelled';

export interface NewEvent {
  id: string;
  type: string;
  provider: string;
  /** The provider's own event name. */
  event: string;
  createdAt: string;
  /** Epoch ms when the relay received it. */
  receivedAt: number;
  dedupeKey: string;
  /** The provider's payload as JSON text. */
  data: string;
}

export interface IngestResult {
  /** The stored id: the first one's when this event was a duplicate. */
  id: string;
  duplicate: boolean;
  /** Deliveries created for it (0 for a duplicate). */
  deliveries: number;
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
}

export interface NewSubscription {
  id: string;
  targetUrl: string;
  events: readonly string[];
  headers: Readonly<Record<string, string>>;
  secret: string;
  createdAt: string;
}

export interface Subscription extends NewSubscription {
  status: SubscriptionStatus;
  disabledReason: string | null;
}

export interface DeliveryRecord {
  id: number;
  eventId: string;
  eventType: string;
  provider: string;
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
  event: { id: string; type: string; provider: string; createdAt: string; receivedAt: number; data: string };
  subscription: { id: string; targetUrl: string; headers: Record<string, string>; secret: string };
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
  limit: number;
  cursor?: string;
}

export interface DeliveryFilter {
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

export interface RelayStorage {
  readonly kind: string;
  /** Stores a batch in one durable commit and fans each new event out to the matching subscriptions. */
  ingest(events: readonly NewEvent[]): Promise<IngestResult[]>;

  createSubscription(sub: NewSubscription): Promise<Subscription>;
  getSubscription(id: string): Promise<Subscription | null>;
  listSubscriptions(limit: number, cursor?: string): Promise<Page<Subscription>>;
  /** Deletes it and cancels its pending deliveries; false when it did not exist. */
  deleteSubscription(id: string): Promise<boolean>;

  getEvent(id: string): Promise<StoredEvent | null>;
  listEvents(filter: EventFilter): Promise<Page<StoredEvent>>;
  listDeliveries(filter: DeliveryListFilter): Promise<Page<DeliveryRecord>>;
  listAttempts(eventId: string): Promise<AttemptRecord[]>;

  claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]>;
  /** Records a batch of attempts and their outcomes in one commit. */
  complete(outcomes: readonly DeliveryOutcome[], now: number): Promise<void>;
  /** Gives back this owner's leases at shutdown so a restart need not wait for them to expire. */
  releaseLeases(owner: string): Promise<void>;
  /** When the earliest pending delivery comes due, or null when none is pending. */
  nextDueAt(): Promise<number | null>;

  /** Sets matching finished or pending deliveries to go again now, with a fresh schedule. */
  replayDeliveries(filter: DeliveryFilter, now: number): Promise<ReplayResult>;
  /** Gives an event a delivery to a subscription that never had one (subscribed after it arrived). */
  addDelivery(eventId: string, subscriptionId: string, now: number): Promise<boolean>;

  stats(): Promise<StorageStats>;
  /** Throws when storage cannot be read and written. */
  health(): Promise<void>;

  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;

  /** Called when deliveries may have become due; returns a function that stops listening. */
  onWake(listener: () => void): () => void;
  close(): Promise<void>;
}
