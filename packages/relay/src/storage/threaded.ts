import { Worker } from 'node:worker_threads';
import { InvalidCursorError } from './cursor';
import type { StorageMethod, StorageRequest, WorkerMessage } from './thread-protocol';
import type { ConfigChange, RelayStorage } from './types';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

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
  readonly #configListeners = new Set<(change: ConfigChange) => void>();
  readonly #ready: Promise<void>;
  #nextId = 1;
  #failure: Error | null = null;
  #closed = false;
  #closing = false;

  constructor(workerFile: string, path: string) {
    // The thread allocates little and briefly: a small young generation keeps its RSS down.
    this.#worker = new Worker(workerFile, { workerData: { path }, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
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
      } else if (msg.type === 'config') {
        for (const l of this.#configListeners) l(msg.change);
      } else if (msg.type === 'ready') {
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

  #call<T>(method: StorageMethod, ...args: unknown[]): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    if ((this.#closed || this.#closing) && method !== 'close') return Promise.reject(new Error('storage is closed'));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const req: StorageRequest = { id, method, args };
      this.#worker.postMessage(req);
    });
  }

  ingest: RelayStorage['ingest'] = (events) => this.#call('ingest', events);
  createSubscription: RelayStorage['createSubscription'] = (sub) => this.#call('createSubscription', sub);
  getSubscription: RelayStorage['getSubscription'] = (id) => this.#call('getSubscription', id);
  listSubscriptions: RelayStorage['listSubscriptions'] = (limit, cursor, scope) => this.#call('listSubscriptions', limit, cursor, scope);
  updateSubscription: RelayStorage['updateSubscription'] = (id, patch, now) => this.#call('updateSubscription', id, patch, now);
  rotateSecret: RelayStorage['rotateSecret'] = (id, secret, until, now) => this.#call('rotateSecret', id, secret, until, now);
  deleteSubscription: RelayStorage['deleteSubscription'] = (id) => this.#call('deleteSubscription', id);
  addTestDelivery: RelayStorage['addTestDelivery'] = (event, subscriptionId, now) => this.#call('addTestDelivery', event, subscriptionId, now);
  getEvent: RelayStorage['getEvent'] = (id) => this.#call('getEvent', id);
  listEvents: RelayStorage['listEvents'] = (filter) => this.#call('listEvents', filter);
  listDeliveries: RelayStorage['listDeliveries'] = (filter) => this.#call('listDeliveries', filter);
  listAttempts: RelayStorage['listAttempts'] = (eventId) => this.#call('listAttempts', eventId);
  listEventsAfter: RelayStorage['listEventsAfter'] = (afterId, limit, filter) => this.#call('listEventsAfter', afterId, limit, filter);
  claimDue: RelayStorage['claimDue'] = (request) => this.#call('claimDue', request);
  complete: RelayStorage['complete'] = (outcomes, now, options) => this.#call('complete', outcomes, now, options);
  releaseLeases: RelayStorage['releaseLeases'] = (owner) => this.#call('releaseLeases', owner);
  nextDueAt: RelayStorage['nextDueAt'] = () => this.#call('nextDueAt');
  replayDeliveries: RelayStorage['replayDeliveries'] = (filter, now) => this.#call('replayDeliveries', filter, now);
  addDelivery: RelayStorage['addDelivery'] = (eventId, subscriptionId, now) => this.#call('addDelivery', eventId, subscriptionId, now);
  prune: RelayStorage['prune'] = (request) => this.#call('prune', request);
  createSource: RelayStorage['createSource'] = (source) => this.#call('createSource', source);
  getSource: RelayStorage['getSource'] = (id) => this.#call('getSource', id);
  listSources: RelayStorage['listSources'] = (limit, cursor) => this.#call('listSources', limit, cursor);
  updateSource: RelayStorage['updateSource'] = (id, patch, updatedAt) => this.#call('updateSource', id, patch, updatedAt);
  deleteSource: RelayStorage['deleteSource'] = (id) => this.#call('deleteSource', id);
  createToken: RelayStorage['createToken'] = (token) => this.#call('createToken', token);
  listTokens: RelayStorage['listTokens'] = (limit, cursor) => this.#call('listTokens', limit, cursor);
  deleteToken: RelayStorage['deleteToken'] = (id) => this.#call('deleteToken', id);
  touchTokens: RelayStorage['touchTokens'] = (ids, now) => this.#call('touchTokens', ids, now);
  readSecrets: RelayStorage['readSecrets'] = () => this.#call('readSecrets');
  writeSecrets: RelayStorage['writeSecrets'] = (fields) => this.#call('writeSecrets', fields);
  stats: RelayStorage['stats'] = (scope) => this.#call('stats', scope);
  health: RelayStorage['health'] = () => this.#call('health');
  getSetting: RelayStorage['getSetting'] = (key) => this.#call('getSetting', key);
  setSetting: RelayStorage['setSetting'] = (key, value) => this.#call('setSetting', key, value);

  onWake(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onConfigChange(listener: (change: ConfigChange) => void): () => void {
    this.#configListeners.add(listener);
    return () => this.#configListeners.delete(listener);
  }

  /** The database file is this process's alone: no other process commits events to it. */
  onRemoteEvents(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    if (this.#closed || this.#closing) return;
    // Set first: the thread's exit after its last reply is then no failure.
    this.#closing = true;
    try {
      if (!this.#failure) await this.#call('close');
    } finally {
      this.#closed = true;
      this.#listeners.clear();
      this.#configListeners.clear();
      await this.#worker.terminate();
    }
  }
}
