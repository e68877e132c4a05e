import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { verifyWebhook } from '@callbridge/core';
import { main } from '../src/main';
import { Capture, run } from './helpers';

/** Runs a long-running command in-process; `stop()` plays the part of Ctrl-C. */
function startCommand(argv: string[], env: Record<string, string>) {
  const stdout = new Capture();
  const stderr = new Capture();
  let stop!: (reason: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const exit = main(argv, env, { stdout, stderr }, { untilStopped: () => stopped });
  const waitFor = async (pattern: RegExp): Promise<RegExpMatchArray> => {
    for (let i = 0; i < 200; i++) {
      const m = stdout.text.match(pattern);
      if (m) return m;
      const early = await Promise.race([exit, new Promise((r) => setTimeout(r, 25, undefined))]);
      if (early !== undefined) throw new Error(`exited ${String(early)} early: ${stderr.text}`);
    }
    throw new Error(`never printed ${String(pattern)}; stdout: ${stdout.text} stderr: ${stderr.text}`);
  };
  return { stdout, stderr, waitFor, stop: async () => (stop('SIGINT'), exit) };
}

beforeAll(() => nock.enableNetConnect('127.0.0.1'));

describe('callbridge sandbox', () => {
  test('serves the providers until stopped; call reaches it through VYORA_BASE_URL', async () => {
    const s = startCommand(['sandbox', '--port', '0'], {});
    const [, baseUrl, key] = await s.waitFor(/VYORA_BASE_URL=(\S+)\s+VYORA_API_KEY=(\S+)/);
    const result = await run(['call', 'vyora', 'calls.trigger', '--json', '{"phone_number":"+919876543210","agent_name":"Home Loan Agent"}'], {
      env: { VYORA_BASE_URL: baseUrl as string, VYORA_API_KEY: key as string },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'registered', call_id: expect.any(String) });
    await expect(s.stop()).resolves.toBe(0);
    expect(s.stderr.text).toContain('stopping');
  });

  test('a bad port or seed exits 2 naming the flag, starting nothing', async () => {
    expect(await run(['sandbox', '--port', '99999'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--port') });
    expect(await run(['sandbox', '--seed', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--seed') });
  });
});

describe('callbridge relay and send-event', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'cb-cli-relay-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('starts, prints a one-time token, takes a signed event, refuses an unsigned one, stops', async () => {
    const secret = 'cli-test-vyora-secret';
    const r = startCommand(['relay', '--host', '127.0.0.1', '--port', '0', '--database', `sqlite:${path.join(dir, 'relay.db')}`], {
      VYORA_WEBHOOK_SECRET: secret,
      RELAY_LOG_LEVEL: 'silent',
    });
    const [, url] = await r.waitFor(/listening on (http:\/\/\S+)/);
    expect(r.stdout.text).toMatch(/RELAY_API_TOKEN=\S+/);
    expect(r.stdout.text).not.toContain(secret);

    const signed = await run(['send-event', 'vyora', 'call_completed', '--to', `${url}/hooks/vyora`], { env: { VYORA_WEBHOOK_SECRET: secret } });
    expect(signed.code).toBe(0);
    expect(signed.stdout).toMatch(/^200 .*"received":true.*"id":"evt_/);

    const unsigned = await run(['send-event', 'vyora', 'call_completed', '--to', `${url}/hooks/vyora`]);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stdout).toMatch(/^401/);
    expect(unsigned.stderr).toContain('unsigned');

    await expect(r.stop()).resolves.toBe(0);
  });

  test('a bad setting exits 2 naming it', async () => {
    const result = await run(['relay', '--port', 'eighty'], { env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/port/i);
  });
});

describe('callbridge send-event', () => {
  test('signs the sample as the provider does, verifiable with core', async () => {
    const received: Array<{ body: string; headers: Record<string, string | string[] | undefined> }> = [];
    const http = await import('node:http');
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const result = await run(['send-event', 'aila', 'call.completed', '--to', `http://127.0.0.1:${port}/in`, '--secret', 's3cret']);
      expect(result).toMatchObject({ code: 0, stdout: '200 ok\n' });
      const got = received[0];
      expect(got).toBeDefined();
      expect(verifyWebhook('aila', { rawBody: got!.body, headers: got!.headers, secret: 's3cret' })).toEqual({ ok: true });
      expect(verifyWebhook('aila', { rawBody: got!.body, headers: got!.headers, secret: 'other' }).ok).toBe(false);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('bad input exits 2 naming the field', async () => {
    expect(await run(['send-event', 'vyora', 'call_completed'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--to') });
    expect(await run(['send-event', 'vyora', 'call_completed', '--to', 'ftp://x'])).toMatchObject({ code: 2 });
    expect(await run(['send-event', 'vyora', 'call_exploded', '--to', 'http://127.0.0.1:1/'])).toMatchObject({ code: 2, stderr: expect.stringContaining('call_exploded') });
    expect(await run(['send-event', 'ayla', 'anything', '--to', 'http://127.0.0.1:1/'])).toMatchObject({ code: 2 });
  });
});
