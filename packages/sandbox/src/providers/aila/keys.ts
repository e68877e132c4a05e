import { isRevokedKey } from '../types';

/** The default organization's key, printed at start: a fixed public demo value, not a secret. */
export const AILA_DEMO_KEY = 'aila_test_callbridge_sandbox';
export const AILA_READONLY_KEY = 'aila_test_callbridge_readonly';
const KEY_SHAPE = /^aila_[A-Za-z0-9_]+$/;

/** A key the sandbox accepts: shaped aila_…, and not one of the "revoked" keys kept for trying 401s. */
export function isAilaKey(key: string): boolean {
  return KEY_SHAPE.test(key) && !isRevokedKey(key);
}
