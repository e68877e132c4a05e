import http from 'node:http';
import net from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { signWebhook } from '@callbridge/core';
import { assertBuilt, startRelayChild } from './support/child-relay';
import { api, get, startTestRelay, tempDir, VYORA_SECRET, vyoraEvent } from './support/harness';

/**
 * SIGTERM under keep-alive load: every request a client finished writing gets a complete
 * answer (200 stored, or 503 shutting down), none is cut off by a reset, and every 200 is
 * in the database after the relay has exited.
 */
type Outcome =
  | { kind: 'answered'; status: number; id: string | null; connection: string | undefined }
  | { kind: 'never_sent'; code: string }
  | { kind: 'reset_after_sending'; code: string };

function post(url: URL, agent: http.Agent, n: number): Promise<Outcome> {
  const body = JSON.stringify({ event: 'call_completed', call_id: `shutdown-${process.pid}-${n}`, status: 'completed' });
  const sig = signWebhook('vyora', { rawBody: body, secret: VYORA_SECRET });
  return new Promise((resolve) => {
    // Written: the request went out on a connection that was open (a reused keep-alive socket,
    // or a new one that connected); only a refused connection means it was never sent.
    let sent = false;
    const req = http.request(
      { host: url.hostname, port: url.port, path: '/hooks/vyora', method: 'POST', agent, headers: { 'content-type': 'application/json', [sig.header]: sig.value } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ kind: 'reset_after_sending', code: `response ${e.code ?? e.message}` }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let id: string | null = null;
          if (res.statusCode === 200) id = (JSON.parse(text) as { id: string }).id;
          resolve({ kind: 'answered', status: res.statusCode ?? 0, id, connection: res.headers.connection });
        });
      },
    );
    req.on('socket', (socket) => {
      if (!socket.connecting) sent = true;
      else socket.once('connect', () => (sent = true));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? e.message;
      resolve(sent && code !== 'ECONNREFUSED' ? { kind: 'reset_after_sending', code } : { kind: 'never_sent', code });
    });
    req.end(body);
  });
}

describe('SIGTERM while keep-alive clients post webhooks', () => {
  // In memory where there is a tmpfs: without fsync waits the relay answers fast, so its
  // keep-alive sockets sit idle between requests, which is when a careless close resets them.
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'relay-shutdown-'));
  beforeAll(() => assertBuilt());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('every written request gets a complete answer and every 200 is stored', async () => {
    const db = join(dir, 'relay.db');
    const child = await startRelayChild({ RELAY_DATABASE_URL: `sqlite:${db}`, RELAY_LOG_LEVEL: 'error', RELAY_TEST_DRAIN_GRACE_MS: '5000' });
    const url = new URL(child.url);
    const outcomes: Outcome[] = [];
    let n = 0;
    let signalled = false;
    let afterSignal = 0;
    const clients = Array.from({ length: 32 }, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (;;) {
          const o = await post(url, agent, (n += 1));
          outcomes.push(o);
          if (signalled) afterSignal += 1;
          // The relay stopped listening: this client is done.
          if (o.kind !== 'answered') return;
          // Providers pause between webhooks: their sockets sit idle now and then, as real ones do.
          await new Promise((r) => setTimeout(r, Math.random() * 4));
        }
      } finally {
        agent.destroy();
      }
    });
    // Let the load settle in, then stop the relay in the middle of it.
    while (outcomes.length < 400) await new Promise((r) => setTimeout(r, 10));
    child.proc.kill('SIGTERM');
    signalled = true;
    await Promise.all(clients);
    expect(await child.exited).toBe(0);

    const resets = outcomes.filter((o) => o.kind === 'reset_after_sending');
    expect(resets).toEqual([]);
    const ok = outcomes.filter((o): o is Extract<Outcome, { kind: 'answered' }> => o.kind === 'answered' && o.status === 200);
    const others = outcomes.filter((o) => o.kind === 'answered' && o.status !== 200);
    // The only other answer allowed is the 503 of a request that arrived while shutting down.
    expect(new Set(others.map((o) => (o.kind === 'answered' ? o.status : 0)))).toEqual(others.length ? new Set([503]) : new Set());
    expect(afterSignal).toBeGreaterThan(0);

    const database = new DatabaseSync(db);
    try {
      const stored = new Set((database.prepare('SELECT id FROM events').all() as Array<{ id: string }>).map((r) => r.id));
      const missing = ok.filter((o) => !stored.has(o.id as string));
      expect(missing).toEqual([]);
    } finally {
      database.close();
    }
    process.stdout.write(
      `SIGTERM test: ${outcomes.length} requests, ${ok.length} stored, ${others.length} answered 503, ` +
        `${outcomes.filter((o) => o.kind === 'never_sent').length} never sent (${[...new Set(outcomes.map((o) => (o.kind === 'never_sent' ? o.code : '')).filter(Boolean))].join(', ')}), ${afterSignal} finished after the signal\n`,
    );
  }, 60_000);
});

