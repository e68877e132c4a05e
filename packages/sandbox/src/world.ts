import { ailaWorld, type AilaWorld } from './providers/aila/data';
import { seedAyra, type AyraState } from './providers/ayra/data';
import { seedVyora, type VyoraState } from './providers/vyora/data';
import { VYORA_DEMO_KEY } from './providers/vyora/profile';
import { Rng } from './support/random';

/** The providers' data (Ayla keeps none: its answers are computed from each request), rebuilt whole from a seed by reset(). */
export interface World {
  seed: number;
  /** Ids minted at run time (new calls, contacts, request ids): deterministic given the seed and the order of requests. */
  ids: Rng;
  ayra: AyraState;
  vyora: VyoraState;
  aila: AilaWorld;
}

export const DEFAULT_SEED = 1;

export function createWorld(seed: number): World {
  return {
    seed,
    ids: Rng.for(seed, 'runtime'),
    ayra: seedAyra(seed),
    vyora: seedVyora(seed, VYORA_DEMO_KEY),
    aila: ailaWorld(seed),
  };
}
