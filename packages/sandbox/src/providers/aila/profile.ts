import { ApiFailure } from '../../support/failure';
import type { RateDecision } from '../../support/rate-limit';
import { bearerToken, failureTable, isReadOnlyKey, type ProviderProfile } from '../types';
import { ailaHandlers } from './handlers';
import { AILA_DEMO_KEY, AILA_READONLY_KEY, isAilaKey } from './keys';

/**
 * Aila as documented: `{success, data, meta}` bodies, `{success:false, error:{code,message,
 * details}}` errors, limit/offset lists that end on a short page, 1000 requests an hour with
 * X-RateLimit-Limit/Remaining/Reset on every answer. The key's transport is not documented:
 * a bearer token, as core assumes.
 */

export { AILA_DEMO_KEY, AILA_READONLY_KEY } from './keys';

/** Bad field → the documented VALIDATION_ERROR, `details: {field, expected}`. */
function validation(field: string, rule: string): ApiFailure {
  if (rule.startsWith('must be an ISO 8601')) {
    return new ApiFailure(400, 'VALIDATION_ERROR', 'Invalid date format', { field, expected: 'ISO 8601 format' });
  }
  return new ApiFailure(400, 'VALIDATION_ERROR', `Invalid ${field}: ${field} ${rule}`, { field, expected: rule.replace(/^must (be )?/, '') });
}

export const ailaProfile: ProviderProfile = {
  id: 'aila',
  demoKey: AILA_DEMO_KEY,
  readOnlyKey: AILA_READONLY_KEY,
  keyRule: `Authorization: Bearer ${AILA_DEMO_KEY} or an organization's key (GET /_sandbox/aila/organizations); any other aila_… key reaches the default organization; a key containing "readonly" may read but not write (403)`,
  authenticate(headers) {
    const key = bearerToken(headers);
    if (!key) throw new ApiFailure(401, 'UNAUTHORIZED', 'Missing API key', { header: 'Authorization', expected: 'Bearer <API key>' });
    if (!isAilaKey(key)) throw new ApiFailure(401, 'UNAUTHORIZED', 'Invalid API key', null);
    return { key, readOnly: isReadOnlyKey(key) };
  },
  errorBody: (f) => ({ success: false, error: { code: f.code, message: f.message, details: f.details } }),
  fromBadInput: (e) => validation(e.field, e.rule),
  failureFor: failureTable(
    {
      400: ['BAD_REQUEST', 'Bad request'],
      401: ['UNAUTHORIZED', 'Invalid API key'],
      403: ['FORBIDDEN', 'Insufficient permissions'],
      404: ['NOT_FOUND', 'Not found'],
      422: ['UNPROCESSABLE_ENTITY', 'The request could not be processed'],
      429: ['RATE_LIMIT_EXCEEDED', 'Rate limit exceeded'],
      500: ['INTERNAL_ERROR', 'Internal server error'],
      503: ['SERVICE_UNAVAILABLE', 'Service unavailable'],
    },
    (status) => [`HTTP_${status}`, status >= 500 ? 'Server error' : 'Request failed'],
  ),
  // The document's example waits `reset - Date.now()`: the reset is epoch milliseconds.
  rateLimitHeaders: (d: RateDecision) => ({
    'X-RateLimit-Limit': String(d.limit),
    'X-RateLimit-Remaining': String(d.remaining),
    'X-RateLimit-Reset': String(d.resetAt),
  }),
  defaultRateRules: [{ requests: 1000, perMs: 3_600_000 }],
  handlers: ailaHandlers,
};
