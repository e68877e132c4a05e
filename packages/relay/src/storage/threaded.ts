import { Worker } from 'node:worker_threads';
import type { IngestOutcome, InboundWebhook, WebhookSecrets } from '../ingest/admit';
import { InvalidCursorError } from './cursor';
import { packInbound } from './inbound-wire';
import type { StorageMethod, StorageRequest, WorkerMessage } from './thread-protocol';
import type { RelayStorage } from './types';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export interface CheckpointerOptions {
  /** The compiled sqlite-checkpointer worker. */
  file: string;
  /** WAL pages at which the WAL is rewound (default 8192: 32 MiB of 4 KiB pages). */
  restartPages?: number;
  /** How often it copies what the WAL holds (default 100 ms). */
  intervalMs?: number;
}

const RESTART_PAGES = 8192;
const CHECKPOINT_INTERVAL_MS = 100;

function startCheckpointer(options: CheckpointerOptions, path: string): Worker {
  const worker = new Worker(options.file, {
    workerData: { path, intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS, restartPages: options.restartPages ?? RESTART_PAGES },
    resourceLimits: { maxYoungGenerationSizeMb: 1 },
  });
  // If it dies, the writer's fallback checkpoint still bounds the WAL: nothing is lost.
  worker.on('error', () => undefined);
  worker.unref();
  return worker;
}

