import { AdminInputError } from '../../http/admin-input';
import { Accounts, checkText, type Account, type FieldNamer as AccountFieldNamer } from '../../support/accounts';
import { VYORA_EVENTS, type VyoraEvent } from './calls';
import { DEFAULT_VYORA_WORKSPACE } from './data';
import { isVyoraKey, VYORA_DEMO_KEY } from './keys';

/**
 * Vyora workspaces (an agency's clients, each with its own Vyora account): each has its own
 * API key, and its own webhook URL and secret (Settings → Integrations). This is their
 * configuration, which outlives reset(); their data (agents, credits, calls) is the world's.
 */

/**
 * The default workspace's webhook secret unless one is set: a fixed, public demo value, so
 * that `callbridge sandbox --relay` and a relay started with VYORA_WEBHOOK_SECRET set to it
 * agree without copying anything. Sandbox only: it protects nothing.
 */
export const VYORA_DEMO_WEBHOOK_SECRET = 'callbridge_sandbox_vyora_secret';

/** How many workspaces one sandbox holds, the default included. */
export const MAX_VYORA_WORKSPACES = 100;

export interface VyoraWorkspace extends Account {
  /** Signs its webhooks. */
  secret: string;
  /** Where its calls' events go; no webhooks while undefined. */
  url: string | undefined;
  /** The subscribed events; the others are not delivered. */
  events: VyoraEvent[];
}

/** A new workspace, as the library option and the admin API give it (each field checked here). */
export interface NewVyoraWorkspace {
  name?: unknown;
  apiKey?: unknown;
  webhookSecret?: unknown;
  webhookUrl?: unknown;
  events?: unknown;
}

/** A webhook setting: `url` null stops the webhooks; an absent `secret` keeps the current one; absent `events` are all of them. */
export interface VyoraWebhookChange {
  url: unknown;
  secret?: unknown;
  events?: unknown;
}

/** The fields a workspace is given with, by their library names. */
export type WorkspaceField = 'name' | 'apiKey' | 'webhookSecret' | 'webhookUrl' | 'events' | 'url' | 'secret';
export type FieldNamer = AccountFieldNamer<WorkspaceField>;

const MAX_NAME = 100;
const MAX_SECRET = 500;

function webhookUrl(v: unknown, field: string): string {
  if (typeof v !== 'string' || !/^https?:\/\//i.test(v) || !URL.canParse(v)) throw new AdminInputError(field, 'must be an http(s) URL');
  return v;
}

function eventList(v: unknown, field: string): VyoraEvent[] {
  if (v === undefined) return [...VYORA_EVENTS];
  if (!Array.isArray(v)) throw new AdminInputError(field, `must be a list of: ${VYORA_EVENTS.join(', ')}`);
  v.forEach((e, i) => {
    if (!(VYORA_EVENTS as readonly unknown[]).includes(e)) throw new AdminInputError(`${field}.${i}`, `must be one of: ${VYORA_EVENTS.join(', ')}`);
  });
  return [...new Set(v as VyoraEvent[])];
}

/** The sandbox's Vyora workspaces: the default (the demo key's) first, then the ones added, in order. */
export class VyoraWorkspaces extends Accounts<VyoraWorkspace> {
  constructor() {
    super(
      { what: 'Vyora workspace', plural: 'workspaces', listRoute: 'GET /_sandbox/vyora/workspaces', max: MAX_VYORA_WORKSPACES },
      { id: DEFAULT_VYORA_WORKSPACE, name: 'Default workspace', apiKey: VYORA_DEMO_KEY, secret: VYORA_DEMO_WEBHOOK_SECRET, url: undefined, events: [...VYORA_EVENTS] },
    );
  }

  /** Checks everything first, so a refused workspace leaves nothing behind. */
  create(input: NewVyoraWorkspace, name: FieldNamer): VyoraWorkspace {
    this.checkRoom();
    const n = this.size + 1;
    const id = this.freeId('ws_', n);
    const apiKey = input.apiKey === undefined ? this.freeKey(`vya_test_callbridge_${id}`) : checkText(input.apiKey, name('apiKey'), 200);
    if (!isVyoraKey(apiKey)) throw new AdminInputError(name('apiKey'), 'must be shaped vya_… (letters, digits, _ and -) and not contain "revoked"');
    this.checkFreeKey(apiKey, name('apiKey'));
    return this.add({
      id,
      name: input.name === undefined ? `Workspace ${n}` : checkText(input.name, name('name'), MAX_NAME),
      apiKey,
      secret: input.webhookSecret === undefined ? `${VYORA_DEMO_WEBHOOK_SECRET}_${id}` : checkText(input.webhookSecret, name('webhookSecret'), MAX_SECRET),
      url: input.webhookUrl === undefined || input.webhookUrl === null ? undefined : webhookUrl(input.webhookUrl, name('webhookUrl')),
      events: eventList(input.events, name('events')),
    });
  }

  /** Sets where a workspace posts its webhooks; checks everything before changing anything. */
  setWebhook(ws: VyoraWorkspace, change: VyoraWebhookChange, name: FieldNamer): VyoraWorkspace {
    const url = change.url === null ? undefined : webhookUrl(change.url, name('url'));
    const secret = change.secret === undefined ? ws.secret : checkText(change.secret, name('secret'), MAX_SECRET);
    const events = eventList(change.events, name('events'));
    Object.assign(ws, { url, secret, events });
    return ws;
  }
}
