import nock from 'nock';
import { Webhook } from 'standardwebhooks';
import { run } from './helpers';
import { closedPort, postVyora, RELAY_TOKEN, removeDir, startCommand, startLocalReceiver, startTestRelay, type LocalReceiver, type TestRelay } from './relay-helpers';

/**
 * `callbridge listen` end to end: a real relay, signed provider webhooks posted to it, and a
 * local receiver that checks every forwarded event with the official standardwebhooks package.
 */
beforeAll(() => nock.enableNetConnect('127.0.0.1'));

const env = (relay: TestRelay): Record<string, string> => ({ RELAY_URL: relay.url, RELAY_API_TOKEN: RELAY_TOKEN });
const LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}(\S+) {2}(evt_\S+) {2}-> (.+) \((\d+) ms\)$/;
const lines = (text: string): RegExpMatchArray[] => text.split('\n').flatMap((l) => (LINE.exec(l) ? [LINE.exec(l) as RegExpMatchArray] : []));

/** Every listen a test starts is stopped after it, passed or not. */
const running: Array<ReturnType<typeof startCommand>> = [];
const listen = (argv: string[], e: Record<string, string>): ReturnType<typeof startCommand> => {
  const l = startCommand(['listen', ...argv], e);
  running.push(l);
  return l;
};
afterEach(async () => {
  for (const l of running.splice(0)) await l.stop();
});

describe('callbridge listen', () => {
  let relay: TestRelay;
  let receiver: LocalReceiver;
  let verified: Array<{ id: string; body: unknown }>;
  let secret = '';
  beforeEach(async () => {
    relay = await startTestRelay();
    verified = [];
    receiver = await startLocalReceiver((r) => {
      try {
        const body = new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
        verified.push({ id: String(r.headers['webhook-id']), body });
        return 200;
      } catch {
        return 401;
      }
    });
  });
  afterEach(async () => {
    await receiver.close();
    await relay.close();
    removeDir(relay.dir);
  });

  test('prints a secret, forwards each new event signed with it, one line per event, and exits 0 on Ctrl-C', async () => {
    const l = listen(['--forward-to', receiver.url], env(relay));
    await l.until(() => /whsec_\S+/.test(l.stdout.text) && l.stderr.text.includes('Connected'), 'the secret and the connection');
    secret = /(whsec_[A-Za-z0-9+/=]+)/.exec(l.stdout.text)?.[1] ?? '';
    const ids = [await postVyora(relay.url), await postVyora(relay.url, 'call_started')];
    await l.until(() => lines(l.stdout.text).length >= 2, 'two event lines');
    expect(lines(l.stdout.text).map((m) => [m[1], m[2], m[3]])).toEqual([
      ['vyora.call_completed', ids[0], '200'],
      ['vyora.call_started', ids[1], '200'],
    ]);
    // Verified by the official library with the printed secret: the same body a subscription gets.
    expect(verified.map((v) => v.id)).toEqual(ids);
    expect(verified[0]?.body).toMatchObject({ id: ids[0], type: 'vyora.call_completed', provider: 'vyora', data: { status: 'completed' } });
    // The secret is printed once, and only on stdout.
    expect(l.stdout.text.split(secret).length - 1).toBe(1);
    expect(await l.stop()).toBe(0);
    expect(l.stderr.text).toContain('stopped after 2 events');
  });

  test('SIGTERM stops it as cleanly', async () => {
    const l = listen(['--forward-to', receiver.url], env(relay));
    await l.until(() => l.stderr.text.includes('Connected'), 'the connection');
    expect(await l.stop('SIGTERM')).toBe(0);
    expect(l.stderr.text).toContain('SIGTERM');
  });

  test('--secret signs with the given secret; --events keeps only those types', async () => {
    secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const l = listen(['--forward-to', receiver.url, '--secret', secret, '--events', 'vyora.call_started'], env(relay));
    await l.until(() => l.stderr.text.includes('Connected'), 'the connection');
    expect(l.stdout.text).not.toContain(secret);
    await postVyora(relay.url);
    const started = await postVyora(relay.url, 'call_started');
    await l.until(() => lines(l.stdout.text).length >= 1, 'an event line');
    await new Promise((r) => setTimeout(r, 200));
    expect(lines(l.stdout.text).map((m) => m[2])).toEqual([started]);
    expect(verified.map((v) => v.id)).toEqual([started]);
    expect(await l.stop()).toBe(0);
  });

  test('a local receiver that is down shows the error on that event’s line, and the next event goes through', async () => {
    const down = `http://127.0.0.1:${await closedPort()}/nothing-listens-here`;
    const l = listen(['--forward-to', down], env(relay));
    await l.until(() => l.stderr.text.includes('Connected'), 'the connection');
    const id = await postVyora(relay.url);
    await l.until(() => lines(l.stdout.text).length >= 1, 'an event line');
    const [line] = lines(l.stdout.text);
    expect(line?.[2]).toBe(id);
    expect(line?.[3]).toBe(`error: could not reach ${down} (ECONNREFUSED)`);
    const next = await postVyora(relay.url);
    await l.until(() => lines(l.stdout.text).length >= 2, 'a second line');
    expect(lines(l.stdout.text)[1]?.[2]).toBe(next);
    expect(await l.stop()).toBe(0);
  });

  test('reconnects after the relay restarts and resumes after the last event it saw', async () => {
    const l = listen(['--forward-to', receiver.url], env(relay));
    await l.until(() => /whsec_\S+/.test(l.stdout.text) && l.stderr.text.includes('Connected'), 'the connection');
    secret = /(whsec_[A-Za-z0-9+/=]+)/.exec(l.stdout.text)?.[1] ?? '';
    const before = await postVyora(relay.url);
    await l.until(() => lines(l.stdout.text).length >= 1, 'the first line');
    const { dir, port } = relay;
    await relay.close();
    await l.until(() => l.stderr.text.includes('reconnecting'), 'the reconnect notice');
    // Same database, same port: events posted before listen is back are replayed from storage.
    relay = await startTestRelay({ dir, port });
    const missed = await postVyora(relay.url);
    await l.until(() => lines(l.stdout.text).length >= 2, 'the missed event');
    const after = await postVyora(relay.url);
    await l.until(() => lines(l.stdout.text).length >= 3, 'a live event after the restart');
    expect(lines(l.stdout.text).map((m) => m[2])).toEqual([before, missed, after]);
    expect(l.stderr.text).toContain(`resuming after ${before}`);
    expect(l.stderr.text).toContain('shutting down');
    expect(verified.map((v) => v.id)).toEqual([before, missed, after]);
    expect(await l.stop()).toBe(0);
  });
});

