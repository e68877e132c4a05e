import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadRelayConfig, startRelay, type RunningRelay } from '../../packages/relay/src';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../packages/sandbox/src';
import { print } from './steps';

/**
 * The real parts a journey runs against, on loopback: the sandbox (the four providers) and
 * a relay in this process whose Vyora credentials point at the sandbox, the way an agency
 * would run them, wired with one shared Vyora webhook secret.
 *
 * The sandbox's call stages wait ten minutes each, so nothing moves on its own: a journey
 * moves each call with the sandbox's time control (`calls.advance`), one visible hop at a
 * time, and a whole lifecycle takes milliseconds.
 */

export const RELAY_TOKEN = 'journey-relay-admin-token-0123456789';
export const VYORA_SECRET = 'journey_vyora_webhook_secret_000001';
export const AILA_SECRET = 'journey_aila_webhook_secret_0000001';

const STILL = 600_000;

/** The relay settings every journey shares; a journey adds or overrides some. */
export function relayEnv(sandbox: RunningSandbox, extra: Record<string, string> = {}): Record<string, string> {
  return {
    RELAY_HOST: '127.0.0.1',
    RELAY_PORT: '0',
    RELAY_API_TOKEN: RELAY_TOKEN,
    // Quick retries: a delivery a journey makes fail must come back within the journey.
    RELAY_RETRY_SCHEDULE: '0.2s,0.5s,1s',
    RELAY_DELIVERY_TIMEOUT: '5s',
    // Every receiver in a journey is on loopback.
    RELAY_ALLOW_PRIVATE_TARGETS: 'true',
    RELAY_RATE_LIMIT: '0',
    VYORA_API_KEY: sandbox.keys.vyora,
    VYORA_BASE_URL: sandbox.urls.vyora,
    VYORA_WEBHOOK_SECRET: VYORA_SECRET,
    AILA_API_KEY: sandbox.keys.aila,
    AILA_BASE_URL: sandbox.urls.aila,
    AILA_WEBHOOK_SECRET: AILA_SECRET,
    ...extra,
  };
}

/** A sandbox whose calls move only when a journey moves them, and whose webhooks retry quickly. */
export function stillSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  return startSandbox({
    timings: { ringMs: STILL, inProgressMs: STILL, processingMs: STILL, workflowMs: STILL },
    webhookRetry: { attempts: 10, baseDelayMs: 200, maxDelayMs: 1_000, timeoutMs: 5_000 },
    rateLimits: { vyora: false, aila: false },
    ...options,
  });
}

export interface Parts {
  sandbox: RunningSandbox;
  relay: RunningRelay;
  relayUrl: string;
  /** The relay's log lines (JSON), for a journey that must show why a hop failed. */
  relayLog: string[];
  close(): Promise<void>;
}

/** Sandbox, then a relay on a fresh SQLite file pointing at it, then the sandbox's Vyora webhook pointing at the relay. */
export async function startParts(extraEnv: Record<string, string> = {}, sandboxOptions: SandboxOptions = {}): Promise<Parts> {
  const sandbox = await stillSandbox(sandboxOptions);
  const dir = mkdtempSync(join(tmpdir(), 'callbridge-journey-'));
  const relayLog: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      relayLog.push(chunk.toString('utf8'));
      if (process.env['CALLBRIDGE_E2E_LOGS'] === '1') print(`    relay: ${chunk.toString('utf8').trimEnd()}`);
      done();
    },
  });
  let relay: RunningRelay;
  try {
    relay = await startRelay(loadRelayConfig(relayEnv(sandbox, { RELAY_DATABASE_URL: `sqlite:${join(dir, 'relay.db')}`, ...extraEnv })), {
      logger: pino({ level: 'info' }, sink),
    });
  } catch (e) {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  sandbox.vyora.setWebhook({ url: `${relay.url}/hooks/vyora`, secret: VYORA_SECRET });
  return {
    sandbox,
    relay,
    relayUrl: relay.url,
    relayLog,
    close: async () => {
      await sandbox.close();
      await relay.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
