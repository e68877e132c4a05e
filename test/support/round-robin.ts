import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A round-robin load balancer in front of relay replicas, as an agency would put one: each
 * request goes to the next replica in turn; a replica that refuses the connection (it is
 * dead) is passed over for the next, as nginx's `proxy_next_upstream error` does; a replica
 * that dies with the request in flight gets the caller a 502, which the caller retries.
 */

export interface RoundRobin {
  url: string;
  /** Requests each upstream answered, by index. */
  answered: number[];
  /** Requests that failed in flight (502 to the caller). */
  failed: number;
  close(): Promise<void>;
}

function isRefused(e: unknown): boolean {
  return (e as { code?: string }).code === 'ECONNREFUSED';
}

export async function startRoundRobin(upstreams: string[]): Promise<RoundRobin> {
  let next = 0;
  const state: RoundRobin = { url: '', answered: upstreams.map(() => 0), failed: 0, close: async () => undefined };

  const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, tried: number): void => {
    const index = next % upstreams.length;
    next += 1;
    const target = new URL(req.url ?? '/', upstreams[index]);
    const headers = { ...req.headers, host: target.host };
    // A fresh connection per request: a pooled socket to a killed replica would fail late.
    const up = http.request(target, { method: req.method, headers, agent: false }, (upRes) => {
      state.answered[index] = (state.answered[index] ?? 0) + 1;
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', (e) => {
      if (isRefused(e) && tried + 1 < upstreams.length) return forward(req, body, res, tried + 1);
      state.failed += 1;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'bad_gateway', message: String((e as Error).message) } }));
    });
    up.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, Buffer.concat(chunks), res, 0));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
