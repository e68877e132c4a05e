import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStorage } from './sqlite';
import { STORAGE_METHODS, type StorageReply, type StorageRequest } from './thread-protocol';
import type { NewEvent } from './types';

/**
 * The worker thread that owns the SQLite connection. node:sqlite is synchronous, so its
 * commits (each an fsync) run here, off the event loop that serves HTTP: while one batch
 * is being made durable, the main thread verifies and queues the next.
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
port.postMessage({ type: 'ready' });

const allowed = new Set<string>(STORAGE_METHODS);
const reply = (msg: StorageReply): void => port.postMessage(msg);
const failure = (e: unknown): { name: string; message: string } => ({
  name: e instanceof Error ? e.name : 'Error',
  message: e instanceof Error ? e.message : String(e),
});

/**
 * Group commit on this side too: every ingest request that queued up while the previous
 * commit ran is written in one transaction, so the main thread can send batches without
 * waiting for the last one and the number of fsyncs stays at one per round.
 */
let ingestQueue: Array<{ id: number; events: NewEvent[] }> = [];

function flushIngest(): void {
  const queue = ingestQueue;
  ingestQueue = [];
  const all = queue.flatMap((q) => q.events);
  storage.ingest(all).then(
    (results) => {
      let at = 0;
      for (const q of queue) {
        reply({ type: 'reply', id: q.id, ok: true, value: results.slice(at, at + q.events.length) });
        at += q.events.length;
      }
    },
    (e: unknown) => {
      for (const q of queue) reply({ type: 'reply', id: q.id, ok: false, error: failure(e) });
    },
  );
}

port.on('message', (req: StorageRequest) => {
  if (req.method === 'ingest') {
    if (ingestQueue.length === 0) setImmediate(flushIngest);
    ingestQueue.push({ id: req.id, events: req.args[0] as NewEvent[] });
    return;
  }
  if (!allowed.has(req.method)) {
    reply({ type: 'reply', id: req.id, ok: false, error: { name: 'Error', message: `unknown storage method ${req.method}` } });
    return;
  }
  const fn = (storage as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[req.method] as (...args: unknown[]) => Promise<unknown>;
  fn.apply(storage, req.args).then(
    (value) => {
      reply({ type: 'reply', id: req.id, ok: true, value });
      if (req.method === 'close') port.close();
    },
    (e: unknown) => reply({ type: 'reply', id: req.id, ok: false, error: failure(e) }),
  );
});
