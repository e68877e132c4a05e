import type { VyoraWorkspaceInfo } from './providers/vyora/control';
import { VYORA_DEMO_WEBHOOK_SECRET } from './providers/vyora/workspaces';
import type { RunningSandbox } from './sandbox';
import { sendRaw } from './webhooks/post';

/**
 * Points the sandbox's Vyora webhooks at a relay, so a newcomer gets a call delivered
 * through it with one flag. The default workspace posts to the relay's `/hooks/vyora`,
 * signed with the fixed demo secret the relay is then started with. Each other workspace is
 * one relay source (`POST /v1/sources`, the round's contract): with an admin token the
 * sandbox creates (or, on a later start, updates) the source itself and posts to its
 * `hook_url`; without one it says how to create it.
 */

export interface RelayWiringOptions {
  /** The relay's root URL, e.g. http://127.0.0.1:8080. */
  relayUrl: string;
  /** A relay admin token; never printed or logged. */
  token?: string;
  /** Per request to the relay; default 5 s. */
  timeoutMs?: number;
}

export interface WiredWorkspace extends VyoraWorkspaceInfo {
  /** The relay source it posts to, when the sandbox created or updated it. */
  sourceId?: string;
  /** Without a token, for each workspace but the default: shell commands that create its source and point the workspace at it. */
  setup?: string[];
}

export interface RelayWiring {
  relayUrl: string;
  /** The secret the relay must verify the default workspace's webhooks with (VYORA_WEBHOOK_SECRET). */
  webhookSecret: string;
  workspaces: WiredWorkspace[];
}

/** The relay could not be reached, or refused a request; the message names the URL and never the token. */
export class RelayWiringError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RelayWiringError';
  }
}

