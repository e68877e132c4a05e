// What every test that runs the n8n packages inside a real n8n needs, shared by the live test
// (run.mjs) and the journeys in test/ (through prepare.mjs): n8n 2.8.4 installed once into a
// cache outside the repository, the four packages built, packed and unpacked into one custom
// extensions folder, and the settings n8n runs with in a test.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const N8N_VERSION = '2.8.4';
const XLSX_VERSION = '0.18.5';
const here = path.dirname(fileURLToPath(import.meta.url));
const n8nDir = path.resolve(here, '..');
export const repo = path.resolve(n8nDir, '../..');
export const PROVIDERS = ['vyora', 'ayra', 'aila', 'ayla'];

/** The environment for child tools, without what `npm run` adds (its npm_* settings would steer the inner npm). */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('npm_') && k !== 'NODE_OPTIONS' && k !== 'INIT_CWD') env[k] = v;
  return { ...env, ...extra };
}

export function run(cmd, args, options = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (res.error) throw res.error;
  return res;
}

export function mustRun(what, cmd, args, options = {}) {
  const res = run(cmd, args, options);
  if (res.status !== 0) {
    throw new Error(`${what} failed (exit ${res.status}):\n${(res.stderr || '').slice(-4000)}\n${(res.stdout || '').slice(-2000)}`);
  }
  return res;
}

/**
 * A child process that does not block this one: the sandbox answers n8n's requests from this
 * process's event loop, so n8n must never be run with spawnSync while the sandbox is up.
 */
export function runAsync(cmd, args, options = {}) {
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

export async function mustRunAsync(what, cmd, args, options = {}) {
  const res = await runAsync(cmd, args, options);
  if (res.status !== 0) throw new Error(`${what} failed (exit ${res.status}):\n${res.stderr.slice(-4000)}\n${res.stdout.slice(-2000)}`);
  return res;
}

/** The Node binary n8n runs on: N8N_NODE, else the machine's /usr/bin/node, whose headers sqlite3 is built against. */
export function runtimeNode() {
  const node = process.env.N8N_NODE || (existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath);
  const version = mustRun('node --version', node, ['--version']).stdout.trim();
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19) || major > 24) {
    throw new Error(`n8n ${N8N_VERSION} runs on Node 20.19 to 24; ${node} is ${version} (set N8N_NODE)`);
  }
  return { node, version };
}

export function n8nCache() {
  return process.env.CALLBRIDGE_N8N_CACHE || path.join(os.homedir(), '.cache', 'callbridge', `n8n-${N8N_VERSION}`);
}

/** Installs n8n into the cache unless a finished install for this Node is already there. */
export function ensureN8n(cache, node, log) {
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

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Builds the packages and the sandbox, packs each package and unpacks it into one custom
 * folder (n8n 2.8 keeps one loader per custom folder, so several folders would shadow each
 * other). `stdio` is where the build's own output goes.
 */
export function buildAndInstall(work, log, stdio = 'inherit') {
  log('building the n8n packages');
  mustRun('build.mjs', process.execPath, [path.join(n8nDir, 'build.mjs')], { cwd: repo, stdio });
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

/** The n8n binary inside the cache. */
export function n8nBin(cache) {
  return path.join(cache, 'node_modules/n8n/bin/n8n');
}

/**
 * The settings n8n runs with in a test: its home and the custom folder, a fixed encryption
 * key (the imported credentials are encrypted with it), nothing phoned home, one SQLite
 * connection. Callers add ports and log levels.
 */
export function n8nSettings(home, custom) {
  return {
    N8N_USER_FOLDER: home,
    N8N_CUSTOM_EXTENSIONS: custom,
    N8N_ENCRYPTION_KEY: 'callbridge-live-test-only',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    DB_SQLITE_POOL_SIZE: '1',
  };
}
