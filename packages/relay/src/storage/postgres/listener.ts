import { Client, type ClientConfig } from 'pg';

export interface ReplicaListenerOptions {
  config: ClientConfig;
  /** The wake channel: a NOTIFY whose payload is another replica's id means new work. */
  channel: string;
  /** More channels to LISTEN on, each with its handler (payloads are the sender's business). */
  channels?: Readonly<Record<string, (payload: string) => void>>;
  replicaId: string;
  /** This replica's advisory-lock key: held for as long as the session lives. */
  lockKey: string;
  /** A NOTIFY from another replica arrived, or the connection came back (notifications may have been missed). */
  onWake: () => void;
  /** The connection came back: notifications on `channels` may have been missed meanwhile. */
  onReconnect?: () => void;
  onError?: (e: Error) => void;
}

const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 5_000;

/**
 * The replica's own session, apart from the pool: it LISTENs for new work and holds the
 * advisory lock that marks this replica alive (other replicas free the leases of a replica
 * whose lock has gone). A dropped connection is retried with backoff; on return it locks
 * and registers again and wakes the worker, since notifications sent meanwhile are lost.
 */
export class ReplicaListener {
  readonly #o: ReplicaListenerOptions;
  #client: Client | undefined;
  #closed = false;
  #retryMs = RECONNECT_MIN_MS;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ReplicaListenerOptions) {
    this.#o = options;
  }

  /** Connects, locks, registers and listens; rejects when the first connection fails. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async #connect(): Promise<void> {
    const client = new Client({ ...this.#o.config, keepAlive: true });
    client.on('error', (e) => this.#lost(client, e));
    client.on('end', () => this.#lost(client, new Error('listener connection ended')));
    client.on('notification', (n) => {
      if (n.channel === this.#o.channel) {
        if (n.payload !== this.#o.replicaId) this.#o.onWake();
        return;
      }
      this.#o.channels?.[n.channel]?.(n.payload ?? '');
    });
    try {
      await client.connect();
      await client.query('SELECT pg_advisory_lock($1::bigint)', [this.#o.lockKey]);
      await client.query(
        'INSERT INTO replicas (id, lock_key, started_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
        [this.#o.replicaId, this.#o.lockKey, Date.now()],
      );
      await client.query(`LISTEN ${this.#o.channel}`);
      for (const channel of Object.keys(this.#o.channels ?? {})) await client.query(`LISTEN ${channel}`);
    } catch (e) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw e;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#retryMs = RECONNECT_MIN_MS;
  }

  #lost(client: Client, e: Error): void {
    if (this.#closed || this.#client !== client) return;
    this.#client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.#o.onError?.(e);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, RECONNECT_MAX_MS);
    this.#timer = setTimeout(() => {
      this.#connect().then(
        () => {
          this.#o.onWake();
          this.#o.onReconnect?.();
        },
        (e: unknown) => {
          this.#o.onError?.(e instanceof Error ? e : new Error(String(e)));
          this.#scheduleReconnect();
        },
      );
    }, wait);
    this.#timer.unref();
  }

  get connected(): boolean {
    return this.#client !== undefined;
  }

  /** Ends the session, which also releases the lock: the replica is gone. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}
