import { ProviderClient, type ClientOptions } from './client';
import { aila } from './providers/aila';
import { ayla } from './providers/ayla';
import { ayra } from './providers/ayra';
import { vyora } from './providers/vyora';
import { PROVIDER_IDS, type OperationSpec, type ProviderId, type ProviderSpec } from './spec/types';
import { axiosTransport } from './transport/axios';

/** Every provider's spec, by id. */
export const providers = { ayra, vyora, aila, ayla } as const satisfies Record<ProviderId, ProviderSpec>;

export type Providers = typeof providers;

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}

export function getProvider(id: string): ProviderSpec {
  const spec = (providers as Partial<Record<string, ProviderSpec>>)[id];
  if (!spec) throw new Error(`unknown provider "${id}"; known: ${Object.keys(providers).join(', ')}`);
  return spec;
}

export function listOperations(id: string): OperationSpec[] {
  return Object.values(getProvider(id).operations);
}

let sharedTransport: ReturnType<typeof axiosTransport> | undefined;

/** A client for one provider, on the default axios transport unless one is given. */
export function createClient<P extends ProviderSpec>(spec: P, options?: ClientOptions): ProviderClient<P>;
export function createClient(id: ProviderId, options?: ClientOptions): ProviderClient;
export function createClient(specOrId: ProviderSpec | ProviderId, options: ClientOptions = {}): ProviderClient {
  const spec = typeof specOrId === 'string' ? getProvider(specOrId) : specOrId;
  const transport = options.transport ?? (sharedTransport ??= axiosTransport());
  return new ProviderClient(spec, { ...options, transport });
}
