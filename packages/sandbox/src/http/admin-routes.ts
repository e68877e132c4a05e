import type { ProviderId } from '@callbridge/core';
import type { NewAilaOrganization } from '../providers/aila/organizations';
import type { NewVyoraWorkspace, VyoraWebhookChange } from '../providers/vyora/workspaces';
import { FaultSpecError, type Fault } from '../support/faults';
import { AdminInputError, bodyObject, creditsField, onlyFields, optionalNumber, optionalString, optionalStringList, providerField, requiredString } from './admin-input';

/** What the admin endpoints can do; the running sandbox implements it. */
export interface AdminOps {
  info(): Record<string, unknown>;
  reset(seed: number | undefined): unknown;
  injectFault(provider: ProviderId, operation: string, fault: Fault): unknown;
  listFaults(): unknown;
  clearFaults(): void;
  getVyoraWebhook(): unknown;
  setVyoraWebhook(config: { url: string; secret: string; events?: string[] } | null): unknown;
  setVyoraCredits(credits: number): unknown;
  advanceCall(provider: 'vyora' | 'aila' | 'ayra', id: string, to: string | undefined): unknown;
  fastForward(): unknown;
  emitAila(event: string, data: unknown, organizationId: string | undefined): unknown;
  deliveries(): unknown;
  listVyoraWorkspaces(): unknown;
  getVyoraWorkspace(id: string): unknown;
  createVyoraWorkspace(input: NewVyoraWorkspace): unknown;
  setVyoraWorkspaceWebhook(id: string, change: VyoraWebhookChange): unknown;
  setVyoraWorkspaceCredits(id: string, credits: number): unknown;
  listAilaOrganizations(): unknown;
  createAilaOrganization(input: NewAilaOrganization): unknown;
}

export type AdminMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface AdminRequest {
  params: Record<string, string>;
  /** The parsed JSON body; undefined when none was sent. */
  body: unknown;
  query: Record<string, string>;
}

export interface AdminAnswer {
  status: number;
  body: unknown;
  /** A plain-text rendering, sent instead of the JSON to a client that asks for text/plain. */
  text?: string;
}

export interface AdminRoute {
  method: AdminMethod;
  /** Under /_sandbox, `{name}` segments are parameters: `/vyora/calls/{call_id}/advance`. */
  path: string;
  /** The JSON body it takes, in short (`?` marks optional fields). */
  body?: string;
  /** One line on what it does, for the listing. */
  summary: string;
  run(ops: AdminOps, req: AdminRequest): AdminAnswer;
}

const ok = (body: unknown): AdminAnswer => ({ status: 200, body });

/** The admin API's prefix; every listed path starts with it. */
export const ADMIN_PREFIX = '/_sandbox';

/** A route as `GET /_sandbox` lists it. */
export interface ListedRoute {
  method: AdminMethod;
  path: string;
  body?: string;
  summary: string;
}

export function listRoutes(routes: readonly AdminRoute[]): ListedRoute[] {
  return routes.map((r) => ({
    method: r.method,
    path: `${ADMIN_PREFIX}${r.path === '/' ? '' : r.path}`,
    ...(r.body ? { body: r.body } : {}),
    summary: r.summary,
  }));
}

/** The listing as a person reads it in a terminal: one route a line. */
export function routesText(routes: readonly ListedRoute[]): string {
  const width = Math.max(...routes.map((r) => r.path.length));
  const lines = ['callbridge sandbox admin API (no auth: keep the sandbox on 127.0.0.1)', ''];
  for (const r of routes) lines.push(`${r.method.padEnd(6)} ${r.path.padEnd(width)}  ${r.summary}${r.body ? `; body ${r.body}` : ''}`);
  return `${lines.join('\n')}\n`;
}

function advance(provider: 'vyora' | 'aila' | 'ayra', param: string) {
  return (ops: AdminOps, req: AdminRequest): AdminAnswer => {
    const to = bodyObject(req.body)['to'] ?? req.query['to'];
    if (to !== undefined && typeof to !== 'string') throw new AdminInputError('to', 'must be a stage name');
    return ok(ops.advanceCall(provider, req.params[param] as string, to));
  };
}

