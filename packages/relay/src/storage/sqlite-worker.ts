import { parentPort, workerData } from 'node:worker_threads';
import { ingestInbound, type IngestOutcome, type InboundWebhook, type WebhookSecrets } from '../ingest/admit';
import { unpackInbound } from './inbound-wire';
import { SqliteStorage } from './sqlite';
import { STORAGE_METHODS, type StorageReply, type StorageRequest } from './thread-protocol';
import type { IngestResult, NewEvent } from './types';

/**
 * The worker thread that owns the SQLite connection. node:sqlite is synchronous, so its
 * commits (each an fsync) run here, off the event loop that serves HTTP: while one batch
 * is being made durable, the main thread parses and queues the next. Inbound webhooks are
 * verified and normalized here too: the thread mostly waits on the disk, and the main
 * thread's time is what bounds how many requests the relay answers.
 */
const port = parentPort;
if (!port) throw new Error('sqlite-worker must run as a worker thread');
const { path, secrets, autoCheckpointPages } = workerData as { path: string; secrets: WebhookSecrets; autoCheckpointPages?: number };

let storage: SqliteStorage;
try {
  storage = new SqliteStorage({ path, ...(autoCheckpointPages !== undefined ? { autoCheckpointPages } : {}) });
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
 * Group commit on this side too: every batch that queued up while the previous commit ran
 * is written in one transaction, so the main thread can send batches without waiting for
 * the last one and the number of fsyncs stays at one per round.
 */
function merged<T, R>(run: (all: T[]) => Promise<R[]>): (id: number, items: T[]) => void {
  let queue: Array<{ id: number; items: T[] }> = [];
  const flush = (): void => {
    const batch = queue;
    queue = [];
    run(batch.flatMap((q) => q.items)).then(
      (results) => {
        let at = 0;
        for (const q of batch) {
          reply({ type: 'reply', id: q.id, ok: true, value: results.slice(at, at + q.items.length) });
          at += q.items.length;
        }
      },
      (e: unknown) => {
        for (const q of batch) reply({ type: 'reply', id: q.id, ok: false, error: failure(e) });
      },
    );
  };
  return (id, items) => {
    if (queue.length === 0) setImmediate(flush);
    queue.push({ id, items });
  };
}

const ingestEvents = merged<NewEvent, IngestResult>((events) => storage.ingest(events));
const ingestWebhooks = merged<InboundWebhook, IngestOutcome>((batch) => ingestInbound(batch, secrets, (events) => storage.ingest(events)));

port.on('message', (req: StorageRequest) => {
  if (req.method === 'ingestInbound') return ingestWebhooks(req.id, unpackInbound(req.args[0]));
  if (req.method === 'ingest') return ingestEvents(req.id, req.args[0] as NewEvent[]);
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
