import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { print } from './steps';

/**
 * A real n8n server for the journeys: the install and packing the live test does
 * (packages/n8n/live/prepare.mjs, sharing its install.mjs), credentials and workflows imported
 * with n8n's CLI, then `n8n start` headless on free loopback ports. Workflows are activated
 * and deactivated through n8n's REST API, as the editor's toggle does, signed in as the owner
 * the journey sets up.
 */

const REPO = join(__dirname, '..', '..');
const PREPARE = join(REPO, 'packages', 'n8n', 'live', 'prepare.mjs');

export interface PreparedN8n {
  node: string;
  bin: string;
  custom: string;
  version: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** What n8n's children see: only what they need. jest's NODE_ENV=test would change n8n's behaviour. */
function baseEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'CALLBRIDGE_N8N_CACHE', 'N8N_NODE']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...extra };
}

function collect(child: ChildProcess, lines: string[], echo: string | null, onLine?: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      onLine?.(line);
      lines.push(line);
      if (lines.length > 400) lines.shift();
      if (echo !== null) print(`    ${echo}: ${line}`);
    });
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/**
 * This run's folder (global-setup.ts makes it, global-teardown.ts removes it): what the
 * journeys share through files, since jest gives each test file its own copy of process.env.
 */
export const RUN_DIR_ENV = 'CALLBRIDGE_E2E_RUN_DIR';

/**
 * Installs n8n into the cache if needed and packs the four packages, once per run: a second
 * n8n journey in the same run finds the packed folder in the run's folder and reuses it.
 */
