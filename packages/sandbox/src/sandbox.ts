import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getProvider, PROVIDER_IDS, type ProviderId } from '@callbridge/core';
import { answerAdmin, AdminInputError, type AdminOps } from './http/admin';
import { sendJson } from './http/io';
import { answerProviderRequest, type ProviderEnv } from './http/provider-request';
import { RouteTable } from './http/routes';
import { checkWebhookUrl, resolveOptions, SandboxOptionError, type SandboxOptions } from './options';
import { AILA_EVENTS, type AilaEvent } from './providers/aila/data';
import { emitAila } from './providers/aila/events';
import { DEMO_KEYS, PROFILES } from './providers';
import { callView, lifecycleId, VYORA_EVENTS, VYORA_STAGES } from './providers/vyora/calls';
import type { Runtime, VyoraWebhookConfig } from './runtime';
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
    /** Sets (or with null removes) the workspace webhook. */
    setWebhook(config: { url: string; secret: string; events?: string[] } | null): void;
    setCredits(credits: number): void;
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

function checkVyoraWebhook(field: string, config: { url: string; secret: string; events?: string[] }): VyoraWebhookConfig {
  if (typeof config !== 'object' || config === null) throw new SandboxOptionError(field, 'must be { url, secret, events? }');
  const url = checkWebhookUrl(`${field}.url`, config.url);
  if (typeof config.secret !== 'string' || config.secret === '') throw new SandboxOptionError(`${field}.secret`, 'must be a non-empty string');
  const events = config.events ?? [...VYORA_EVENTS];
  if (!Array.isArray(events)) throw new SandboxOptionError(`${field}.events`, `must be a list of: ${VYORA_EVENTS.join(', ')}`);
  events.forEach((e, i) => {
    if (!(VYORA_EVENTS as readonly string[]).includes(e)) throw new SandboxOptionError(`${field}.events.${i}`, `must be one of: ${VYORA_EVENTS.join(', ')}`);
  });
  return { url, secret: config.secret, events: [...events] };
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
    vyoraWebhook: options.vyoraWebhook ? checkVyoraWebhook('vyoraWebhook', options.vyoraWebhook) : undefined,
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
    aila: { organization_id: runtime.world.aila.organizationId },
    vyora: { webhook: runtime.vyoraWebhook ? { url: runtime.vyoraWebhook.url, events: runtime.vyoraWebhook.events } : null, credits: runtime.world.vyora.credits },
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
    getVyoraWebhook: () => (runtime.vyoraWebhook ? { url: runtime.vyoraWebhook.url, events: runtime.vyoraWebhook.events, secret_set: true } : null),
    setVyoraWebhook: (config) => {
      try {
        runtime.vyoraWebhook = config ? checkVyoraWebhook('webhook', config) : undefined;
      } catch (e) {
        if (e instanceof SandboxOptionError) throw new AdminInputError(e.field.replace(/^webhook\./, ''), e.message);
        throw e;
      }
      return ops.getVyoraWebhook();
    },
    setVyoraCredits: (credits) => {
      runtime.world.vyora.credits = credits;
      return { credits };
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
      setWebhook: (config) => {
        runtime.vyoraWebhook = config ? checkVyoraWebhook('webhook', config) : undefined;
      },
      setCredits: (credits) => {
        if (!Number.isInteger(credits) || credits < 0) throw new SandboxOptionError('credits', 'must be a whole number of at least 0');
        runtime.world.vyora.credits = credits;
      },
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
