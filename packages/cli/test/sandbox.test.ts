import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { main } from '../src/main';
import { Capture, run } from './helpers';
import { RELAY_TOKEN, removeDir, startTestRelay } from './relay-helpers';

/** Runs a long-running command in-process; `stop()` plays the part of Ctrl-C. */
function startCommand(argv: string[], env: Record<string, string>) {
  const stdout = new Capture();
  const stderr = new Capture();
  let stop!: (reason: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const exit = main(argv, env, { stdout, stderr }, { untilStopped: () => stopped });
  const waitFor = async (pattern: RegExp): Promise<RegExpMatchArray> => {
    for (let i = 0; i < 400; i++) {
      const m = stdout.text.match(pattern);
      if (m) return m;
      const early = await Promise.race([exit, new Promise((r) => setTimeout(r, 25, undefined))]);
      if (early !== undefined) throw new Error(`exited ${String(early)} early: ${stderr.text}`);
    }
    throw new Error(`never printed ${String(pattern)}; stdout: ${stdout.text} stderr: ${stderr.text}`);
  };
  return { stdout, stderr, exit, waitFor, stop: async () => (stop('SIGINT'), exit) };
}

/** The variables the banner's `export` lines set, as a shell would read them. */
function exportsOf(banner: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of banner.split('\n').filter((l) => l.startsWith('export '))) {
    for (const pair of line.slice('export '.length).split(' ')) {
      const [k, ...v] = pair.split('=');
      env[k as string] = v.join('=');
    }
  }
  return env;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(() => nock.enableNetConnect('127.0.0.1'));

test('--vyora-workspaces N prints each workspace\'s key and secret, and each key is its own workspace', async () => {
  const s = startCommand(['sandbox', '--port', '0', '--vyora-workspaces', '2'], {});
  try {
    await s.waitFor(/ws_2 +key (\S+) +secret (\S+)/);
    const env = exportsOf(s.stdout.text);
    expect(s.stdout.text).toMatch(/default +key vya_test_callbridge_sandbox +secret callbridge_sandbox_vyora_secret +→ no webhook URL yet/);
    const [, key2] = /ws_2 +key (\S+)/.exec(s.stdout.text) as RegExpExecArray;
    const trigger = ['call', 'vyora', 'calls.trigger', '--json', '{"phone_number":"+919876543210","agent_name":"Home Loan Agent"}'];
    const made = await run(trigger, { env: { VYORA_BASE_URL: env['VYORA_BASE_URL'], VYORA_API_KEY: key2 } });
    expect(made.code).toBe(0);
    const { call_id } = JSON.parse(made.stdout) as { call_id: string };
    const get = ['call', 'vyora', 'calls.get', '--json', JSON.stringify({ call_id })];
    expect((await run(get, { env: { VYORA_BASE_URL: env['VYORA_BASE_URL'], VYORA_API_KEY: key2 } })).code).toBe(0);
    const other = await run(get, { env: { VYORA_BASE_URL: env['VYORA_BASE_URL'], VYORA_API_KEY: env['VYORA_API_KEY'] } });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('Call not found');
  } finally {
    await expect(s.stop()).resolves.toBe(0);
  }
});

test('--aila-organizations N prints each organization\'s key, and each key reaches its own organization', async () => {
  const s = startCommand(['sandbox', '--port', '0', '--aila-organizations', '2'], {});
  try {
    const [, id, key] = await s.waitFor(/(org_sandbox2) +key (\S+)/);
    expect(s.stdout.text).toMatch(/org_5tq81 +key aila_test_callbridge_sandbox/);
    const env = exportsOf(s.stdout.text);
    const own = await run(['call', 'aila', 'webhooks.list', '--json', JSON.stringify({ organization_id: id })], { env: { AILA_BASE_URL: env['AILA_BASE_URL'], AILA_API_KEY: key } });
    expect(own.code).toBe(0);
    const other = await run(['call', 'aila', 'webhooks.list', '--json', JSON.stringify({ organization_id: id })], { env: { AILA_BASE_URL: env['AILA_BASE_URL'], AILA_API_KEY: env['AILA_API_KEY'] } });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('FORBIDDEN');
  } finally {
    await s.stop();
  }
});

test('the banner is short: export lines for every provider and the admin listing URL', async () => {
  const s = startCommand(['sandbox', '--port', '0'], {});
  try {
    const [, url] = await s.waitFor(/listening on (\S+)/);
    await s.waitFor(/# Aila organization/);
    const env = exportsOf(s.stdout.text);
    expect(Object.keys(env).sort()).toEqual(['AILA_API_KEY', 'AILA_BASE_URL', 'AYLA_API_KEY', 'AYLA_BASE_URL', 'AYRA_API_KEY', 'AYRA_BASE_URL', 'VYORA_API_KEY', 'VYORA_BASE_URL']);
    expect(s.stdout.text).toContain(`curl -H 'accept: text/plain' ${url}/_sandbox`);
    expect(s.stdout.text.trim().split('\n').length).toBeLessThanOrEqual(10);
    const listing = await fetch(`${url}/_sandbox`, { headers: { accept: 'text/plain' } });
    expect(await listing.text()).toMatch(/^PUT +\/_sandbox\/vyora\/workspaces\/\{id\}\/webhook /m);
  } finally {
    await s.stop();
  }
});

describe('--relay: a sandbox call delivered through the relay, wired by the export lines alone', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'cb-cli-sandbox-relay-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the relay started with the printed VYORA_WEBHOOK_SECRET accepts the sandbox\'s signed call events', async () => {
    const relayPort = await freePort();
    const relayUrl = `http://127.0.0.1:${relayPort}`;
    const sandbox = startCommand(['sandbox', '--port', '0', '--relay', relayUrl], {});
    let relay: ReturnType<typeof startCommand> | undefined;
    try {
      await sandbox.waitFor(/export RELAY_URL=\S+/);
      const env = exportsOf(sandbox.stdout.text);
      expect(env).toMatchObject({ VYORA_WEBHOOK_SECRET: expect.any(String), RELAY_URL: relayUrl });
      expect(sandbox.stdout.text).toContain(`→ ${relayUrl}/hooks/vyora`);

      relay = startCommand(['relay', '--host', '127.0.0.1', '--port', String(relayPort), '--database', `sqlite:${path.join(dir, 'relay.db')}`], {
        ...env,
        RELAY_LOG_LEVEL: 'silent',
      });
      const [, token] = await relay.waitFor(/RELAY_API_TOKEN=(\S+)/);

      const made = await run(['call', 'vyora', 'calls.trigger', '--json', '{"phone_number":"+919876543210","agent_name":"Home Loan Agent"}'], { env });
      expect(made.code).toBe(0);
      const { call_id } = JSON.parse(made.stdout) as { call_id: string };
      const sandboxUrl = (env['VYORA_BASE_URL'] as string).replace(/\/vyora$/, '');
      expect((await json(`${sandboxUrl}/_sandbox/vyora/calls/${call_id}/advance`, { method: 'POST', body: '{}' })).status).toBe(200);

      const events = await until('the three call events at the relay', async () => {
        const res = await json(`${relayUrl}/v1/events?provider=vyora`, { headers: { authorization: `Bearer ${token}` } });
        const data = (res.body as { data: Array<{ type: string; data: { call_id: string } }> }).data.filter((e) => e.data.call_id === call_id);
        return data.length === 3 ? data : undefined;
      });
      expect(events.map((e) => e.type).sort()).toEqual(['vyora.all_processing_completed', 'vyora.call_completed', 'vyora.call_started']);
    } finally {
      await relay?.stop();
      await sandbox.stop();
    }
  });
});