/** The relay's root with no trailing slash; a field-named error for anything but an http(s) URL without query. */
export function relayRoot(raw: string): string {
  if (!/^https?:\/\//i.test(raw) || !URL.canParse(raw)) throw new RelayWiringError(`relay URL must be an http(s) URL, e.g. http://127.0.0.1:8080; got "${raw}"`, raw);
  const u = new URL(raw);
  if (u.search || u.hash) throw new RelayWiringError(`relay URL must be the relay's root, without ?query or #fragment; got "${raw}"`, raw);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** The name the sandbox gives a workspace's relay source, and finds it by on a later start. */
export function sourceName(ws: Pick<VyoraWorkspaceInfo, 'id' | 'name'>): string {
  return `sandbox ${ws.id}: ${ws.name}`;
}

/** Single-quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function sourceBody(ws: VyoraWorkspaceInfo, vyoraBaseUrl: string): Record<string, string> {
  return { webhook_secret: ws.webhookSecret, api_key: ws.apiKey, base_url: vyoraBaseUrl };
}

interface Source {
  id: string;
  provider: string;
  name: string;
  hook_url: string;
}

function isSource(v: unknown): v is Source {
  const o = v as Partial<Source> | null;
  return typeof o === 'object' && o !== null && typeof o.id === 'string' && typeof o.name === 'string' && typeof o.hook_url === 'string' && /^https?:\/\//i.test(o.hook_url) && URL.canParse(o.hook_url);
}

/** The relay's answers are small; a listing of every source stays well under this. */
const MAX_ANSWER = 4 * 1024 * 1024;

async function relayRequest(method: string, url: string, token: string, timeoutMs: number, body?: unknown): Promise<unknown> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json', ...(text !== undefined ? { 'content-type': 'application/json' } : {}) };
  const res = await sendRaw(method, url, text, headers, timeoutMs, { maxText: MAX_ANSWER });
  if (res.status === null) {
    throw new RelayWiringError(`could not reach the relay at ${url}: ${res.error ?? 'no answer'}. Start the relay first, or leave out the token to wire it by hand.`, url);
  }
  let parsed: unknown;
  try {
    parsed = res.text === '' ? undefined : (JSON.parse(res.text) as unknown);
  } catch {
    parsed = undefined;
  }
  if (res.status < 200 || res.status > 299) {
    const said = (parsed as { error?: { message?: unknown } } | undefined)?.error?.message;
    const why =
      res.status === 401 || res.status === 403
        ? 'the token is not a relay admin token'
        : res.status === 404 && method === 'GET'
          ? 'this relay has no /v1/sources (it predates sources)'
          : typeof said === 'string'
            ? said
            : res.text.slice(0, 200);
    throw new RelayWiringError(`${method} ${url} answered ${res.status}: ${why}`, url, res.status);
  }
  return parsed;
}

/** Creates or updates the workspace's source on the relay; returns it. */
async function ensureSource(root: string, token: string, timeoutMs: number, ws: VyoraWorkspaceInfo, vyoraBaseUrl: string, existing: Source[]): Promise<Source> {
  const name = sourceName(ws);
  const found = existing.find((s) => s.provider === 'vyora' && s.name === name);
  const url = found ? `${root}/v1/sources/${encodeURIComponent(found.id)}` : `${root}/v1/sources`;
  const answer = found
    ? await relayRequest('PATCH', url, token, timeoutMs, sourceBody(ws, vyoraBaseUrl))
    : await relayRequest('POST', url, token, timeoutMs, { provider: 'vyora', name, ...sourceBody(ws, vyoraBaseUrl) });
  if (!isSource(answer)) throw new RelayWiringError(`${found ? 'PATCH' : 'POST'} ${url} answered without a source's id and hook_url`, url);
  return answer;
}

/** What a person runs to do by hand what a token would let the sandbox do. */
function setupLines(root: string, sandboxUrl: string, ws: VyoraWorkspaceInfo, vyoraBaseUrl: string): string[] {
  const create = JSON.stringify({ provider: 'vyora', name: sourceName(ws), ...sourceBody(ws, vyoraBaseUrl) });
  return [
    `curl -sX POST ${root}/v1/sources -H "Authorization: Bearer $RELAY_API_TOKEN" -H 'content-type: application/json' -d ${shellQuote(create)}`,
    `curl -sX PUT ${sandboxUrl}/_sandbox/vyora/workspaces/${ws.id}/webhook -H 'content-type: application/json' -d '{"url":"<hook_url from the answer above>"}'`,
  ];
}

export async function wireToRelay(sandbox: Pick<RunningSandbox, 'url' | 'urls' | 'vyora'>, options: RelayWiringOptions): Promise<RelayWiring> {
  const root = relayRoot(options.relayUrl);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const vyoraBaseUrl = sandbox.urls.vyora;
  const [initial, ...others] = sandbox.vyora.workspaces as [VyoraWorkspaceInfo, ...VyoraWorkspaceInfo[]];
  sandbox.vyora.setWebhook({ url: `${root}/hooks/vyora`, secret: VYORA_DEMO_WEBHOOK_SECRET, events: initial.events });
  const wired: WiredWorkspace[] = [sandbox.vyora.workspaces[0] as VyoraWorkspaceInfo];
  if (options.token === undefined) {
    for (const ws of others) wired.push({ ...ws, setup: setupLines(root, sandbox.url, ws, vyoraBaseUrl) });
  } else if (others.length > 0) {
    const listing = await relayRequest('GET', `${root}/v1/sources`, options.token, timeoutMs);
    // The contract leaves the listing's envelope open; tokens use {data: [...]}.
    const rows: unknown = Array.isArray(listing) ? listing : (listing as { data?: unknown } | undefined)?.data;
    const existing = Array.isArray(rows) ? rows.filter(isSource) : [];
    for (const ws of others) {
      const source = await ensureSource(root, options.token, timeoutMs, ws, vyoraBaseUrl, existing);
      sandbox.vyora.setWebhook({ url: source.hook_url, events: ws.events }, ws.id);
      const now = sandbox.vyora.workspaces.find((w) => w.id === ws.id) as VyoraWorkspaceInfo;
      wired.push({ ...now, sourceId: source.id });
    }
  }
  return { relayUrl: root, webhookSecret: VYORA_DEMO_WEBHOOK_SECRET, workspaces: wired };
}
