/* global fetch */
// The live test: the built n8n packages inside a real n8n, against the sandbox.
//
//   npm run test:n8n            (from the repository root)
//
// 1. Installs n8n 2.8.4 once into a cache outside the repository (~/.cache/callbridge/n8n-2.8.4,
//    or CALLBRIDGE_N8N_CACHE), with xlsx taken from the npm registry (n8n points it at a
//    download site this machine cannot reach) and sqlite3 built against the machine's Node.
// 2. Builds the four packages, packs them with npm pack and unpacks the tarballs side by side
//    into one custom extensions folder (n8n 2.8 keeps one loader per custom folder, so several
//    folders would shadow each other).
// 3. Starts the sandbox, imports credentials and workflows with n8n's CLI and runs each workflow
//    with `n8n execute --id`: trigger a Vyora call and wait for its analysis, list every Ayra
//    agent with Return All, verify an Ayla sender ID.
//
// Environment: N8N_NODE picks the Node binary n8n runs on (default: the machine's /usr/bin/node,
// whose headers sqlite3 is built against; n8n 2.8 runs on Node 20.19 to 24).
// CALLBRIDGE_KEEP=1 keeps the temporary n8n home for inspection.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const N8N_VERSION = '2.8.4';
const XLSX_VERSION = '0.18.5';
const here = path.dirname(fileURLToPath(import.meta.url));
const n8nDir = path.resolve(here, '..');
const repo = path.resolve(n8nDir, '../..');
const PROVIDERS = ['vyora', 'ayra', 'aila', 'ayla'];

const log = (line) => console.log(`[test:n8n] ${line}`);

/** The environment for child tools, without what `npm run` adds (its npm_* settings would steer the inner npm). */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('npm_') && k !== 'NODE_OPTIONS' && k !== 'INIT_CWD') env[k] = v;
  return { ...env, ...extra };
}

function run(cmd, args, options = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (res.error) throw res.error;
  return res;
}

/**
 * A child process that does not block this one: the sandbox answers n8n's requests from this
 * process's event loop, so n8n must never be run with spawnSync while the sandbox is up.
 */
function runAsync(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function mustRunAsync(what, cmd, args, options = {}) {
  const res = await runAsync(cmd, args, options);
  if (res.status !== 0) throw new Error(`${what} failed (exit ${res.status}):\n${res.stderr.slice(-4000)}\n${res.stdout.slice(-2000)}`);
  return res;
}

function mustRun(what, cmd, args, options = {}) {
  const res = run(cmd, args, options);
  if (res.status !== 0) {
    throw new Error(`${what} failed (exit ${res.status}):\n${(res.stderr || '').slice(-4000)}\n${(res.stdout || '').slice(-2000)}`);
  }
  return res;
}

function runtimeNode() {
  const node = process.env.N8N_NODE || (existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath);
  const version = mustRun('node --version', node, ['--version']).stdout.trim();
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19) || major > 24) {
    throw new Error(`n8n ${N8N_VERSION} runs on Node 20.19 to 24; ${node} is ${version} (set N8N_NODE)`);
  }
  return { node, version };
}

