import type { ProviderId } from '@callbridge/core';
import { ailaProfile } from './aila/profile';
import { aylaProfile } from './ayla/profile';
import { ayraProfile } from './ayra/profile';
import type { ProviderProfile } from './types';
import { vyoraProfile } from './vyora/profile';

export const PROFILES: Readonly<Record<ProviderId, ProviderProfile>> = {
  ayra: ayraProfile,
  vyora: vyoraProfile,
  aila: ailaProfile,
  ayla: aylaProfile,
};

/** The fixed demo key of each provider, accepted by every sandbox. */
export const DEMO_KEYS: Readonly<Record<ProviderId, string>> = {
  ayra: ayraProfile.demoKey,
  vyora: vyoraProfile.demoKey,
  aila: ailaProfile.demoKey,
  ayla: aylaProfile.demoKey,
};
