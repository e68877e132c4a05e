import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getProvider, PROVIDER_IDS, type ProviderId } from '@callbridge/core';
import { asOption, credits, optionField, startingOrganizations, startingWorkspaces, webhookChange } from './account-options';
import { createAdminOps } from './admin-ops';
import { answerAdmin, AdminInputError } from './http/admin';
import { sendJson } from './http/io';
import { answerProviderRequest, type ProviderEnv } from './http/provider-request';
import { RouteTable } from './http/routes';
import { resolveOptions, SandboxOptionError, type AilaOrganizationOptions, type SandboxOptions, type VyoraWorkspaceOptions } from './options';
import { AILA_EVENTS, ailaOf, type AilaEvent } from './providers/aila/data';
import { emitAila } from './providers/aila/events';
import { organizationInfo, type AilaOrganizationInfo } from './providers/aila/organizations';
import { DEMO_KEYS, PROFILES } from './providers';
import { callView, lifecycleId, VYORA_STAGES } from './providers/vyora/calls';
import { defaultWebhookJson, setCredits, workspaceInfo, type VyoraWorkspaceInfo } from './providers/vyora/control';
import { spaceOf } from './providers/vyora/data';
import type { Runtime } from './runtime';
import { Faults, type Fault, type FaultHandle, type InjectedFault } from './support/faults';
import { IdempotencyStore } from './support/idempotency';
import { Lifecycles } from './support/lifecycle';
import { RateLimits, type RateRule } from './support/rate-limit';
import { Scheduler, systemClock } from './support/scheduler';
import { WebhookDeliverer, type DeliveryRecord } from './webhooks/deliverer';
import { createWorld, DEFAULT_SEED } from './world';