/** Installs n8n into the cache unless a finished install for this Node is already there. */
function ensureN8n(cache, node) {
  const marker = path.join(cache, '.callbridge-install.json');
  const want = { n8n: N8N_VERSION, xlsx: XLSX_VERSION, node: node.version };
  const binding = path.join(cache, 'node_modules/sqlite3/build/Release/node_sqlite3.node');
  if (existsSync(marker) && existsSync(binding)) {
    const have = JSON.parse(readFileSync(marker, 'utf8'));
    if (JSON.stringify(have) === JSON.stringify(want)) {
      log(`n8n ${N8N_VERSION} found in ${cache}`);
      return;
    }
  }
  log(`installing n8n ${N8N_VERSION} into ${cache} (the first time takes a few minutes)`);
  mkdirSync(cache, { recursive: true });
  rmSync(marker, { force: true });
  writeFileSync(
    path.join(cache, 'package.json'),
    JSON.stringify({ name: 'callbridge-n8n-live', private: true, dependencies: { n8n: N8N_VERSION }, overrides: { xlsx: XLSX_VERSION } }, null, 2),
  );
  // npm and node-gyp run on the Node that will run n8n, so that sqlite3 is built for it.
  const env = cleanEnv({ PATH: `${path.dirname(node.node)}${path.delimiter}${process.env.PATH}` });
  // Install scripts stay off (some of n8n's dependencies fetch binaries from sites this machine
  // cannot reach); the one native module n8n needs is built next, from source.
  mustRun('npm install n8n', 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: cache, env });
  mustRun('building sqlite3', 'npm', ['rebuild', 'sqlite3', '--build-from-source', '--loglevel=error'], { cwd: cache, env });
  if (!existsSync(binding)) throw new Error(`sqlite3 was not built (${binding} is missing)`);
  writeFileSync(marker, JSON.stringify(want));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Builds the packages and the sandbox, packs each package and unpacks it into one custom folder. */