test('--relay-token: the sandbox creates a real relay source per extra workspace, and its calls arrive through /hooks/vyora/<source_id>', async () => {
  const relay = await startTestRelay({ env: { VYORA_WEBHOOK_SECRET: 'callbridge_sandbox_vyora_secret' } });
  const s = startCommand(['sandbox', '--port', '0', '--vyora-workspaces', '3', '--relay', relay.url, '--relay-token', RELAY_TOKEN], {});
  const admin = async (p: string): Promise<{ data: Array<Record<string, unknown>> }> =>
    (await json(`${relay.url}${p}`, { headers: { authorization: `Bearer ${RELAY_TOKEN}` } })).body as { data: Array<Record<string, unknown>> };
  try {
    await s.waitFor(/ws_3 .*→ \S+/);
    const sources = (await admin('/v1/sources')).data.filter((x) => x['managed_by'] === 'api');
    expect(sources.map((x) => x['name'])).toEqual(['sandbox ws_2: Workspace 2', 'sandbox ws_3: Workspace 3']);
    const [ws2, ws3] = sources.map((x) => x['id'] as string);
    expect(s.stdout.text).toMatch(new RegExp(`ws_2 .*→ ${relay.url}/hooks/vyora/${ws2}`));
    expect(s.stdout.text).toMatch(new RegExp(`ws_3 .*→ ${relay.url}/hooks/vyora/${ws3}`));
    expect(s.stdout.text).not.toContain(RELAY_TOKEN);
    expect(s.stdout.text).not.toContain('curl -sX POST');

    const env = exportsOf(s.stdout.text);
    const made = await run(['call', 'vyora', 'calls.trigger', '--json', '{"phone_number":"+919876543210","agent_name":"Home Loan Agent"}'], {
      env: { ...env, VYORA_API_KEY: 'vya_test_callbridge_ws_3' },
    });
    const { call_id } = JSON.parse(made.stdout) as { call_id: string };
    const sandboxUrl = (env['VYORA_BASE_URL'] as string).replace(/\/vyora$/, '');
    await json(`${sandboxUrl}/_sandbox/vyora/calls/${call_id}/advance`, { method: 'POST', body: '{"to":"in_progress"}' });
    // Stored under ws_3's source: the relay verified it with that source's secret.
    const events = await until('the call_started under ws_3\'s source', async () => {
      const found = (await admin(`/v1/events?source=${ws3}`)).data.filter((e) => (e['data'] as { call_id?: string }).call_id === call_id);
      return found.length > 0 ? found : undefined;
    });
    expect(events.map((e) => [e['type'], e['source']])).toEqual([['vyora.call_started', ws3]]);
    expect((await admin(`/v1/events?source=${ws2}`)).data).toEqual([]);
  } finally {
    await s.stop();
    await relay.close();
    removeDir(relay.dir);
  }
});

