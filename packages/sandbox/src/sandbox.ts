import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getProvider, PROVIDER_IDS, type ProviderId } from '@callbridge/core';
import { answerAdmin, AdminInputError, type AdminOps } from './http/admin';
import { sendJson } from './http/io';
import { answerProviderRequest, type ProviderEnv } from './http/provider-request';
import { RouteTable } from './http/routes';
import { resolveOptions, SandboxOptionError, type SandboxOptions, type VyoraWorkspaceOptions } from './options';
import { AILA_EVENTS, type AilaEvent } from './providers/aila/data';
import { emitAila } from './providers/aila/events';
import { DEMO_KEYS, PROFILES } from './providers';
import { callView, lifecycleId, VYORA_STAGES } from './providers/vyora/calls';
import { ADMIN_FIELD, setCredits, workspaceInfo, workspaceJson, type VyoraWorkspaceInfo } from './providers/vyora/control';
import { spaceOf } from './providers/vyora/data';
import { VyoraWorkspaces, type FieldNamer, type NewVyoraWorkspace, type VyoraWebhookChange } from './providers/vyora/workspaces';
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
    readonly organizationId: string;
    /** Sends an event to the organization's subscribed endpoints now. */
    emit(event: AilaEvent, data?: unknown): DeliveryRecord[];
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

/** Runs a check written for the admin API on behalf of the library: the same rule, refused as an option. */
function asOption<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof AdminInputError) throw new SandboxOptionError(e.field, e.reason);
    throw e;
  }
}

const optionField =
  (prefix: string): FieldNamer =>
  (f) =>
    `${prefix}.${f}`;

/** The library's webhook setting (`null` stops it) as the registry takes it. */
function webhookChange(field: string, config: { url: string; secret?: string; events?: string[] } | null): VyoraWebhookChange {
  if (config === null) return { url: null };
  if (typeof config !== 'object') throw new SandboxOptionError(field, 'must be { url, secret?, events? } or null');
  return { url: config.url, secret: config.secret, events: config.events };
}

function startingWorkspaces(options: SandboxOptions): VyoraWorkspaces {
  const registry = new VyoraWorkspaces();
  if (options.vyoraWebhook !== undefined) {
    const change = webhookChange('vyoraWebhook', options.vyoraWebhook);
    asOption(() => registry.setWebhook(registry.default, change, optionField('vyoraWebhook')));
  }
  const extra: unknown = options.vyoraWorkspaces ?? [];
  if (!Array.isArray(extra)) throw new SandboxOptionError('vyoraWorkspaces', 'must be a list of { name?, apiKey?, webhookSecret?, webhookUrl?, events? }');
  extra.forEach((w: unknown, i) => {
    if (typeof w !== 'object' || w === null) throw new SandboxOptionError(`vyoraWorkspaces.${i}`, 'must be { name?, apiKey?, webhookSecret?, webhookUrl?, events? }');
    asOption(() => registry.create(w as NewVyoraWorkspace, optionField(`vyoraWorkspaces.${i}`)));
  });
  return registry;
}

function credits(value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new SandboxOptionError('credits', 'must be a whole number of at least 0');
  return value;
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

  /** The default workspace's webhook as the admin API has always shown it: never the secret. */
  const defaultWebhook = (): unknown => {
    const ws = runtime.vyora.default;
    return ws.url === undefined ? null : { url: ws.url, events: [...ws.events], secret_set: true };
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
    aila: { organization_id: runtime.world.aila.organizationId },
    vyora: { webhook: defaultWebhook(), credits: spaceOf(runtime.world.vyora, runtime.vyora.default.id).credits, workspaces: runtime.vyora.list().length },
  });

  const ops: AdminOps = {
    info,
    reset: (seed) => {
      reset(seed);
      return { reset: true, seed: runtime.world.seed };
    },
    injectFault: (provider, operation, fault) => {
      const h = faults.inject(provider, operation, fault);
      return { id: h.id, provider, operation, remaining: h.remaining };
    },
    listFaults: () => faults.list(),
    clearFaults: () => faults.clear(),
    getVyoraWebhook: defaultWebhook,
    setVyoraWebhook: (config) => {
      runtime.vyora.setWebhook(runtime.vyora.default, config ?? { url: null }, ADMIN_FIELD);
      return defaultWebhook();
    },
    setVyoraCredits: (credits) => {
      setCredits(runtime, runtime.vyora.default, credits);
      return { credits };
    },
    listVyoraWorkspaces: () => runtime.vyora.list().map((ws) => workspaceJson(runtime, ws)),
    getVyoraWorkspace: (id) => workspaceJson(runtime, runtime.vyora.find(id)),
    createVyoraWorkspace: (input) => workspaceJson(runtime, runtime.vyora.create(input, ADMIN_FIELD), true),
    setVyoraWorkspaceWebhook: (id, change) => workspaceJson(runtime, runtime.vyora.setWebhook(runtime.vyora.find(id), change, ADMIN_FIELD)),
    setVyoraWorkspaceCredits: (id, credits) => {
      const ws = runtime.vyora.find(id);
      setCredits(runtime, ws, credits);
      return workspaceJson(runtime, ws);
    },
    advanceCall: (provider, id, to) => {
      if (provider === 'vyora') return advanceVyora(id, to);
      const moved = lifecycles.advance(`${provider}:${id}`, to);
      if (!moved) throw new AdminInputError('id', `nothing under way for ${provider} ${id}${to ? ` before stage ${to}` : ''}`, 404);
      return { advanced: true, remaining: lifecycles.remaining(`${provider}:${id}`) };
    },
    fastForward: () => ({ advanced: lifecycles.advanceAll() }),
    emitAila: (event, data) => {
      if (!(AILA_EVENTS as readonly string[]).includes(event)) throw new AdminInputError('event', `must be one of: ${AILA_EVENTS.join(', ')}`);
      return emitAila(runtime, event as AilaEvent, data).map((d) => ({ id: d.id, url: d.url }));
    },
    deliveries: () => deliverer.records(),
  };

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
      get organizationId() {
        return runtime.world.aila.organizationId;
      },
      emit: (event, data = {}) => {
        if (!(AILA_EVENTS as readonly string[]).includes(event)) throw new SandboxOptionError('event', `must be one of: ${AILA_EVENTS.join(', ')}`);
        return emitAila(runtime, event, data);
      },
    },
    calls: {
      advance: (callId, to) => {
        try {
          return advanceVyora(callId, to);
        } catch (e) {
          if (e instanceof AdminInputError) throw new SandboxOptionError(e.field, e.message);
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
