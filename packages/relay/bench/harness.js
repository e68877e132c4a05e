// What the relay benchmarks share: the child servers (servers.js) they start and stop, the
// admin API calls they make, and waiting for the receiver to count deliveries.
const { fork } = require('node:child_process');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { setTimeout: sleep } = require('node:timers/promises');

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

module.exports = { SECRET, TOKEN, CONNECTIONS, now, median, start, ask, stop, api, waitForReceiver };
