/** Why a webhook signature was not accepted. */
export type VerifyFailure =
  | 'missing_signature'
  | 'malformed_signature'
  | 'signature_mismatch'
  | 'no_secret'
  | 'missing_timestamp'
  | 'timestamp_out_of_tolerance';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure; message: string };

/** Incoming request headers as Node, fastify or a test hands them over. */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

// One shared object: the success path allocates nothing.
export const VERIFIED: VerifyResult = Object.freeze({ ok: true as const });

export function failure(reason: VerifyFailure, message: string): VerifyResult {
  return { ok: false, reason, message };
}