describe('callbridge listen refuses what it cannot use', () => {
  test('bad flags exit 2 naming the flag; nothing is contacted', async () => {
    const e = { RELAY_URL: 'http://127.0.0.1:9', RELAY_API_TOKEN: RELAY_TOKEN };
    expect(await run(['listen'], { env: e })).toMatchObject({ code: 2, stderr: expect.stringContaining('--forward-to') });
    expect(await run(['listen', '--forward-to', 'ftp://x'], { env: e })).toMatchObject({ code: 2, stderr: expect.stringContaining('--forward-to') });
    expect(await run(['listen', '--forward-to', 'http://127.0.0.1:3000', '--secret', 'not-a-secret'], { env: e })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--secret'),
    });
    expect(await run(['listen', '--forward-to', 'http://127.0.0.1:3000'], { env: { RELAY_URL: 'http://127.0.0.1:9' } })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('RELAY_API_TOKEN'),
    });
    expect(await run(['listen', '--forwad-to', 'http://127.0.0.1:3000'], { env: e })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('did you mean --forward-to?'),
    });
  });

  test('an event type the relay does not know exits 2 naming --events', async () => {
    const relay = await startTestRelay();
    try {
      const r = await run(['listen', '--forward-to', 'http://127.0.0.1:3000', '--events', 'vyora.call_exploded'], { env: env(relay) });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('(--events)');
      expect(r.stderr).toContain('call_exploded');
    } finally {
      await relay.close();
      removeDir(relay.dir);
    }
  });

  test('a relay that is not there exits 1 naming the URL it tried; a wrong token exits 1 with the relay’s answer', async () => {
    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    const r = await run(['listen', '--forward-to', 'http://127.0.0.1:3000', '--relay', nowhere], { env: { RELAY_API_TOKEN: RELAY_TOKEN } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`could not reach the relay at ${nowhere} (ECONNREFUSED)`);
    const relay = await startTestRelay();
    try {
      const bad = await run(['listen', '--forward-to', 'http://127.0.0.1:3000'], { env: { RELAY_URL: relay.url, RELAY_API_TOKEN: 'not-the-right-token-at-all' } });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('401 unauthorized');
      expect(bad.stderr).not.toContain('not-the-right-token-at-all');
    } finally {
      await relay.close();
      removeDir(relay.dir);
    }
  });
});

describe('callbridge listen as a process', () => {
  test('Ctrl-C (SIGINT) ends it with exit code 0 after it forwarded an event', async () => {
    const { spawn } = await import('node:child_process');
    const { join } = await import('node:path');
    const relay = await startTestRelay();
    const receiver = await startLocalReceiver();
    const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'bin.js'), 'listen', '--forward-to', receiver.url], {
      env: { PATH: process.env['PATH'] ?? '', RELAY_URL: relay.url, RELAY_API_TOKEN: RELAY_TOKEN },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const until = async (check: () => boolean): Promise<void> => {
        for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
        if (!check()) throw new Error(`stdout: ${stdout} stderr: ${stderr}`);
      };
      await until(() => stderr.includes('Connected'));
      const id = await postVyora(relay.url);
      await until(() => stdout.includes(id));
      expect(lines(stdout).map((m) => [m[2], m[3]])).toEqual([[id, '200']]);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).toContain('SIGINT, stopped after 1 event');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await receiver.close();
      await relay.close();
      removeDir(relay.dir);
    }
  });
});