async function stopCheckpointer(worker: Worker | undefined): Promise<void> {
  if (!worker) return;
  const stopped = new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    worker.on('message', (m: { type?: string }) => {
      if (m.type === 'stopped') resolve();
    });
  });
  worker.postMessage({ type: 'stop' });
  await Promise.race([stopped, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
  await worker.terminate();
}

/**
 * SqliteStorage run in a worker thread (sqlite-worker), seen through the same async
 * interface. The relay's HTTP and delivery code cannot tell the difference; what changes
 * is that fsyncs no longer stall the event loop.
 */
export class ThreadedSqliteStorage implements RelayStorage {
  readonly kind = 'sqlite';
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<() => void>();
  readonly #ready: Promise<void>;
  #checkpointer: Worker | undefined;
  #nextId = 1;
  #failure: Error | null = null;
  #closed = false;
  #closing = false;

  /**
   * `webhookSecrets` lets the thread admit raw webhooks itself (ingestInbound);
   * `checkpointer` runs WAL checkpoints in a second thread, off the commit path.
   */
  constructor(workerFile: string, path: string, options: { webhookSecrets?: WebhookSecrets; checkpointer?: CheckpointerOptions } = {}) {
    // The thread allocates little and briefly: a small young generation keeps its RSS down.
    this.#worker = new Worker(workerFile, {
      workerData: {
        path,
        secrets: options.webhookSecrets ?? {},
        // With a checkpointer, the writer checkpoints by itself only if the WAL grows far past
        // the point where that thread rewinds it, e.g. if the thread died.
        ...(options.checkpointer ? { autoCheckpointPages: 4 * (options.checkpointer.restartPages ?? RESTART_PAGES) } : {}),
      },
      resourceLimits: { maxYoungGenerationSizeMb: 2 },
    });
    let readyResolve: () => void = () => undefined;
    let readyReject: (e: Error) => void = () => undefined;
    this.#ready = new Promise<void>((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    // A failed open must not be an unhandled rejection before anyone awaits a call.
    this.#ready.catch(() => undefined);
    this.#worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'reply') {
        const p = this.#pending.get(msg.id);
        if (!p) return;
        this.#pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(msg.error.name === 'InvalidCursorError' ? new InvalidCursorError() : Object.assign(new Error(msg.error.message), { name: msg.error.name }));
      } else if (msg.type === 'wake') {
        for (const l of this.#listeners) l();
      } else if (msg.type === 'ready') {
        // The schema exists now, so the checkpointer's connection finds a WAL database.
        if (options.checkpointer) this.#checkpointer = startCheckpointer(options.checkpointer, path);
        readyResolve();
      } else if (msg.type === 'fatal') {
        this.#fail(new Error(`storage could not open: ${msg.message}`));
        readyReject(this.#failure as Error);
      }
    });
    this.#worker.on('error', (e) => {
      this.#fail(e);
      readyReject(e);
    });
    this.#worker.on('exit', (code) => {
      if (!this.#closing) this.#fail(new Error(`storage thread exited with code ${code}`));
      else this.#fail(new Error('storage is closed'));
      readyReject(this.#failure ?? new Error('storage thread exited'));
    });
  }

  /** Resolves once the database is open, or rejects with why it could not be. */
  ready(): Promise<void> {
    return this.#ready;
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    for (const p of this.#pending.values()) p.reject(this.#failure);
    this.#pending.clear();
  }

  #send<T>(req: StorageRequest, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    if ((this.#closed || this.#closing) && req.method !== 'close') return Promise.reject(new Error('storage is closed'));
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(req.id, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage(req, transfer);
    });
  }

  #call<T>(method: StorageMethod, ...args: unknown[]): Promise<T> {
    return this.#send({ id: this.#nextId++, method, args });
  }

  /**
   * Verifies, normalizes and commits a batch of raw webhooks in the thread, with the secrets
   * it was started with: one message each way per batch, and the main thread spends its
   * time on HTTP alone.
   */
  ingestInbound(batch: readonly InboundWebhook[]): Promise<IngestOutcome[]> {
    const packed = packInbound(batch);
    return this.#send({ id: this.#nextId++, method: 'ingestInbound', args: [packed] }, [packed.bodies]);
  }

  ingest: RelayStorage['ingest'] = (events) => this.#call('ingest', events);
  createSubscription: RelayStorage['createSubscription'] = (sub) => this.#call('createSubscription', sub);
  getSubscription: RelayStorage['getSubscription'] = (id) => this.#call('getSubscription', id);
  listSubscriptions: RelayStorage['listSubscriptions'] = (limit, cursor) => this.#call('listSubscriptions', limit, cursor);
  deleteSubscription: RelayStorage['deleteSubscription'] = (id) => this.#call('deleteSubscription', id);
  getEvent: RelayStorage['getEvent'] = (id) => this.#call('getEvent', id);
  listEvents: RelayStorage['listEvents'] = (filter) => this.#call('listEvents', filter);
  listDeliveries: RelayStorage['listDeliveries'] = (filter) => this.#call('listDeliveries', filter);
  listAttempts: RelayStorage['listAttempts'] = (eventId) => this.#call('listAttempts', eventId);
  claimDue: RelayStorage['claimDue'] = (request) => this.#call('claimDue', request);
  complete: RelayStorage['complete'] = (outcomes, now) => this.#call('complete', outcomes, now);
  releaseLeases: RelayStorage['releaseLeases'] = (owner) => this.#call('releaseLeases', owner);
  nextDueAt: RelayStorage['nextDueAt'] = () => this.#call('nextDueAt');
  replayDeliveries: RelayStorage['replayDeliveries'] = (filter, now) => this.#call('replayDeliveries', filter, now);
  addDelivery: RelayStorage['addDelivery'] = (eventId, subscriptionId, now) => this.#call('addDelivery', eventId, subscriptionId, now);
  stats: RelayStorage['stats'] = () => this.#call('stats');
  health: RelayStorage['health'] = () => this.#call('health');
  getSetting: RelayStorage['getSetting'] = (key) => this.#call('getSetting', key);
  setSetting: RelayStorage['setSetting'] = (key, value) => this.#call('setSetting', key, value);

  onWake(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.#closed || this.#closing) return;
    // Set first: the thread's exit after its last reply is then no failure.
    this.#closing = true;
    try {
      await stopCheckpointer(this.#checkpointer);
      if (!this.#failure) await this.#call('close');
    } finally {
      this.#closed = true;
      this.#listeners.clear();
      await this.#worker.terminate();
    }
  }
}
