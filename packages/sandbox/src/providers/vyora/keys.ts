import { isRevokedKey } from '../types';

/** The default workspace's key, printed at start: a fixed public demo value, not a secret. */
export const VYORA_DEMO_KEY = 'vya_test_callbridge_sandbox';
const KEY_SHAPE = /^vya_[A-Za-z0-9_-]+$/;

/** A key the sandbox accepts: shaped vya_…, and not one of the "revoked" keys kept for trying 401s. */
export function isVyoraKey(key: string): boolean {
  return KEY_SHAPE.test(key) && !isRevokedKey(key);
}
