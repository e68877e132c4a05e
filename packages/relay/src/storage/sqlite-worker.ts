import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStorage } from './sqlite';
import { createDeferredIngest } from './deferred-ingest';
import { STORAGE_METHODS, type StorageReply, type StorageRequest } from './thread-protocol';
import type { NewEvent } from './types';
import { WalSyncer } from './wal-sync';

/**
 * The worker thread that owns the SQLite connection. node:sqlite is synchronous, so its
 * commits run here, off the event loop that serves HTTP: while one batch is being written,
 * the main thread verifies and queues the next, and while it is being synced to disk (on
 * libuv's pool), this thread writes the next.
 */
const port = parentPort;
if (!port) throw new Error('sqlite-worker must run as a worker thread');
const { path } = workerData as { path: string };

let storage: SqliteStorage;
try {
  storage = new SqliteStorage({ path });
} catch (e) {
  port.postMessage({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
  throw e;
}
storage.onWake(() => port.postMessage({ type: 'wake' }));
storage.onConfigChange((change) => port.postMessage({ type: 'config', change }));
port.postMessage({ type: 'ready' });

const allowed = new Set<string>(STORAGE_METHODS);
const reply = (msg: StorageReply): void => port.postMessage(msg);
const failure = (e: unknown): { name: string; message: string } => ({
  name: e instanceof Error ? e.name : 'Error',
  message: e instanceof Error ? e.message : String(e),
});

// Ingest commits skip their own fsync; one WAL sync per round, off this thread, makes each
// batch durable before it is answered (see WalSyncer for why that equals synchronous=FULL).
const walPath = storage.walPath;
const syncer = walPath ? new WalSyncer(walPath) : null;
const ingest = createDeferredIngest({
  write: (events) => storage.ingestDeferred(events),
  sync: () => (syncer ? syncer.sync() : Promise.resolve()),
  onDeliveries: () => port.postMessage({ type: 'wake' }),
});

port.on('message', (req: StorageRequest) => {
  if (syncer?.failure && (req.method === 'ingest' || req.method === 'health')) {
    reply({ type: 'reply', id: req.id, ok: false, error: failure(syncer.failure) });
    return;
  }
  if (req.method === 'ingest') {
    ingest.submit(req.args[0] as NewEvent[]).then(
      (value) => reply({ type: 'reply', id: req.id, ok: true, value }),
      (e: unknown) => reply({ type: 'reply', id: req.id, ok: false, error: failure(e) }),
    );
    return;
  }
  if (!allowed.has(req.method)) {
    reply({ type: 'reply', id: req.id, ok: false, error: { name: 'Error', message: `unknown storage method ${req.method}` } });
    return;
  }
  const fn = (storage as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[req.method] as (...args: unknown[]) => Promise<unknown>;
  // Closing first waits for a WAL sync in flight, so the batches it covers are answered.
  const before = req.method === 'close' && syncer ? syncer.close() : Promise.resolve();
  before.then(() => fn.apply(storage, req.args)).then(
    (value) => {
      reply({ type: 'reply', id: req.id, ok: true, value });
      if (req.method === 'close') port.close();
    },
    (e: unknown) => reply({ type: 'reply', id: req.id, ok: false, error: failure(e) }),
  );
});