/** One signed webhook as raw HTTP/1.1 bytes on a keep-alive connection. */
function rawWebhook(body: string): { head: string; body: string } {
  const sig = signWebhook('vyora', { rawBody: body, secret: VYORA_SECRET });
  const head =
    'POST /hooks/vyora HTTP/1.1\r\nHost: relay\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n' +
    `${sig.header}: ${sig.value}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return { head, body };
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads HTTP responses off a raw socket in order; a reset or close before one is complete rejects it. */
function responses(sock: net.Socket): { next: () => Promise<RawResponse>; ended: Promise<void> } {
  let buf = Buffer.alloc(0);
  let failure: Error | null = null;
  const waiting: Array<{ resolve: (r: RawResponse) => void; reject: (e: Error) => void }> = [];
  const parse = (): void => {
    while (waiting.length > 0) {
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) break;
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      const length = Number(headers['content-length'] ?? 0);
      if (buf.length < end + 4 + length) break;
      const body = buf.subarray(end + 4, end + 4 + length).toString('utf8');
      buf = buf.subarray(end + 4 + length);
      waiting.shift()?.resolve({ status: Number(lines[0]?.split(' ')[1]), headers, body });
    }
    if (failure) for (const w of waiting.splice(0)) w.reject(failure);
  };
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    parse();
  });
  const ended = new Promise<void>((resolve) => {
    sock.on('error', (e) => {
      failure = e;
      parse();
    });
    sock.on('close', () => {
      failure ??= new Error('the relay closed the connection before answering');
      parse();
      resolve();
    });
  });
  return {
    next: () =>
      new Promise<RawResponse>((resolve, reject) => {
        waiting.push({ resolve, reject });
        parse();
      }),
    ended,
  };
}

function connect(base: string): Promise<net.Socket> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname, () => resolve(sock));
    sock.once('error', reject);
  });
}

describe('close() under keep-alive, request by request', () => {
  test('a request written to an idle keep-alive connection as shutdown begins is answered, not reset', async () => {
    const t = await startTestRelay({}, undefined, { drain: { idleGraceMs: 2_000 } });
    const sock = await connect(t.url);
    const reader = responses(sock);
    try {
      const first = rawWebhook(vyoraEvent());
      sock.write(first.head + first.body);
      const one = await reader.next();
      expect(one.status).toBe(200);
      expect(one.headers['connection']).toBe('keep-alive');
      // The connection is idle; the client writes its next request just as the relay begins to close.
      const closing = t.relay.close();
      const second = rawWebhook(vyoraEvent());
      sock.write(second.head + second.body);
      const two = await reader.next();
      expect([200, 503]).toContain(two.status);
      expect(two.headers['connection']).toBe('close');
      await reader.ended;
      await closing;
    } finally {
      sock.destroy();
      await t.close();
    }
  });

  test('a request in flight when shutdown begins is answered and stored, with Connection: close, and close() does not wait out the keep-alive timeout', async () => {
    const dir = tempDir();
    try {
      const t = await startTestRelay({}, dir.dir);
      const sock = await connect(t.url);
      const reader = responses(sock);
      const { head, body } = rawWebhook(vyoraEvent());
      // Headers and half the body now, the rest once the relay is closing.
      sock.write(head + body.slice(0, 10));
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      const closing = t.relay.close();
      sock.write(body.slice(10));
      const answer = await reader.next();
      expect(answer.status).toBe(200);
      expect(answer.headers['connection']).toBe('close');
      await reader.ended;
      await closing;
      expect(Date.now() - started).toBeLessThan(5_000);
      const id = (JSON.parse(answer.body) as { id: string }).id;
      const again = await startTestRelay({}, dir.dir);
      try {
        expect(get((await api(again.url, 'GET', `/v1/events/${id}`)).body, 'id')).toBe(id);
      } finally {
        await again.close();
      }
    } finally {
      dir.remove();
    }
  });
});
