// What the relay benchmarks share: the child servers (servers.js) they start and stop, the
// admin API calls they make, and waiting for the receiver to count deliveries.
const { fork } = require('node:child_process');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { setTimeout: sleep } = require('node:timers/promises');
const autocannon = require('autocannon');

const CORE = join(__dirname, '..', '..', 'core', 'dist', 'index.js');

const SECRET = 'bench_vyora_webhook_secret_0001';
const TOKEN = 'bench-admin-token-0123456789';
const CONNECTIONS = 50;

const now = () => performance.timeOrigin + performance.now();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Forks servers.js in `mode` (bare, relay, receiver); resolves once it listens. */
function start(mode, { env = {}, execArgv = [] } = {}) {
  const child = fork(join(__dirname, 'servers.js'), [mode], {
    execArgv,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${mode} exited early (${code})`)));
    child.once('message', (m) => {
      child.removeAllListeners('exit');
      resolve({ child, mode, port: m.port, url: `http://127.0.0.1:${m.port}` });
    });
  });
}

function ask(server, type) {
  return new Promise((resolve) => {
    const onMessage = (m) => {
      if (m.type === type) {
        server.child.off('message', onMessage);
        resolve(m);
      }
    };
    server.child.on('message', onMessage);
    server.child.send({ type });
  });
}

async function stop(server) {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  // The receiver has no graceful close: it holds nothing worth finishing.
  if (server.mode === 'receiver') server.child.kill('SIGTERM');
  else server.child.send({ type: 'close' });
  await Promise.race([exited, sleep(15_000).then(() => server.child.kill('SIGKILL'))]);
}

async function api(url, method, path, body) {
  const res = await globalThis.fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function waitForReceiver(receiver, count, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await ask(receiver, 'stats');
    if (s.count >= count) return s;
    if (Date.now() > deadline) throw new Error(`receiver got ${s.count} of ${count} deliveries in time`);
    await sleep(100);
  }
}

let serial = 0;

/**
 * Distinct, signed Vyora events, built before the clock starts so signing costs the
 * generator nothing. `extra` is appended inside the JSON object; `secret` signs them.
 */
function signedPool(n, { extra = '', secret = SECRET } = {}) {
  const { signWebhook } = require(CORE);
  const out = new Array(n);
  const run = `${process.pid}-${Date.now()}-${serial++}`;
  for (let i = 0; i < n; i++) {
    const body =
      `{"event":"call_completed","call_id":"${run}-${i}","phone_number":"+919876543210","status":"completed",` +
      `"duration_seconds":47,"timestamp":"2026-05-24T10:31:00Z"${extra}}`;
    out[i] = { body, sig: signWebhook('vyora', { rawBody: body, secret }).value };
  }
  return out;
}

/**
 * autocannon at 50 connections (or `connections`), one distinct signed body per request, to
 * `path` (default /hooks/vyora); also measures its own CPU.
 */
async function cannon(url, pool, options, path = '/hooks/vyora') {
  let i = 0;
  const cpu0 = process.cpuUsage();
  const t0 = now();
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    ...options,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (req) => {
          const b = pool[i++ % pool.length];
          req.body = b.body;
          req.headers = { 'content-type': 'application/json', 'x-vyora-event': 'call_completed', 'x-vyora-signature': b.sig };
          return req;
        },
      },
    ],
  });
  const cpu = process.cpuUsage(cpu0);
  const wallMs = now() - t0;
  return {
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    generatorCpu: (cpu.user + cpu.system) / 1000 / wallMs,
  };
}

/** A cannon run with the server's CPU per request measured around it. */
async function measured(server, run) {
  const before = (await ask(server, 'stats')).cpu;
  const result = await run();
  const after = (await ask(server, 'stats')).cpu;
  const us = after.user - before.user + (after.system - before.system);
  const sysUs = after.system - before.system;
  return { ...result, serverCpuUs: Math.round(us / Math.max(1, result.total)), serverSysUs: Math.round(sysUs / Math.max(1, result.total)) };
}

/** A relay's environment for a benchmark: its own database in `dir`, no rate limit, quiet logs. */
function relayEnv(dir, extra = {}) {
  return {
    RELAY_DATABASE_URL: `sqlite:${join(dir, 'relay.db')}`,
    RELAY_HOST: '127.0.0.1',
    RELAY_PORT: '0',
    RELAY_API_TOKEN: TOKEN,
    RELAY_ALLOW_PRIVATE_TARGETS: 'true',
    RELAY_RATE_LIMIT: '0',
    RELAY_LOG_LEVEL: 'warn',
    VYORA_WEBHOOK_SECRET: SECRET,
    AILA_WEBHOOK_SECRET: SECRET,
    AYRA_WEBHOOK_SECRET: SECRET,
    ...extra,
  };
}

module.exports = { SECRET, TOKEN, CONNECTIONS, now, median, start, ask, stop, api, waitForReceiver, signedPool, cannon, measured, relayEnv };