/** Faults speak in the library's option names; the admin API's fields are snake_case. */
const FAULT_FIELDS: Record<string, string> = { delayMs: 'delay_ms' };

/**
 * Every admin route, written once: the router matches requests against this table (and
 * answers 405 with Allow from it), and `GET /_sandbox` lists it.
 */
export const ADMIN_ROUTES: readonly AdminRoute[] = [
  {
    method: 'GET',
    path: '/',
    summary: 'this list of admin routes, with the sandbox URL, seed, timings and each provider\'s keys and limits (text/plain on request)',
    run: (ops) => {
      const routes = listRoutes(ADMIN_ROUTES);
      return { status: 200, body: { ...ops.info(), routes }, text: routesText(routes) };
    },
  },
  {
    method: 'POST',
    path: '/reset',
    body: '{seed?}',
    summary: 'rebuild the data from a seed (default: the starting one); clears faults, rate windows, idempotency keys and pending work',
    run: (ops, req) => {
      const seed = optionalNumber(bodyObject(req.body), 'seed');
      if (seed !== undefined && !Number.isInteger(seed)) throw new AdminInputError('seed', 'must be a whole number');
      return ok(ops.reset(seed));
    },
  },
  { method: 'GET', path: '/faults', summary: 'the injected faults still waiting for requests', run: (ops) => ok(ops.listFaults()) },
  {
    method: 'POST',
    path: '/faults',
    body: '{provider, operation, status?, body?, times?, delay_ms?, hang?}',
    summary: 'make the next `times` requests to an operation (or "*") fail with a status, wait delay_ms first, or hang',
    run: (ops, req) => {
      const b = bodyObject(req.body);
      const fault: Fault = {
        ...(b['status'] !== undefined ? { status: optionalNumber(b, 'status') as number } : {}),
        ...(b['body'] !== undefined ? { body: b['body'] } : {}),
        ...(b['times'] !== undefined ? { times: optionalNumber(b, 'times') as number } : {}),
        ...(b['delay_ms'] !== undefined ? { delayMs: optionalNumber(b, 'delay_ms') as number } : {}),
        ...(b['hang'] !== undefined ? { hang: b['hang'] as boolean } : {}),
      };
      try {
        return { status: 201, body: ops.injectFault(providerField(b), requiredString(b, 'operation'), fault) };
      } catch (e) {
        if (e instanceof FaultSpecError) throw new AdminInputError(FAULT_FIELDS[e.field] ?? e.field, e.message.replace(/^[^:]*: /, ''));
        throw e;
      }
    },
  },
  {
    method: 'DELETE',
    path: '/faults',
    summary: 'remove every injected fault',
    run: (ops) => {
      ops.clearFaults();
      return ok({ cleared: true });
    },
  },
  { method: 'GET', path: '/vyora/webhook', summary: "the default Vyora workspace's webhook (URL and events; never the secret), or null", run: (ops) => ok(ops.getVyoraWebhook()) },
  {
    method: 'PUT',
    path: '/vyora/webhook',
    body: '{url, secret, events?}',
    summary: "set where the default Vyora workspace posts call events, signed with secret",
    run: (ops, req) => {
      const b = bodyObject(req.body);
      const events = optionalStringList(b, 'events');
      return ok(ops.setVyoraWebhook({ url: requiredString(b, 'url'), secret: requiredString(b, 'secret'), ...(events ? { events } : {}) }));
    },
  },
  { method: 'DELETE', path: '/vyora/webhook', summary: "stop the default Vyora workspace's webhooks", run: (ops) => ok(ops.setVyoraWebhook(null)) },
  {
    method: 'PUT',
    path: '/vyora/credits',
    body: '{credits}',
    summary: "set the default Vyora workspace's credits (at 0, POST /v1/calls answers 402)",
    run: (ops, req) => ok(ops.setVyoraCredits(creditsField(bodyObject(req.body)))),
  },
  {
    method: 'POST',
    path: '/vyora/calls/{call_id}/advance',
    body: '{to?}',
    summary: 'move a Vyora call on to in_progress, completed or processed (default: the end), firing its webhooks',
    run: advance('vyora', 'call_id'),
  },
  { method: 'POST', path: '/aila/calls/{id}/advance', body: '{to?}', summary: 'finish processing an uploaded Aila call now (to: processing or processed)', run: advance('aila', 'id') },
  { method: 'POST', path: '/ayra/executions/{id}/advance', body: '{to?}', summary: 'finish an Ayra workflow execution now', run: advance('ayra', 'id') },
  { method: 'POST', path: '/fast-forward', summary: 'finish everything under way: Vyora calls, Aila processing, Ayra workflow runs', run: (ops) => ok(ops.fastForward()) },
  {
    method: 'POST',
    path: '/aila/events',
    body: '{event, data?, organization_id?}',
    summary: "send an Aila event to an organization's subscribed webhook endpoints now (default: the default organization's)",
    run: (ops, req) => {
      const b = bodyObject(req.body);
      return ok(ops.emitAila(requiredString(b, 'event'), b['data'] ?? {}, optionalString(b, 'organization_id')));
    },
  },
  { method: 'GET', path: '/deliveries', summary: 'webhook deliveries so far, newest last, with their attempts and exact bodies', run: (ops) => ok(ops.deliveries()) },
  {
    method: 'GET',
    path: '/vyora/workspaces',
    summary: 'the Vyora workspaces (the default first): id, name, API key, webhook URL and events, credits',
    run: (ops) => ok(ops.listVyoraWorkspaces()),
  },
  {
    method: 'POST',
    path: '/vyora/workspaces',
    body: '{name?, api_key?, webhook_secret?, webhook_url?, events?}',
    summary: 'add a Vyora workspace with its own key, agents, credits, calls and webhook; the answer is the only one that shows its secret',
    run: (ops, req) => {
      const b = bodyObject(req.body);
      onlyFields(b, ['name', 'api_key', 'webhook_secret', 'webhook_url', 'events']);
      return { status: 201, body: ops.createVyoraWorkspace({ name: b['name'], apiKey: b['api_key'], webhookSecret: b['webhook_secret'], webhookUrl: b['webhook_url'], events: b['events'] }) };
    },
  },
  { method: 'GET', path: '/vyora/workspaces/{id}', summary: 'one Vyora workspace', run: (ops, req) => ok(ops.getVyoraWorkspace(req.params['id'] as string)) },
  {
    method: 'PUT',
    path: '/vyora/workspaces/{id}/webhook',
    body: '{url | null, secret?, events?}',
    summary: "set where a workspace posts its call events (null stops them); without secret it keeps the workspace's",
    run: (ops, req) => {
      const b = bodyObject(req.body);
      onlyFields(b, ['url', 'secret', 'events']);
      if (!('url' in b)) throw new AdminInputError('url', 'is required: an http(s) URL, or null to stop the webhooks');
      return ok(ops.setVyoraWorkspaceWebhook(req.params['id'] as string, { url: b['url'], secret: b['secret'], events: b['events'] }));
    },
  },
  {
    method: 'PUT',
    path: '/vyora/workspaces/{id}/credits',
    body: '{credits}',
    summary: "set a workspace's credits (at 0, its POST /v1/calls answers 402)",
    run: (ops, req) => {
      const b = bodyObject(req.body);
      onlyFields(b, ['credits']);
      return ok(ops.setVyoraWorkspaceCredits(req.params['id'] as string, creditsField(b)));
    },
  },
  {
    method: 'GET',
    path: '/aila/organizations',
    summary: 'the Aila organizations (the default first): id, name and API key',
    run: (ops) => ok(ops.listAilaOrganizations()),
  },
  {
    method: 'POST',
    path: '/aila/organizations',
    body: '{name?, api_key?, organization_id?}',
    summary: 'add an Aila organization reached by its own key, with its own team, contacts, calls and webhook endpoints',
    run: (ops, req) => {
      const b = bodyObject(req.body);
      onlyFields(b, ['name', 'api_key', 'organization_id']);
      return { status: 201, body: ops.createAilaOrganization({ name: b['name'], apiKey: b['api_key'], organizationId: b['organization_id'] }) };
    },
  },
];