function buildAndInstall(work) {
  log('building the n8n packages');
  mustRun('build.mjs', process.execPath, [path.join(n8nDir, 'build.mjs')], { cwd: repo, stdio: 'inherit' });
  mustRun('building the sandbox', process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-b', path.join(repo, 'packages/sandbox')], { cwd: repo });
  const packs = path.join(work, 'packs');
  const custom = path.join(work, 'custom');
  mkdirSync(packs, { recursive: true });
  for (const p of PROVIDERS) {
    const res = mustRun(`npm pack ${p}`, 'npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packs], { cwd: path.join(n8nDir, p), env: cleanEnv() });
    const [{ filename }] = JSON.parse(res.stdout);
    const target = path.join(custom, `n8n-nodes-${p}`);
    mkdirSync(target, { recursive: true });
    mustRun(`unpacking ${filename}`, 'tar', ['-xzf', path.join(packs, filename), '-C', target, '--strip-components=1']);
  }
  return custom;
}

function nodeJson(name, type, parameters, credentials, x) {
  return { id: `node-${name.replace(/\W+/g, '-').toLowerCase()}`, name, type, typeVersion: 1, position: [x, 0], parameters, ...(credentials ? { credentials } : {}) };
}

/** A workflow: a manual trigger followed by `steps` in a line. */
function workflow(id, name, steps) {
  const nodes = [nodeJson('Start', 'n8n-nodes-base.manualTrigger', {}, undefined, 0)];
  const connections = {};
  let previous = 'Start';
  steps.forEach((s, i) => {
    nodes.push(nodeJson(s.name, s.type, s.parameters, s.credentials, 220 * (i + 1)));
    connections[previous] = { main: [[{ node: s.name, type: 'main', index: 0 }]] };
    previous = s.name;
  });
  return { id, name, active: false, settings: {}, nodes, connections, pinData: {} };
}

const CRED = { vyora: 'cbLiveVyora0001', ayra: 'cbLiveAyra00001', ayla: 'cbLiveAyla00001' };

function fixtures(sandbox) {
  const credentials = [
    { id: CRED.vyora, name: 'Vyora sandbox', type: 'vyoraApi', data: { apiKey: sandbox.keys.vyora, baseUrl: sandbox.urls.vyora, webhookSecret: '' } },
    { id: CRED.ayra, name: 'Ayra sandbox', type: 'ayraApi', data: { apiKey: sandbox.keys.ayra, baseUrl: sandbox.urls.ayra } },
    { id: CRED.ayla, name: 'Ayla sandbox', type: 'aylaApi', data: { apiKey: sandbox.keys.ayla, baseUrl: sandbox.urls.ayla } },
  ];
  const cred = (type, id, name) => ({ [type]: { id, name } });
  const workflows = [
    workflow('cbLiveVyoraCall', 'Vyora: trigger a call and wait for its analysis', [
      {
        name: 'Trigger Call',
        type: 'CUSTOM.vyora',
        credentials: cred('vyoraApi', CRED.vyora, 'Vyora sandbox'),
        parameters: {
          resource: 'calls',
          operation: 'trigger',
          phone_number: '+919876543210',
          additionalFields: { agent_name: 'Home Loan Agent', custom_args: { pairs: [{ name: 'name', value: 'Rahul Sharma' }, { name: 'product', value: 'Home Loan' }] } },
        },
      },
      {
        name: 'Get Call',
        type: 'CUSTOM.vyora',
        credentials: cred('vyoraApi', CRED.vyora, 'Vyora sandbox'),
        parameters: { resource: 'calls', operation: 'get', call_id: '={{ $json.call_id }}', waitForAnalysis: true, interval_seconds: 0.5, timeout_seconds: 60 },
      },
    ]),
    workflow('cbLiveAyraAgent', 'Ayra: list every agent', [
      {
        name: 'List Agents',
        type: 'CUSTOM.ayra',
        credentials: cred('ayraApi', CRED.ayra, 'Ayra sandbox'),
        parameters: { resource: 'agents', operation: 'list', returnAll: true },
      },
    ]),
    workflow('cbLiveAylaSendr', 'Ayla: verify a sender ID', [
      {
        name: 'Verify Sender',
        type: 'CUSTOM.ayla',
        credentials: cred('aylaApi', CRED.ayla, 'Ayla sandbox'),
        parameters: { resource: 'sender', operation: 'verify', sender_id: 'GTBANKNG', country_code: 'NG', additionalFields: { organisation_type: 'bank' } },
      },
    ]),
  ];
  return { credentials, workflows };
}

/** The items a node output in a `n8n execute --rawOutput` result. */
function outputOf(result, nodeName) {
  const runs = result?.data?.resultData?.runData?.[nodeName];
  if (!runs) throw new Error(`node "${nodeName}" did not run`);
  return (runs[0]?.data?.main?.[0] ?? []).map((i) => i.json);
}

function parseExecution(stdout) {
  // n8n prints a few log lines (task broker, runners) before the JSON.
  const start = stdout.search(/^\{/m);
  if (start < 0) throw new Error(`n8n printed no execution result:\n${stdout.slice(-2000)}`);
  return JSON.parse(stdout.slice(start));
}

async function main() {
  const started = Date.now();
  const node = runtimeNode();
  const cache = process.env.CALLBRIDGE_N8N_CACHE || path.join(os.homedir(), '.cache', 'callbridge', `n8n-${N8N_VERSION}`);
  ensureN8n(cache, node);

  const work = mkdtempSync(path.join(os.tmpdir(), 'callbridge-n8n-live-'));
  const custom = buildAndInstall(work);
  const requireFromRepo = createRequire(path.join(repo, 'package.json'));
  const { startSandbox } = requireFromRepo(path.join(repo, 'packages/sandbox/dist/index.js'));
  const sandbox = await startSandbox({ port: 0, timings: { ringMs: 200, inProgressMs: 500, processingMs: 300 } });
  const checks = [];
  try {
    // What the sandbox holds, asked directly, to judge the node's Return All by.
    const ayraAgents = await fetch(`${sandbox.urls.ayra}/agents?per_page=1`, { headers: { authorization: `Bearer ${sandbox.keys.ayra}` } });
    const ayraTotal = (await ayraAgents.json()).meta?.total;
    if (!Number.isInteger(ayraTotal) || ayraTotal <= 25) throw new Error(`the sandbox should hold more than one default page of Ayra agents, has ${ayraTotal}`);
    const home = path.join(work, 'home');
    mkdirSync(home, { recursive: true });
    const env = cleanEnv({
      N8N_USER_FOLDER: home,
      N8N_CUSTOM_EXTENSIONS: custom,
      N8N_ENCRYPTION_KEY: 'callbridge-live-test-only',
      N8N_DIAGNOSTICS_ENABLED: 'false',
      N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
      N8N_PERSONALIZATION_ENABLED: 'false',
      // execute prints its result through the logger at info level.
      N8N_LOG_LEVEL: 'info',
      N8N_RUNNERS_BROKER_PORT: String(await freePort()),
      DB_SQLITE_POOL_SIZE: '1',
    });
    const n8n = (what, args) => mustRunAsync(what, node.node, [path.join(cache, 'node_modules/n8n/bin/n8n'), ...args], { cwd: work, env });

    const { credentials, workflows } = fixtures(sandbox);
    writeFileSync(path.join(work, 'credentials.json'), JSON.stringify(credentials));
    const wfDir = path.join(work, 'workflows');
    mkdirSync(wfDir);
    for (const wf of workflows) writeFileSync(path.join(wfDir, `${wf.id}.json`), JSON.stringify(wf));
    log('importing credentials and workflows');
    await n8n('n8n import:credentials', ['import:credentials', `--input=${path.join(work, 'credentials.json')}`]);
    await n8n('n8n import:workflow', ['import:workflow', '--separate', `--input=${wfDir}`]);

    const execute = async (id) => {
      const t = Date.now();
      const res = await runAsync(node.node, [path.join(cache, 'node_modules/n8n/bin/n8n'), 'execute', `--id=${id}`, '--rawOutput'], { cwd: work, env });
      const result = res.status === 0 ? parseExecution(res.stdout) : undefined;
      const error = result?.data?.resultData?.error;
      if (res.status !== 0 || error) {
        throw new Error(`n8n execute --id=${id} failed: ${error?.message ?? ''}\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`);
      }
      log(`executed ${id} in ${Date.now() - t} ms`);
      return result;
    };
    const check = async (name, fn) => {
      try {
        await fn();
        checks.push({ name, ok: true });
        log(`ok   ${name}`);
      } catch (e) {
        checks.push({ name, ok: false });
        log(`FAIL ${name}\n${e instanceof Error ? e.message : e}`);
      }
    };
    const assert = (cond, message) => {
      if (!cond) throw new Error(message);
    };

    await check('Vyora: trigger a call and wait for its analysis', async () => {
      const result = await execute('cbLiveVyoraCall');
      const [registered] = outputOf(result, 'Trigger Call');
      assert(typeof registered?.call_id === 'string', `Trigger Call gave no call_id: ${JSON.stringify(registered)}`);
      const [call] = outputOf(result, 'Get Call');
      assert(call?.call_id === registered.call_id, `Get Call returned another call: ${JSON.stringify(call)}`);
      assert(call.status === 'completed', `the call is ${call.status}, not completed`);
      assert(call.analysis && typeof call.analysis === 'object', 'the call has no analysis');
      // The sandbox names the contact from custom_args.name: the key/value pairs reached Vyora.
      assert(call.contact_name === 'Rahul Sharma', `custom_args did not reach Vyora (contact_name ${JSON.stringify(call.contact_name)})`);
    });

    await check('Ayra: list every agent with Return All', async () => {
      const result = await execute('cbLiveAyraAgent');
      const agents = outputOf(result, 'List Agents');
      assert(agents.length === ayraTotal, `listed ${agents.length} agents, the sandbox has ${ayraTotal}`);
      assert(new Set(agents.map((a) => a.id)).size === agents.length, 'an agent was listed twice');
    });

    await check('Ayla: verify a sender ID', async () => {
      const result = await execute('cbLiveAylaSendr');
      const [verdict] = outputOf(result, 'Verify Sender');
      assert(['APPROVE', 'REVIEW', 'REJECT'].includes(verdict?.decision), `no decision: ${JSON.stringify(verdict)}`);
    });
  } finally {
    await sandbox.close();
    if (process.env.CALLBRIDGE_KEEP === '1') log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  const passed = checks.filter((c) => c.ok).length;
  const failed = checks.length - passed;
  log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0 || passed === 0) process.exitCode = 1;
}

main().catch((e) => {
  console.error(`[test:n8n] ${e instanceof Error ? e.message : e}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
