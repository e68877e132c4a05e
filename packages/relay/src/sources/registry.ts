import { isProviderId, type ProviderId } from '@callbridge/core';
import type { ProviderCredentials } from '../config';
import type { SecretsAtRest } from '../security/secrets-at-rest';
import { ConfigCache, readAll } from '../storage/config-cache';
import { DEFAULT_SOURCE, type RelayStorage, type SourceRecord } from '../storage/types';

/**
 * Every source the relay takes webhooks from and runs actions for, with secrets revealed,
 * in memory: the environment's (`default`, one per provider, from <PROVIDER>_WEBHOOK_SECRET,
 * _API_KEY and _BASE_URL) and those created through `/v1/sources`. The hook path asks it for
 * a secret per webhook without touching the database; it reloads when any replica changes a
 * source.
 */
export interface ResolvedSource {
  id: string;
  provider: ProviderId;
  name: string;
  webhookSecret: string | null;
  apiKey: string | null;
  baseUrl: string | null;
  organizationId: string | null;
  managedBy: 'environment' | 'api';
  createdAt: string | null;
  updatedAt: string | null;
}

export class SourceRegistry {
  readonly #secrets: SecretsAtRest;
  readonly #environment: Partial<Record<ProviderId, ProviderCredentials>>;
  #byId = new Map<string, ResolvedSource>();
  readonly #cache: ConfigCache;

  constructor(storage: RelayStorage, secrets: SecretsAtRest, environment: Partial<Record<ProviderId, ProviderCredentials>>) {
    this.#secrets = secrets;
    this.#environment = environment;
    this.#cache = new ConfigCache(storage, 'sources', async () => {
      const next = new Map<string, ResolvedSource>();
      for (const s of await readAll((limit, cursor) => storage.listSources(limit, cursor))) {
        const resolved = this.#resolve(s);
        if (resolved) next.set(s.id, resolved);
      }
      this.#byId = next;
    });
  }

  start(): Promise<void> {
    return this.#cache.start();
  }

  /** Reads every source again (after a change this replica made, before answering). */
  reload(): Promise<void> {
    return this.#cache.reload();
  }

  #resolve(s: SourceRecord): ResolvedSource | null {
    if (!isProviderId(s.provider)) return null;
    return {
      id: s.id,
      provider: s.provider,
      name: s.name,
      webhookSecret: s.webhookSecret === null ? null : this.#secrets.reveal(s.webhookSecret),
      apiKey: s.apiKey === null ? null : this.#secrets.reveal(s.apiKey),
      baseUrl: s.baseUrl,
      organizationId: s.organizationId,
      managedBy: 'api',
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
  }

  /** The environment-configured source of a provider (`default`). */
  environment(provider: ProviderId): ResolvedSource {
    const creds = this.#environment[provider] ?? {};
    return {
      id: DEFAULT_SOURCE,
      provider,
      name: `${provider.toUpperCase()}_* environment settings`,
      webhookSecret: creds.webhookSecret ?? null,
      apiKey: creds.apiKey ?? null,
      baseUrl: creds.baseUrl ?? null,
      organizationId: null,
      managedBy: 'environment',
      createdAt: null,
      updatedAt: null,
    };
  }

  /** A source of this provider by id (`default` is the environment's), or undefined. */
  get(provider: ProviderId, id: string): ResolvedSource | undefined {
    if (id === DEFAULT_SOURCE) return this.environment(provider);
    const s = this.#byId.get(id);
    return s && s.provider === provider ? s : undefined;
  }

  /** An API-managed source by id, whatever its provider. */
  byId(id: string): ResolvedSource | undefined {
    return this.#byId.get(id);
  }

  /** Whether `id` names a source (of any provider), `default` included. */
  exists(id: string): boolean {
    return id === DEFAULT_SOURCE || this.#byId.has(id);
  }

  close(): void {
    this.#cache.close();
  }
}