test('a relay that cannot be reached with --relay-token exits 1 naming its URL, never the token', async () => {
  const port = await freePort();
  const result = await run(['sandbox', '--port', '0', '--vyora-workspaces', '2', '--relay', `http://127.0.0.1:${port}`, '--relay-token', 'secret-token-never-shown']);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`could not reach the relay at http://127.0.0.1:${port}/v1/sources`);
  expect(result.stderr + result.stdout).not.toContain('secret-token-never-shown');
});

test('bad flags exit 2 naming the flag, starting nothing', async () => {
  const cases: Array<[string[], string]> = [
    [['--vyora-workspaces', '0'], '--vyora-workspaces'],
    [['--vyora-workspaces', 'two'], '--vyora-workspaces'],
    [['--vyora-workspaces', '101'], '--vyora-workspaces'],
    [['--aila-organizations', '0'], '--aila-organizations'],
    [['--aila-organizations', '1.5'], '--aila-organizations'],
    [['--relay', 'ftp://relay.example.com'], '--relay'],
    [['--relay', '127.0.0.1:8080'], '--relay'],
    [['--relay-token', 'abc'], '--relay-token'],
    [['--relay', 'http://127.0.0.1:8080', '--relay-token', ''], '--relay-token'],
    [['--seed', '-1'], '--seed'],
  ];
  for (const [flags, named] of cases) {
    const result = await run(['sandbox', '--port', '0', ...flags]);
    expect({ flags, code: result.code, named: result.stderr.includes(named) }).toEqual({ flags, code: 2, named: true });
    expect(result.stdout).toBe('');
  }
});
