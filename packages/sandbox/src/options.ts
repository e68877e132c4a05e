import { PROVIDER_IDS, type HmacSignatureScheme, type ProviderId } from '@callbridge/core';
import { DEFAULT_TIMINGS, type Timings } from './runtime';
import type { RateRule } from './support/rate-limit';
import type { SandboxClock } from './support/scheduler';
import { DEFAULT_WEBHOOK_RETRY, type WebhookRetry } from './webhooks/deliverer';

export interface SandboxLogger {
  info(line: string): void;
}

/** One Vyora workspace to start with. */
export interface VyoraWorkspaceOptions {
  name?: string;
  /** Default vya_test_callbridge_<id>. */
  apiKey?: string;
  /** Default a fixed demo value per workspace: sandbox only. */
  webhookSecret?: string;
  /** Where its call events go; none unless given. */
  webhookUrl?: string;
  /** The subscribed events; default all three. */
  events?: string[];
}

/** One Aila organization to start with. */
export interface AilaOrganizationOptions {
  name?: string;
  /** Default aila_test_callbridge_<id>. */
  apiKey?: string;
  /** Default org_sandbox<n>. */
  organizationId?: string;
}

export interface SandboxOptions {
  /** 0 (the default) picks a free port; the CLI uses 4010. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Timestamps and rate-limit windows read this clock. Lifecycle stages still run on real
   * (unref'ed) timers of `timings`; move them at once with calls.advance / calls.fastForward.
   */
  clock?: SandboxClock;
  timings?: Partial<Timings>;
  /** Per provider: one rule, several (all must have room), or false for no limit. Defaults: the documented plans. */
  rateLimits?: Partial<Record<ProviderId, RateRule | readonly RateRule[] | false>>;
  /** The default Vyora workspace's webhook (Settings → Integrations): where call events go, signed with `secret`. */
  vyoraWebhook?: { url: string; secret: string; events?: string[] };
  /**
   * Vyora workspaces beside the default one (ids ws_2, ws_3, … in order), each with its own
   * key, agents, credits, calls and webhook. Keys and secrets are generated unless given.
   */
  vyoraWorkspaces?: VyoraWorkspaceOptions[];
  /**
   * Aila organizations beside the default one (org_5tq81), each reached by its own key with
   * its own team, contacts, calls and webhook endpoints.
   */
  ailaOrganizations?: AilaOrganizationOptions[];
  /** Overrides for Aila's assumed signature scheme (the documents say only "HMAC-signed"). */
  ailaSignature?: Partial<HmacSignatureScheme>;
  webhookRetry?: Partial<WebhookRetry>;
  /** Seed of the generated data; the same seed gives the same world. */
  seed?: number;
  /** Receives one line per request and per webhook delivery; silent when absent. Never given keys or secrets. */
  logger?: SandboxLogger;
}

/** An option the sandbox cannot start with; `field` names it. */
export class SandboxOptionError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(`sandbox option ${field}: ${message}`);
    this.name = 'SandboxOptionError';
    this.field = field;
  }
}

function nonNegative(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new SandboxOptionError(field, 'must be a number of at least 0');
  return v;
}

export function checkRule(field: string, rule: RateRule): RateRule {
  if (typeof rule !== 'object' || rule === null) throw new SandboxOptionError(field, 'must be { requests, perMs } or false');
  if (!Number.isInteger(rule.requests) || rule.requests < 1) throw new SandboxOptionError(`${field}.requests`, 'must be a whole number of at least 1');
  if (typeof rule.perMs !== 'number' || !(rule.perMs > 0)) throw new SandboxOptionError(`${field}.perMs`, 'must be a number of milliseconds above 0');
  return { requests: rule.requests, perMs: rule.perMs };
}

export interface ResolvedOptions {
  port: number;
  host: string;
  timings: Timings;
  rateRules: Record<ProviderId, readonly RateRule[] | false>;
  retry: WebhookRetry;
  seed: number;
}

export function resolveOptions(options: SandboxOptions, defaults: Record<ProviderId, readonly RateRule[]>, seed: number): ResolvedOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SandboxOptionError('port', 'must be a whole number from 0 to 65535');
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new SandboxOptionError('host', 'must be a host name or address');
  if (!Number.isInteger(seed)) throw new SandboxOptionError('seed', 'must be a whole number');

  const timings = { ...DEFAULT_TIMINGS };
  for (const [k, v] of Object.entries(options.timings ?? {})) {
    if (!(k in DEFAULT_TIMINGS)) throw new SandboxOptionError(`timings.${k}`, `is not a timing; known: ${Object.keys(DEFAULT_TIMINGS).join(', ')}`);
    if (v !== undefined) timings[k as keyof Timings] = nonNegative(`timings.${k}`, v);
  }

  const rateRules = { ...defaults } as Record<ProviderId, readonly RateRule[] | false>;
  for (const [id, v] of Object.entries(options.rateLimits ?? {})) {
    if (!(PROVIDER_IDS as readonly string[]).includes(id)) throw new SandboxOptionError(`rateLimits.${id}`, `is not a provider; known: ${PROVIDER_IDS.join(', ')}`);
    if (v === undefined) continue;
    const field = `rateLimits.${id}`;
    rateRules[id as ProviderId] = v === false ? false : Array.isArray(v) ? v.map((r: RateRule, i) => checkRule(`${field}.${i}`, r)) : [checkRule(field, v as RateRule)];
  }

  const retry = { ...DEFAULT_WEBHOOK_RETRY };
  for (const [k, v] of Object.entries(options.webhookRetry ?? {})) {
    if (!(k in DEFAULT_WEBHOOK_RETRY)) throw new SandboxOptionError(`webhookRetry.${k}`, `is not a retry setting; known: ${Object.keys(DEFAULT_WEBHOOK_RETRY).join(', ')}`);
    if (v !== undefined) retry[k as keyof WebhookRetry] = nonNegative(`webhookRetry.${k}`, v);
  }
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) throw new SandboxOptionError('webhookRetry.attempts', 'must be a whole number of at least 1');
  if (retry.timeoutMs <= 0) throw new SandboxOptionError('webhookRetry.timeoutMs', 'must be above 0');

  return { port, host, timings, rateRules, retry, seed };
}
