import { ApiFailure } from '../../support/failure';
import { bearerToken, failureTable, isReadOnlyKey, isRevokedKey, type ProviderProfile } from '../types';
import { agentHandlers } from './agents';
import { recordHandlers } from './records';
import { workflowHandlers } from './workflows';

/**
 * Ayra as documented: bearer keys, `{error:{code,message,details}}` bodies, page/per_page
 * lists with `meta` and `links`, and keys scoped by permission (`agents:read`).
 */

export const AYRA_DEMO_KEY = 'sk_test_callbridge_sandbox';
export const AYRA_READONLY_KEY = 'sk_test_callbridge_readonly';
/** The documents' example key is sk_live_abc123xyz789. */
const KEY_SHAPE = /^sk_(live|test)_[A-Za-z0-9_]+$/;

export const ayraProfile: ProviderProfile = {
  id: 'ayra',
  demoKey: AYRA_DEMO_KEY,
  readOnlyKey: AYRA_READONLY_KEY,
  keyRule: `Authorization: Bearer ${AYRA_DEMO_KEY}, or any key shaped sk_live_… / sk_test_…; a key containing "readonly" may read but not write (403)`,
  authenticate(headers) {
    const key = bearerToken(headers);
    if (!key) throw new ApiFailure(401, 'unauthorized', 'Missing API key', 'Send Authorization: Bearer <your API key>');
    if (!KEY_SHAPE.test(key) || isRevokedKey(key)) throw new ApiFailure(401, 'unauthorized', 'Invalid API key', 'Generate a key in Settings → API');
    return { key, readOnly: isReadOnlyKey(key) };
  },
  errorBody: (f) => ({ error: { code: f.code, message: f.message, details: f.details } }),
  fromBadInput: (e) => new ApiFailure(400, 'invalid_request', `${e.field} ${e.rule}`, `Check the ${e.field} parameter`),
  failureFor: failureTable(
    {
      400: ['invalid_request', 'Invalid request'],
      401: ['unauthorized', 'Invalid API key'],
      403: ['forbidden', 'This API key lacks the required permission'],
      404: ['not_found', 'Not found'],
      409: ['conflict', 'Conflict'],
      422: ['unprocessable_entity', 'The request could not be processed'],
      429: ['rate_limit_exceeded', 'Rate limit exceeded; retry with exponential backoff'],
      500: ['internal_error', 'Internal server error'],
      502: ['bad_gateway', 'Bad gateway'],
      503: ['service_unavailable', 'Service unavailable'],
    },
    (status) => [`http_${status}`, status >= 500 ? 'Server error' : 'Request failed'],
  ),
  // Ayra documents 429s and backoff but no rate-limit headers.
  rateLimitHeaders: () => ({}),
  // "typically several hundred requests/minute": the low end.
  defaultRateRules: [{ requests: 300, perMs: 60_000 }],
  handlers: { ...agentHandlers, ...recordHandlers, ...workflowHandlers },
};
