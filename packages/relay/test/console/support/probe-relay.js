/* global fetch, AbortController */
// Asks a relay built from packages/relay/dist which of the console's newer endpoints it has, so
// the browser tests that need one can skip, saying which, until it lands. Runs as its own process
// because jest decides which tests to skip before any test runs, synchronously.
// Prints one JSON line: {"<METHOD> <path>": <status>, ...}.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { loadRelayConfig, startRelay } = require('../../../dist/index.js');

const TOKEN = 'probe-admin-token-0123456789';

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'relay-probe-'));
  const relay = await startRelay(
    loadRelayConfig({
      RELAY_DATABASE_URL: `sqlite:${join(dir, 'probe.db')}`,
      RELAY_HOST: '127.0.0.1',
      RELAY_PORT: '0',
      RELAY_API_TOKEN: TOKEN,
      RELAY_ALLOW_PRIVATE_TARGETS: 'true',
      RELAY_LOG_LEVEL: 'silent',
      VYORA_WEBHOOK_SECRET: 'probe_vyora_webhook_secret_01',
    }),
  );
  const call = async (method, path, body) => {
    const abort = new AbortController();
    const res = await fetch(relay.url + path, {
      method,
      signal: abort.signal,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    // A stream never ends by itself: its status is all a probe needs.
    if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      abort.abort();
      return { status: res.status, text: '' };
    }
    return { status: res.status, text: await res.text() };
  };
  try {
    const created = await call('POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/probe', events: ['*'] });
    if (created.status !== 201) throw new Error(`the probe could not create a subscription: ${created.status} ${created.text}`);
    const sub = JSON.parse(created.text).id;
    const out = {};
    const probes = [
      ['GET', '/v1/me'],
      ['GET', '/v1/stats'],
      ['GET', '/v1/sources'],
      ['GET', '/v1/tokens'],
      ['GET', '/v1/events/stream'],
      ['PATCH', '/v1/subscriptions/:id', { description: 'probe' }],
      ['POST', '/v1/subscriptions/:id/rotate-secret', {}],
      ['POST', '/v1/subscriptions/:id/test', { type: 'vyora.call_completed' }],
    ];
    for (const [method, path, body] of probes) {
      out[`${method} ${path}`] = (await call(method, path.replace(':id', sub), body)).status;
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
