import type { ProviderSpec } from '../../../../core/src/spec/types';

/**
 * Stands in for core's registry inside the n8n bundles. Each package integrates exactly
 * one provider and always hands core that provider's spec, so the lookup by id (and the
 * other providers and the axios transport the registry would bring along) stays out.
 */
export function getProvider(id: string): ProviderSpec {
  throw new Error(`provider "${id}" is looked up by id; inside an n8n node pass its spec instead`);
}
