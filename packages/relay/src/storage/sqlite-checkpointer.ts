import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * A second connection, in its own thread, that copies the WAL back into the database file.
 * SQLite's automatic checkpoint runs inside whichever commit crosses the threshold, so that
 * one commit (and every webhook waiting on it) pays for copying and syncing a thousand
 * pages: the ingest p99. Here the copying runs beside the commits (PASSIVE takes no lock a
 * writer needs); only the short RESTART that rewinds the WAL once it has grown waits for
 * the writer, and by then nearly everything is already copied.
 */
const port = parentPort;
if (!port) throw new Error('sqlite-checkpointer must run as a worker thread');
const { path, intervalMs, restartPages } = workerData as { path: string; intervalMs: number; restartPages: number };

const db = new DatabaseSync(path);
db.exec('PRAGMA busy_timeout = 2000');
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)');
let timer: NodeJS.Timeout | undefined;
let stopped = false;

function pass(): void {
  timer = undefined;
  if (stopped) return;
  try {
    const r = passive.get() as { busy: number; log: number; checkpointed: number };
    if (r.log >= restartPages) restart.get();
  } catch (e) {
    // A checkpoint that fails (busy, disk) is retried on the next pass; the writer's own
    // fallback checkpoint bounds the WAL if this thread can never catch up.
    port?.postMessage({ type: 'checkpoint-failed', message: e instanceof Error ? e.message : String(e) });
  }
  timer = setTimeout(pass, intervalMs);
}

port.on('message', (msg: { type: string }) => {
  if (msg.type !== 'stop') return;
  stopped = true;
  if (timer) clearTimeout(timer);
  db.close();
  port.postMessage({ type: 'stopped' });
  port.close();
});
timer = setTimeout(pass, intervalMs);
