import { PROVIDER_IDS } from '@callbridge/core';
import type { RelayWiring } from './relay-wiring';
import type { RunningSandbox } from './sandbox';

/** The port `callbridge sandbox` listens on unless told otherwise. */
export const DEFAULT_SANDBOX_PORT = 4010;

/**
 * What `callbridge sandbox` prints at start: `export` lines to paste into another terminal
 * (a client's, or the relay's), where the admin routes are listed, and, with several Vyora
 * workspaces or a relay, where each workspace's webhooks go. The keys and secrets shown are
 * the sandbox's own demo values (fixed or generated, never a real account's), which is why
 * this one place prints them.
 */
export function sandboxBanner(sandbox: Pick<RunningSandbox, 'url' | 'urls' | 'keys' | 'aila' | 'vyora'>, wiring?: RelayWiring): string {
  const lines = [`callbridge sandbox listening on ${sandbox.url}`, `Admin routes: curl -H 'accept: text/plain' ${sandbox.url}/_sandbox`, ''];
  for (const id of PROVIDER_IDS) {
    const up = id.toUpperCase();
    lines.push(`export ${up}_BASE_URL=${sandbox.urls[id]} ${up}_API_KEY=${sandbox.keys[id]}`);
  }
  if (wiring) lines.push(`export VYORA_WEBHOOK_SECRET=${wiring.webhookSecret}`, `export RELAY_URL=${wiring.relayUrl}`);
  const organizations = sandbox.aila.organizations;
  if (organizations.length === 1) lines.push(`# Aila organization: ${sandbox.aila.organizationId}`);

  const workspaces = wiring?.workspaces ?? sandbox.vyora.workspaces;
  if (workspaces.length > 1 || wiring) {
    lines.push('', 'Vyora workspaces (each its own key, agents, credits, calls and webhook):');
    const idWidth = Math.max(...workspaces.map((w) => w.id.length));
    const keyWidth = Math.max(...workspaces.map((w) => w.apiKey.length));
    const secretWidth = Math.max(...workspaces.map((w) => w.webhookSecret.length));
    for (const ws of workspaces) {
      const to = ws.webhookUrl ?? 'no webhook URL yet';
      lines.push(`  ${ws.id.padEnd(idWidth)}  key ${ws.apiKey.padEnd(keyWidth)}  secret ${ws.webhookSecret.padEnd(secretWidth)}  → ${to}`);
    }
    const unwired = wiring?.workspaces.filter((w) => w.setup) ?? [];
    if (unwired.length > 0) {
      lines.push('', 'To give each other workspace its relay source (or restart with --relay-token "$RELAY_API_TOKEN" to have it done):');
      for (const ws of unwired) lines.push(...(ws.setup ?? []).map((l) => `  ${l}`));
    }
  }
  if (organizations.length > 1) {
    lines.push('', 'Aila organizations (each its own key, team, contacts, calls and webhook endpoints):');
    const idWidth = Math.max(...organizations.map((o) => o.id.length));
    for (const org of organizations) lines.push(`  ${org.id.padEnd(idWidth)}  key ${org.apiKey}`);
  }
  return lines.join('\n');
}