export interface RunningSandbox {
  /** The sandbox's root, e.g. http://127.0.0.1:4010. */
  readonly url: string;
  /** Each provider's base URL, for `<PROVIDER>_BASE_URL` or core's `baseUrl`, e.g. http://127.0.0.1:4010/vyora. */
  readonly urls: Readonly<Record<ProviderId, string>>;
  readonly port: number;
  readonly host: string;
  /** The demo API key each provider accepts. */
  readonly keys: Readonly<Record<ProviderId, string>>;
  /** Keys that may read but not write (403 on writes), for the providers that document permissions. */
  readonly readOnlyKeys: Readonly<{ ayra: string; aila: string }>;
  readonly faults: {
    inject(provider: ProviderId, operation: string, fault: Fault): FaultHandle;
    list(): InjectedFault[];
    clear(): void;
  };
  readonly vyora: {
    /**
     * Sets (or with null stops) a workspace's webhook, the default workspace's unless
     * `workspaceId` is given. Without `secret` it keeps the workspace's; without `events`, all.
     */
    setWebhook(config: { url: string; secret?: string; events?: string[] } | null, workspaceId?: string): void;
    setCredits(credits: number, workspaceId?: string): void;
    /** Every workspace, the default (the demo key's) first, with its key and webhook secret. */
    readonly workspaces: VyoraWorkspaceInfo[];
    /** Adds a workspace (ids ws_2, ws_3, … in order); key and secret are generated unless given. */
    addWorkspace(workspace?: VyoraWorkspaceOptions): VyoraWorkspaceInfo;
  };
  readonly aila: {
    /** The default organization's id (the demo key's). */
    readonly organizationId: string;
    /** Every organization, the default first, with its key. */
    readonly organizations: AilaOrganizationInfo[];
    /** Adds an organization (ids org_sandbox2, … in order unless given); its key is generated unless given. */
    addOrganization(organization?: AilaOrganizationOptions): AilaOrganizationInfo;
    /** Sends an event to an organization's subscribed endpoints now (the default organization's unless `organizationId`). */
    emit(event: AilaEvent, data?: unknown, organizationId?: string): DeliveryRecord[];
  };
  readonly calls: {
    /** Moves a Vyora call on to `to` (in_progress, completed, processed; default: the end), firing its webhooks; returns GET /v1/calls/{id}. */
    advance(callId: string, to?: 'in_progress' | 'completed' | 'processed'): Record<string, unknown>;
    /** Finishes everything still under way (Vyora calls, Aila processing, Ayra workflow runs); returns how many moved. */
    fastForward(): number;
  };
  /** Rebuilds the data from `seed` (default: the starting seed) and clears rate windows, faults, idempotency keys and pending work. */
  reset(seed?: number): void;
  /** Webhook deliveries so far, newest last, with their attempts. */
  deliveries(): DeliveryRecord[];
  /** Resolves true once no webhook delivery is pending, false after `timeoutMs`. */
  settle(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

function defaultRules(): Record<ProviderId, readonly RateRule[]> {
  return { ayra: PROFILES.ayra.defaultRateRules, vyora: PROFILES.vyora.defaultRateRules, aila: PROFILES.aila.defaultRateRules, ayla: PROFILES.ayla.defaultRateRules };
}

/**
 * Starts the four simulated provider APIs in one HTTP server, each under its own prefix
 * (/ayra, /vyora, /aila, /ayla), with the admin surface under /_sandbox.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const initialSeed = options.seed ?? DEFAULT_SEED;
  const opts = resolveOptions(options, defaultRules(), initialSeed);
  const clock = options.clock ?? systemClock;
  const log = options.logger ? (line: string): void => options.logger?.info(line) : (): void => undefined;
  const scheduler = new Scheduler();
  const lifecycles = new Lifecycles(scheduler);
  const deliverer = new WebhookDeliverer(scheduler, clock, opts.retry, log);
  const runtime: Runtime = {
    world: createWorld(opts.seed),
    clock,
    scheduler,
    lifecycles,
    deliverer,
    timings: opts.timings,
    vyora: startingWorkspaces(options),
    aila: startingOrganizations(options),
    ailaScheme: options.ailaSignature,
    log,
  };
  const routes = Object.fromEntries(PROVIDER_IDS.map((id) => [id, new RouteTable(getProvider(id))])) as Record<ProviderId, RouteTable>;
  const faults = new Faults((id) => routes[id].operations);
  const env: ProviderEnv = {
    runtime,
    limits: new RateLimits(clock),
    faults,
    idempotency: new IdempotencyStore(),
    rateRules: opts.rateRules,
    wait: (ms) => new Promise((resolve) => void scheduler.after(ms, resolve)),
  };

  let url = '';
  let port = 0;
  let urls = {} as Record<ProviderId, string>;

  const reset = (seed?: number): void => {
    if (seed !== undefined && !Number.isInteger(seed)) throw new SandboxOptionError('seed', 'must be a whole number');
    lifecycles.cancelAll();
    deliverer.cancelAll();
    env.limits.clear();
    env.idempotency.clear();
    faults.clear();
    runtime.world = createWorld(seed ?? initialSeed);
  };

  const advanceVyora = (callId: string, to?: string): Record<string, unknown> => {
    if (to !== undefined && !(VYORA_STAGES as readonly string[]).includes(to)) {
      throw new AdminInputError('to', `must be one of: ${VYORA_STAGES.join(', ')}`);
    }
    const call = runtime.world.vyora.calls.get(callId);
    if (!call) throw new AdminInputError('call_id', `no Vyora call ${callId}`, 404);
    lifecycles.advance(lifecycleId(callId), to);
    return callView(call);
  };

  const info = (): Record<string, unknown> => ({
    url,
    seed: runtime.world.seed,
    timings: runtime.timings,
    providers: Object.fromEntries(
      PROVIDER_IDS.map((id) => {
        const p = PROFILES[id];
        const rules = opts.rateRules[id];
        return [id, { base_url: urls[id], demo_key: p.demoKey, ...(p.readOnlyKey ? { read_only_key: p.readOnlyKey } : {}), keys: p.keyRule, rate_limit: rules }];
      }),
    ),
    aila: { organization_id: runtime.aila.default.id, organizations: runtime.aila.size },
    vyora: { webhook: defaultWebhookJson(runtime), credits: spaceOf(runtime.world.vyora, runtime.vyora.default.id).credits, workspaces: runtime.vyora.size },
  });

  const ops = createAdminOps({ runtime, faults, info, reset, advanceVyora });

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const parsed = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const path = parsed.pathname;
    const method = req.method ?? 'GET';
    const started = performance.now();
    let status: number | null = null;
    let label = path;
    try {
      if (path === '/_sandbox' || path.startsWith('/_sandbox/')) {
        status = await answerAdmin(ops, req, res, path.slice('/_sandbox'.length) || '/', parsed);
      } else if (path === '/' || path === '/healthz') {
        status = 200;
        sendJson(res, 200, path === '/' ? info() : { ok: true });
      } else {
        const id = path.split('/')[1] ?? '';
        const profile = (PROFILES as Partial<Record<string, (typeof PROFILES)[ProviderId]>>)[id];
        if (!profile) {
          status = 404;
          sendJson(res, 404, { error: { code: 'not_found', message: `No provider at ${path}; providers are served under /ayra, /vyora, /aila and /ayla, the admin API under /_sandbox` } });
        } else {
          const host = req.headers.host ?? `${opts.host}:${port}`;
          const result = await answerProviderRequest(env, profile, routes[profile.id], req, res, path.slice(id.length + 1) || '/', parsed, `http://${host}/${id}`);
          status = result.status;
          if (result.operation) label = `${path} (${id} ${result.operation})`;
        }
      }
    } catch (e) {
      status = 500;
      log(`${method} ${path}: ${e instanceof Error ? e.message : String(e)}`);
      sendJson(res, 500, { error: { code: 'internal_error', message: 'sandbox error' } });
    }
    log(`${method} ${label} → ${status ?? 'no answer (hung)'} in ${Math.round(performance.now() - started)} ms`);
  };

  const server: Server = createServer((req, res) => void onRequest(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  url = `http://${shownHost}:${port}`;
  urls = Object.fromEntries(PROVIDER_IDS.map((id) => [id, `${url}/${id}`])) as Record<ProviderId, string>;

  let closing: Promise<void> | undefined;
  return {
    url,
    urls,
    port,
    host: opts.host,
    keys: { ...DEMO_KEYS },
    readOnlyKeys: { ayra: PROFILES.ayra.readOnlyKey as string, aila: PROFILES.aila.readOnlyKey as string },
    faults: {
      inject: (provider, operation, fault) => faults.inject(provider, operation, fault),
      list: () => faults.list(),
      clear: () => faults.clear(),
    },
    vyora: {
      setWebhook: (config, workspaceId = runtime.vyora.default.id) => {
        const change = webhookChange('webhook', config);
        asOption(() => runtime.vyora.setWebhook(runtime.vyora.find(workspaceId, 'workspaceId'), change, optionField('webhook')));
      },
      setCredits: (value, workspaceId = runtime.vyora.default.id) => {
        setCredits(runtime, asOption(() => runtime.vyora.find(workspaceId, 'workspaceId')), credits(value));
      },
      get workspaces() {
        return runtime.vyora.list().map(workspaceInfo);
      },
      addWorkspace: (workspace = {}) => workspaceInfo(asOption(() => runtime.vyora.create(workspace, optionField('workspace')))),
    },
    aila: {
      organizationId: runtime.aila.default.id,
      get organizations() {
        return runtime.aila.list().map(organizationInfo);
      },
      addOrganization: (organization = {}) => organizationInfo(asOption(() => runtime.aila.create(organization, optionField('organization')))),
      emit: (event, data = {}, organizationId = runtime.aila.default.id) => {
        if (!(AILA_EVENTS as readonly string[]).includes(event)) throw new SandboxOptionError('event', `must be one of: ${AILA_EVENTS.join(', ')}`);
        const org = asOption(() => runtime.aila.find(organizationId, 'organizationId'));
        return emitAila(runtime, ailaOf(runtime.world.aila, org.id), event, data);
      },
    },
    calls: {
      advance: (callId, to) => {
        try {
          return advanceVyora(callId, to);
        } catch (e) {
          if (e instanceof AdminInputError) throw new SandboxOptionError(e.field, e.reason);
          throw e;
        }
      },
      fastForward: () => lifecycles.advanceAll(),
    },
    reset,
    deliveries: () => deliverer.records(),
    settle: (timeoutMs) => deliverer.idle(timeoutMs),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        lifecycles.cancelAll();
        deliverer.cancelAll();
        scheduler.close();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
