import type { Runtime } from '../../runtime';
import { spaceOf } from './data';
import type { FieldNamer, VyoraWorkspace } from './workspaces';

/** A workspace as the library returns it: everything needed to call it and check its webhooks. */
export interface VyoraWorkspaceInfo {
  id: string;
  name: string;
  apiKey: string;
  webhookSecret: string;
  webhookUrl: string | null;
  events: string[];
}

export function workspaceInfo(ws: VyoraWorkspace): VyoraWorkspaceInfo {
  return { id: ws.id, name: ws.name, apiKey: ws.apiKey, webhookSecret: ws.secret, webhookUrl: ws.url ?? null, events: [...ws.events] };
}

/**
 * A workspace as the admin API shows it. The key is a sandbox key, shown like the demo keys;
 * the webhook secret only in the answer that creates the workspace (`withSecret`).
 */
export function workspaceJson(runtime: Runtime, ws: VyoraWorkspace, withSecret = false): Record<string, unknown> {
  return {
    id: ws.id,
    name: ws.name,
    default: ws === runtime.vyora.default,
    api_key: ws.apiKey,
    ...(withSecret ? { webhook_secret: ws.secret } : {}),
    webhook_url: ws.url ?? null,
    events: [...ws.events],
    credits: spaceOf(runtime.world.vyora, ws.id).credits,
  };
}

/** The admin API's field names, snake_case like every provider's wire format. */
const SNAKE: Readonly<Record<string, string | undefined>> = { apiKey: 'api_key', webhookSecret: 'webhook_secret', webhookUrl: 'webhook_url' };
export const ADMIN_FIELD: FieldNamer = (f) => SNAKE[f] ?? f;

export function setCredits(runtime: Runtime, ws: VyoraWorkspace, credits: number): void {
  spaceOf(runtime.world.vyora, ws.id).credits = credits;
}

/** The default workspace's webhook as the admin API has always shown it: never the secret. */
export function defaultWebhookJson(runtime: Runtime): Record<string, unknown> | null {
  const ws = runtime.vyora.default;
  return ws.url === undefined ? null : { url: ws.url, events: [...ws.events], secret_set: true };
}