export async function prepareN8n(): Promise<PreparedN8n> {
  const runDir = process.env[RUN_DIR_ENV];
  const work = runDir ? join(runDir, 'n8n') : mkdtempSync(join(tmpdir(), 'callbridge-journeys-n8n-'));
  const note = join(work, 'prepared.json');
  if (existsSync(note)) return JSON.parse(readFileSync(note, 'utf8')) as PreparedN8n;
  mkdirSync(work, { recursive: true });
  const child = spawn(process.execPath, [PREPARE, work], { cwd: REPO, env: baseEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  const lines: string[] = [];
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (l) => (lines.push(l), print(`    ${l}`)));
  const code = await exitOf(child);
  if (code !== 0) throw new Error(`prepare.mjs exited ${String(code)}:\n${lines.slice(-30).join('\n')}`);
  const prepared = JSON.parse(out.trim().split('\n').pop() ?? '{}') as PreparedN8n;
  writeFileSync(note, JSON.stringify(prepared));
  return prepared;
}

export interface N8nWorkflow {
  id: string;
  name: string;
  nodes: unknown[];
  connections: Record<string, unknown>;
}

export interface N8nServer {
  url: string;
  /** A trigger node's production webhook URL, from its webhookId and the path `webhook`. */
  webhookUrl(webhookId: string): string;
  /** Signed in as the owner, with n8n's browser-id check satisfied. */
  rest(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  activate(workflowId: string): Promise<void>;
  deactivate(workflowId: string): Promise<void>;
  /** How many executions n8n recorded for a workflow. */
  executions(workflowId: string): Promise<number>;
  /** n8n's last output lines, for a failure message. */
  tail(n?: number): string;
  /** SIGTERM, as a service manager stops it; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Starts the stopped n8n again on the same home and port, and signs in again. */
  restart(): Promise<void>;
}

interface StartOptions {
  prepared: PreparedN8n;
  home: string;
  credentials: unknown[];
  workflows: N8nWorkflow[];
}

const OWNER = { email: 'journeys@callbridge.test', firstName: 'Journey', lastName: 'Owner', password: 'Journey-owner-1' };
const BROWSER_ID = 'callbridge-journeys';

/** n8n's CLI on the prepared install, with the journey's settings; fails with n8n's own output. */
function cli(prepared: PreparedN8n, env: Record<string, string>, args: string[]): Promise<void> {
  const child = spawn(prepared.node, [prepared.bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  collect(child, lines, null);
  return exitOf(child).then((code) => {
    if (code !== 0) throw new Error(`n8n ${args[0] ?? ''} exited ${String(code)}:\n${lines.slice(-20).join('\n')}`);
  });
}

interface Launched {
  tail(n?: number): string;
  stop(): Promise<number | null>;
}

/** `n8n start`, resolved once its REST API answers; killed if it never does (it would keep jest alive). */
async function launch(prepared: PreparedN8n, env: Record<string, string>, url: string): Promise<Launched> {
  const child = spawn(prepared.node, [prepared.bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let announced = false;
  collect(child, lines, process.env['CALLBRIDGE_E2E_LOGS'] === '1' ? 'n8n' : null, (line) => {
    if (line.includes('Editor is now accessible via')) announced = true;
  });
  const exited = exitOf(child);
  const tail = (n = 40): string => lines.slice(-n).join('\n');
  // /healthz/readiness answers before the REST routes exist; /rest/settings is one of them,
  // and even then some routes (owner setup, activation) come a moment later.
  const deadline = Date.now() + 90_000;
  for (;;) {
    let problem: string | undefined;
    if (child.exitCode !== null) problem = `n8n start exited ${child.exitCode}`;
    else if (Date.now() > deadline) problem = "n8n's REST API did not answer within 90 s";
    if (problem) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`${problem}:\n${tail()}`);
    }
    // n8n registers its routes in stages, and says it is ready for the editor only at the end.
    if (announced && (await fetch(`${url}/rest/settings`).then((r) => r.status === 200, () => false))) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    tail,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function startN8n(options: StartOptions): Promise<N8nServer> {
  const { prepared, home } = options;
  mkdirSync(home, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = baseEnv({
    N8N_USER_FOLDER: home,
    N8N_CUSTOM_EXTENSIONS: prepared.custom,
    N8N_ENCRYPTION_KEY: 'callbridge-live-test-only',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    DB_SQLITE_POOL_SIZE: '1',
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    // The URL triggers register: where the relay and the sandbox's Aila will post.
    WEBHOOK_URL: `${url}/`,
    N8N_SECURE_COOKIE: 'false',
    N8N_RUNNERS_BROKER_PORT: String(await freePort()),
    N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
    N8N_LOG_LEVEL: 'info',
  });
  const credentialsFile = join(home, 'credentials.json');
  writeFileSync(credentialsFile, JSON.stringify(options.credentials));
  const workflowsDir = join(home, 'workflows');
  mkdirSync(workflowsDir, { recursive: true });
  for (const wf of options.workflows) {
    writeFileSync(join(workflowsDir, `${wf.id}.json`), JSON.stringify({ ...wf, active: false, settings: {}, pinData: {} }));
  }
  await cli(prepared, env, ['import:credentials', `--input=${credentialsFile}`]);
  await cli(prepared, env, ['import:workflow', '--separate', `--input=${workflowsDir}`]);

  let running = await launch(prepared, env, url);
  let cookie = '';
  const rest = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    // Under load n8n can still answer "n8n is starting up. Please wait" (as text, with 200)
    // after its REST routes exist: wait that out rather than take it for an answer.
    for (let waited = 0; ; waited += 250) {
      const got = await restOnce(method, path, body);
      if (got.body['text'] !== 'n8n is starting up. Please wait' || waited > 60_000) return got;
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const restOnce = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${url}/rest${path}`, {
      method,
      headers: { 'browser-id': BROWSER_ID, ...(cookie ? { cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
    if (set) cookie = set.split(';')[0] ?? '';
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed };
  };
  const must = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await rest(method, path, body);
    if (res.status !== 200) throw new Error(`n8n ${method} /rest${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 600)}\n${running.tail(15)}`);
    return (res.body['data'] ?? res.body) as Record<string, unknown>;
  };
  try {
    await must('POST', '/owner/setup', OWNER);
  } catch (e) {
    await running.stop();
    throw e;
  }

  return {
    url,
    webhookUrl: (webhookId) => `${url}/webhook/${webhookId}/webhook`,
    rest,
    activate: async (id) => {
      const wf = await must('GET', `/workflows/${id}`);
      const done = await must('POST', `/workflows/${id}/activate`, { versionId: wf['versionId'] });
      if (done['active'] !== true) throw new Error(`n8n did not activate ${id}: ${JSON.stringify(done).slice(0, 400)}`);
    },
    deactivate: async (id) => {
      const done = await must('POST', `/workflows/${id}/deactivate`, {});
      if (done['active'] !== false) throw new Error(`n8n did not deactivate ${id}`);
    },
    executions: async (id) => {
      const query = new URLSearchParams({ filter: JSON.stringify({ workflowId: id }), limit: '100' });
      const data = await must('GET', `/executions?${query.toString()}`);
      return Array.isArray(data['results']) ? data['results'].length : 0;
    },
    tail: (n) => running.tail(n),
    stop: () => running.stop(),
    restart: async () => {
      await running.stop();
      running = await launch(prepared, env, url);
      cookie = '';
      await must('POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
    },
  };
}

/** A workflow: a trigger node, then an HTTP Request node that posts the trigger's item to `postTo`. */
export function postingWorkflow(
  id: string,
  trigger: { type: string; webhookId: string; parameters: Record<string, unknown>; credentials: Record<string, { id: string; name: string }> },
  postTo: string,
): N8nWorkflow {
  return {
    id,
    name: id,
    nodes: [
      { id: `${id}-trigger`, name: 'Trigger', type: trigger.type, typeVersion: 1, position: [0, 0], webhookId: trigger.webhookId, parameters: trigger.parameters, credentials: trigger.credentials },
      {
        id: `${id}-post`,
        name: 'Post',
        type: 'n8n-nodes-base.httpRequest',
        typeVersion: 4.2,
        position: [220, 0],
        parameters: { method: 'POST', url: postTo, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify($json) }}', options: {} },
      },
    ],
    connections: { Trigger: { main: [[{ node: 'Post', type: 'main', index: 0 }]] } },
  };
}
