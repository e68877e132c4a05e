import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadRelayConfig, startRelay } from '../packages/relay/src';
import { PROBE_ENV, type Probe } from './support/features';
import { RUN_DIR_ENV } from './support/n8n';
import { relayApi, type ApiAnswer } from './support/relay-api';

/**
 * Probes, once for the whole run, the relay routes that some journeys need and that land in
 * this round (filters, test deliveries, sources, scoped tokens). Each probe calls the real
 * route on a throwaway relay; the answers go to the journeys through the environment
 * (PROBE_ENV), which jest copies into each test file.
 */

const TOKEN = 'journey-probe-admin-token-0123456789';

/** What the relay said, short: status, and its error's code and message when it sent one. */
function answer(what: string, res: ApiAnswer): string {
  const err = (res.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const said = err && typeof err.message === 'string' ? `${String(err.code)}: ${err.message}` : res.text;
  return `${what} answered ${res.status} (${said.slice(0, 120)})`;
}

export default async function setup(): Promise<void> {
  // A folder for what the journeys share through files (global-teardown.ts removes it).
  process.env[RUN_DIR_ENV] = mkdtempSync(join(tmpdir(), 'callbridge-journeys-'));
  await probeFeatures();
}

async function probeFeatures(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'callbridge-probe-'));
  const relay = await startRelay(
    loadRelayConfig({
      RELAY_DATABASE_URL: `sqlite:${join(dir, 'probe.db')}`,
      RELAY_HOST: '127.0.0.1',
      RELAY_PORT: '0',
      RELAY_API_TOKEN: TOKEN,
      RELAY_ALLOW_PRIVATE_TARGETS: 'true',
      VYORA_WEBHOOK_SECRET: 'journey_probe_vyora_secret_0001',
    }),
    { logger: pino({ level: 'silent' }) },
  );
  const api = relayApi(relay.url, TOKEN);
  const probe: Probe = { filter: null, testDelivery: null, sources: null, tokens: null };
  try {
    const filter = { 'data.duration_seconds': { $gte: 30 } };
    const withFilter = await api.request('POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/probe', events: ['vyora.*'], filter });
    const filtered = withFilter.status === 201 && JSON.stringify((withFilter.body as Record<string, unknown>)['filter']) === JSON.stringify(filter);
    if (!filtered) probe.filter = answer('POST /v1/subscriptions with a filter', withFilter);

    const plain = await api.request('POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/probe', events: ['vyora.*'] });
    const subId = String((plain.body as Record<string, unknown>)['id']);
    const test = await api.request('POST', `/v1/subscriptions/${subId}/test`, { type: 'vyora.call_completed' });
    if (test.status !== 202) probe.testDelivery = answer(`POST /v1/subscriptions/${subId}/test`, test);

    const source = await api.request('POST', '/v1/sources', { provider: 'vyora', name: 'probe', webhook_secret: 'journey_probe_source_secret_01' });
    const hookUrl = (source.body as Record<string, unknown> | null)?.['hook_url'];
    if (source.status !== 201 || typeof hookUrl !== 'string') probe.sources = answer('POST /v1/sources', source);
    else {
      // Unsigned on purpose: a route that exists refuses it with 401, a missing one answers 404.
      const hook = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      if (hook.status !== 401) probe.sources = `an unsigned POST to ${new URL(hookUrl).pathname} answered ${hook.status}, not 401`;
    }

    const sourceId = (source.body as Record<string, unknown> | null)?.['id'];
    const token = await api.request('POST', '/v1/tokens', { name: 'probe', sources: [typeof sourceId === 'string' ? sourceId : 'default'] });
    const scoped = (token.body as Record<string, unknown> | null)?.['token'];
    if (token.status !== 201 || typeof scoped !== 'string') probe.tokens = answer('POST /v1/tokens', token);
    else {
      const seen = await relayApi(relay.url, scoped).request('GET', '/v1/subscriptions');
      if (seen.status !== 200) probe.tokens = answer('GET /v1/subscriptions with a scoped token', seen);
    }

  } finally {
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.env[PROBE_ENV] = JSON.stringify(probe);
  const gaps = Object.entries(probe).filter(([, v]) => v !== null);
  process.stdout.write(`\n[probe] relay routes: ${gaps.length === 0 ? 'all present' : `missing ${gaps.map(([k]) => k).join(', ')}`}\n`);
}
