import type { RelayConfig } from '../../src/config';
import { hashToken } from '../../src/security/auth';
import { TokenRegistry } from '../../src/security/principals';
import { plainSecrets } from '../../src/security/secrets-at-rest';
import { SourceRegistry } from '../../src/sources/registry';
import { MinuteStats } from '../../src/stats/minutes';
import type { RelayStorage } from '../../src/storage/types';

/**
 * The parts of AppDeps that hold auth and secrets, for tests that build the app around a
 * stub storage: the admin token works, no scoped token exists, secrets are kept as given.
 */
export function authDeps(storage: RelayStorage, config: RelayConfig, adminToken: string) {
  const clock = { now: () => Date.now() };
  const secrets = plainSecrets();
  return {
    tokens: new TokenRegistry(storage, hashToken(adminToken), clock),
    secrets,
    sources: new SourceRegistry(storage, secrets, config.providers),
    stats: new MinuteStats(),
  };
}
