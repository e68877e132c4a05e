import { AdminInputError } from './http/admin-input';
import { SandboxOptionError, type SandboxOptions } from './options';
import { AilaOrganizations, type NewAilaOrganization } from './providers/aila/organizations';
import { VyoraWorkspaces, type NewVyoraWorkspace, type VyoraWebhookChange } from './providers/vyora/workspaces';
import type { FieldNamer } from './support/accounts';

/**
 * The library's side of the account registries: options and RunningSandbox calls are checked
 * by the same rules as the admin API, and refused as SandboxOptionErrors named the library's way.
 */

/** Runs a check written for the admin API on behalf of the library: the same rule, refused as an option. */
export function asOption<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof AdminInputError) throw new SandboxOptionError(e.field, e.reason);
    throw e;
  }
}

/** Names fields below an option, e.g. `vyoraWorkspaces.1.apiKey`. */
export function optionField<F extends string>(prefix: string): FieldNamer<F> {
  return (f) => `${prefix}.${f}`;
}

/** The library's webhook setting (`null` stops it) as the registry takes it. */
export function webhookChange(field: string, config: { url: string; secret?: string; events?: string[] } | null): VyoraWebhookChange {
  if (config === null) return { url: null };
  if (typeof config !== 'object') throw new SandboxOptionError(field, 'must be { url, secret?, events? } or null');
  return { url: config.url, secret: config.secret, events: config.events };
}

export function credits(value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new SandboxOptionError('credits', 'must be a whole number of at least 0');
  return value;
}

/** Each item of a list option, checked to be an object first; `shape` says what it should be. */
function items(option: string, list: unknown, shape: string): object[] {
  const given: unknown = list ?? [];
  if (!Array.isArray(given)) throw new SandboxOptionError(option, `must be a list of ${shape}`);
  return given.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null) throw new SandboxOptionError(`${option}.${i}`, `must be ${shape}`);
    return item;
  });
}

export function startingWorkspaces(options: SandboxOptions): VyoraWorkspaces {
  const registry = new VyoraWorkspaces();
  if (options.vyoraWebhook !== undefined) {
    const change = webhookChange('vyoraWebhook', options.vyoraWebhook);
    asOption(() => registry.setWebhook(registry.default, change, optionField('vyoraWebhook')));
  }
  items('vyoraWorkspaces', options.vyoraWorkspaces, '{ name?, apiKey?, webhookSecret?, webhookUrl?, events? }').forEach((w, i) =>
    asOption(() => registry.create(w as NewVyoraWorkspace, optionField(`vyoraWorkspaces.${i}`))),
  );
  return registry;
}

export function startingOrganizations(options: SandboxOptions): AilaOrganizations {
  const registry = new AilaOrganizations();
  items('ailaOrganizations', options.ailaOrganizations, '{ name?, apiKey?, organizationId? }').forEach((o, i) =>
    asOption(() => registry.create(o as NewAilaOrganization, optionField(`ailaOrganizations.${i}`))),
  );
  return registry;
}
