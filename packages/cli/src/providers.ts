import {
  createClient,
  ProviderClient,
  providers,
  type ClientEvent,
  type OperationSpec,
  type ProviderId,
  type ProviderSpec,
} from '@callbridge/core';
import type { Context } from './command';
import { UsageError } from './errors';
import { writeLine } from './io';
import { closest } from './suggest';

/** The providers core knows, in the order core lists them. */
export function knownProviders(): ProviderSpec[] {
  return Object.values(providers as Partial<Record<string, ProviderSpec>>).filter((p): p is ProviderSpec => p !== undefined);
}

export function resolveProvider(name: string): ProviderSpec {
  const all = knownProviders();
  const spec = all.find((p) => p.id === name.toLowerCase());
  if (spec) return spec;
  const ids = all.map((p) => p.id);
  const guess = closest(name, ids);
  throw new UsageError(`unknown provider "${name}"${guess ? `; did you mean ${guess}?` : ''}`, {
    field: 'provider',
    hints: [`Known providers: ${ids.join(', ')}`],
  });
}

export function resolveOperation(spec: ProviderSpec, name: string): OperationSpec {
  const op = (spec.operations as Partial<Record<string, OperationSpec>>)[name];
  if (op) return op;
  const names = Object.keys(spec.operations);
  const guess = closest(name, names);
  throw new UsageError(`unknown operation "${name}" for ${spec.id}${guess ? `; did you mean ${guess}?` : ''}`, {
    field: 'operation',
    hints: [`${spec.name} operations: ${names.join(', ')}`],
  });
}

/** The environment variable names for one provider: `VYORA_API_KEY` and its siblings. */
export function envNames(id: ProviderId | string): { apiKey: string; baseUrl: string; webhookSecret: string } {
  const p = id.toUpperCase();
  return { apiKey: `${p}_API_KEY`, baseUrl: `${p}_BASE_URL`, webhookSecret: `${p}_WEBHOOK_SECRET` };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

/** A URL with any user:password blanked, for showing in --verbose output. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return u.toString();
  } catch {
    return url;
  }
}

function describeEvent(event: ClientEvent): string {
  switch (event.type) {
    case 'request':
      return `→ ${event.method} ${safeUrl(event.url)} (attempt ${event.attempt})`;
    case 'response':
      return `← ${event.status} in ${event.durationMs} ms`;
    case 'retry':
      return `retrying ${event.operation} in ${event.delayMs} ms (${event.reason})`;
    case 'throttle':
      return `waiting ${event.delayMs} ms to stay under the ${event.provider} rate limit`;
  }
}

/**
 * A client with the provider's credentials from the environment. A missing key is invalid
 * input (exit 2) named by its variable; the key itself is registered so it is never shown.
 */
export function clientFromEnv(spec: ProviderSpec, ctx: Context, verbose: boolean): ProviderClient {
  const names = envNames(spec.id);
  const apiKey = nonEmpty(ctx.env[names.apiKey]);
  if (!apiKey) {
    throw new UsageError(`${names.apiKey} is not set: export your ${spec.name} API key as ${names.apiKey}`, {
      field: names.apiKey,
      hints: [spec.keyHelp],
    });
  }
  ctx.addSecret(apiKey);
  const baseUrl = nonEmpty(ctx.env[names.baseUrl]);
  if (baseUrl !== undefined && !(/^https?:\/\//i.test(baseUrl) && URL.canParse(baseUrl))) {
    throw new UsageError(`${names.baseUrl} must be an http(s) URL, e.g. http://127.0.0.1:4010`, { field: names.baseUrl });
  }
  const stderr = ctx.io.stderr;
  return createClient(spec.id, {
    apiKey,
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    ...(verbose ? { onEvent: (event: ClientEvent) => void writeLine(stderr, describeEvent(event)) } : {}),
  });
}

/** A webhook secret from a flag or `<PROVIDER>_WEBHOOK_SECRET`, registered so it is never shown. */
export function webhookSecret(ctx: Context, flag: string | undefined, variable: string): string {
  const secret = nonEmpty(flag) ?? nonEmpty(ctx.env[variable]);
  if (!secret) {
    throw new UsageError(`no webhook secret: pass --secret or set ${variable}`, { field: '--secret' });
  }
  ctx.addSecret(secret);
  return secret;
}

/**
 * Validates input exactly as a call would, before credentials are even looked at, so a
 * mistyped field is reported the same with or without a key, and nothing is sent.
 */
export function validateOnly(spec: ProviderSpec, operation: string, input: unknown): void {
  const offline = new ProviderClient(spec, {
    transport: () => Promise.reject(new Error('validation only: nothing is sent')),
    rateLimit: false,
  });
  offline.validate(operation, input);
}
