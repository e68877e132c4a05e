import { PROVIDER_IDS } from '@callbridge/core';
import type { RunningSandbox } from './sandbox';

/** The port `callbridge sandbox` listens on unless told otherwise. */
export const DEFAULT_SANDBOX_PORT = 4010;

/**
 * What `callbridge sandbox` prints at start: where each provider is and the environment to
 * point a client at it. The keys shown are the sandbox's fixed public demo keys, not secrets.
 */
export function sandboxBanner(sandbox: Pick<RunningSandbox, 'url' | 'urls' | 'keys' | 'aila'>): string {
  const lines = [`callbridge sandbox listening on ${sandbox.url}`, ''];
  for (const id of PROVIDER_IDS) {
    const up = id.toUpperCase();
    lines.push(`  ${up}_BASE_URL=${sandbox.urls[id]}  ${up}_API_KEY=${sandbox.keys[id]}`);
  }
  lines.push(
    '',
    `  Aila organization: ${sandbox.aila.organizationId}`,
    `  Admin API: ${sandbox.url}/_sandbox (reset, faults, Vyora webhook, advance calls, deliveries)`,
  );
  return lines.join('\n');
}
