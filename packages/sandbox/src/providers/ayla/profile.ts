import { ApiFailure } from '../../support/failure';
import type { RateDecision } from '../../support/rate-limit';
import { bearerToken, failureTable, isRevokedKey, type ProviderProfile } from '../types';
import { aylaHandlers } from './handlers';

/**
 * Ayla as documented: bearer keys with ayla_test_sk_/ayla_live_sk_ prefixes,
 * `{error:{code,message,status,request_id}}` errors, 422 for bad fields, 10 requests a second
 * (and 10,000 a day) on the Developer plan, X-RateLimit-Remaining/Reset on every answer.
 */

export const AYLA_DEMO_KEY = 'ayla_test_sk_callbridge_sandbox';
const KEY_SHAPE = /^ayla_(test|live)_sk_[A-Za-z0-9_]+$/;

export const aylaProfile: ProviderProfile = {
  id: 'ayla',
  demoKey: AYLA_DEMO_KEY,
  keyRule: `Authorization: Bearer ${AYLA_DEMO_KEY}, or any key shaped ayla_test_sk_… or ayla_live_sk_…`,
  authenticate(headers) {
    const key = bearerToken(headers);
    if (!key) throw new ApiFailure(401, 'unauthorized', 'Missing API key: send Authorization: Bearer ayla_test_sk_…');
    if (!KEY_SHAPE.test(key) || isRevokedKey(key)) throw new ApiFailure(401, 'unauthorized', 'Invalid API key');
    return { key, readOnly: false };
  },
  errorBody: (f, requestId) => ({ error: { code: f.code, message: f.message, status: f.status, request_id: requestId } }),
  // A body that is not a JSON object is a bad request; a bad field is a validation error.
  fromBadInput: (e) =>
    e.field === 'body'
      ? new ApiFailure(400, 'invalid_request', `Request body ${e.rule}`)
      : new ApiFailure(422, `invalid_${e.field.replace(/\..*$/, '')}`, `${e.field} ${e.rule}`),
  failureFor: failureTable(
    {
      400: ['invalid_request', 'Bad request'],
      401: ['unauthorized', 'Invalid API key'],
      403: ['forbidden', 'Forbidden'],
      404: ['not_found', 'Not found'],
      422: ['validation_error', 'Validation error'],
      429: ['rate_limited', 'Rate limit exceeded'],
      500: ['internal_error', 'Internal error'],
      503: ['service_unavailable', 'Service unavailable'],
    },
    (status) => [`http_${status}`, status >= 500 ? 'Internal error' : 'Request failed'],
  ),
  // Whole epoch seconds, the common convention; the document does not say which.
  rateLimitHeaders: (d: RateDecision) => ({
    'X-RateLimit-Remaining': String(d.remaining),
    'X-RateLimit-Reset': String(Math.ceil(d.resetAt / 1000)),
  }),
  defaultRateRules: [
    { requests: 10, perMs: 1_000 },
    { requests: 10_000, perMs: 86_400_000 },
  ],
  handlers: aylaHandlers,
};
