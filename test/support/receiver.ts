import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server standing in for a subscriber (a Make webhook, a Zapier hook URL, a
 * workflow's HTTP Request target): it records every request exactly as it arrived and
 * answers 200 unless told otherwise.
 */

export interface Received {
  method: string;
  path: string;
  /** Lower-case names, as node parses them. */
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves with the first request (already received or still to come) that `match` accepts. */
  waitFor(match: (r: Received) => boolean, what: string, timeoutMs?: number): Promise<Received>;
  /** Resolves once `count` requests that `match` accepts have arrived. */
  waitForCount(match: (r: Received) => boolean, count: number, what: string, timeoutMs?: number): Promise<Received[]>;
  /** Resolves once `done` holds, checked as each request arrives; `what` and `progress` describe a timeout. */
  until(done: () => boolean, what: string, timeoutMs?: number, progress?: () => string): Promise<void>;
  close(): Promise<void>;
}

/** How to answer a request; `delayMs` holds the answer back (the request is recorded at once). */
export type Answer = (r: Received) => { status: number; body?: string; delayMs?: number };

export async function startReceiver(answer: Answer = () => ({ status: 200 })): Promise<Receiver> {
  const received: Received[] = [];
  const listeners = new Set<() => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const r: Received = { method: req.method ?? 'GET', path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(r);
      const { status, body, delayMs } = answer(r);
      for (const l of [...listeners]) l();
      const reply = (): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(body ?? '{"ok":true}');
      if (delayMs) setTimeout(reply, delayMs).unref();
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const waitForCount = (match: (r: Received) => boolean, count: number, what: string, timeoutMs = 15_000): Promise<Received[]> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hits = received.filter(match);
        if (hits.length < count) return false;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(hits);
        return true;
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`${what}: ${received.filter(match).length} of ${count} arrived within ${timeoutMs} ms (${received.length} requests in all)`));
      }, timeoutMs);
      if (!check()) listeners.add(check);
    });

  const until = (done: () => boolean, what: string, timeoutMs = 15_000, progress?: () => string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (!done()) return false;
        listeners.delete(check);
        clearTimeout(timer);
        resolve();
        return true;
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`${what}: not within ${timeoutMs} ms (${progress ? progress() : `${received.length} requests in all`})`));
      }, timeoutMs);
      if (!check()) listeners.add(check);
    });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    until,
    received,
    waitFor: async (match, what, timeoutMs) => (await waitForCount(match, 1, what, timeoutMs))[0] as Received,
    waitForCount,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The parsed JSON body of a request, or a clear error naming what was received instead. */
export function json(r: Received): Record<string, unknown> {
  try {
    const v = JSON.parse(r.body) as unknown;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new Error(`${r.method} ${r.path} carried no JSON object: ${r.body.slice(0, 200)}`);
}
