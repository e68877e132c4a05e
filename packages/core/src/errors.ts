import type { ProviderId } from './spec/types';

/**
 * One error for every provider and every failure, so callers handle `code` and
 * `retryable` instead of four body shapes. `status` is null when no HTTP response
 * was received (validation, network, client-side timeout).
 */
export type ErrorKind = 'provider' | 'validation' | 'network' | 'timeout';

export interface CallbridgeErrorInit {
  provider: ProviderId;
  status: number | null;
  code: string;
  message: string;
  details?: unknown;
  requestId?: string | null;
  retryable: boolean;
  kind?: ErrorKind;
  /** How long the provider asked us to wait, where it said (429). */
  retryAfterMs?: number | null;
  operation?: string;
}

export class CallbridgeError extends Error {
  readonly provider: ProviderId;
  readonly status: number | null;
  readonly code: string;
  readonly details: unknown;
  readonly requestId: string | null;
  readonly retryable: boolean;
  readonly kind: ErrorKind;
  readonly retryAfterMs: number | null;
  readonly operation: string | null;

  constructor(init: CallbridgeErrorInit) {
    super(init.message);
    this.name = 'CallbridgeError';
    this.provider = init.provider;
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? null;
    this.requestId = init.requestId ?? null;
    this.retryable = init.retryable;
    this.kind = init.kind ?? 'provider';
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.operation = init.operation ?? null;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      provider: this.provider,
      operation: this.operation,
      status: this.status,
      code: this.code,
      message: this.message,
      details: this.details,
      requestId: this.requestId,
      retryable: this.retryable,
      kind: this.kind,
      ...(this.retryAfterMs !== null ? { retryAfterMs: this.retryAfterMs } : {}),
    };
  }
}

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `phone_number` or `calls.3.recording_url`. */
  field: string;
  /** What the field must be. */
  message: string;
}

/** Input rejected before any request was sent. */
export class ValidationError extends CallbridgeError {
  readonly issues: readonly ValidationIssue[];

  constructor(provider: ProviderId, operation: string, issues: readonly ValidationIssue[]) {
    const text = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    super({
      provider,
      operation,
      status: null,
      code: 'validation_error',
      message: `Invalid input for ${provider} ${operation}: ${text}`,
      details: issues,
      retryable: false,
      kind: 'validation',
    });
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

export function isCallbridgeError(e: unknown): e is CallbridgeError {
  return e instanceof CallbridgeError;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status) || status >= 500;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  402: 'payment_required',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'unprocessable_entity',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

function codeFromMessage(message: string): string {
  const slug = message
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48);
  return slug || 'error';
}

/**
 * Reads every documented error body into one shape:
 *   Ayra   {error:{code,message,details}}
 *   Aila   {success:false,error:{code,message,details}}
 *   Vyora  {error:"Call not found"}
 *   Ayla   {error:{code,message,status,request_id}}
 * and anything else (HTML from a proxy, an empty body) into a status-derived code.
 */
export function normalizeProviderError(
  provider: ProviderId,
  status: number,
  body: unknown,
  headers: Record<string, string>,
  operation?: string,
  retryAfterMs?: number | null,
): CallbridgeError {
  const root = asRecord(body);
  const err = root?.['error'];
  const nested = asRecord(err);
  let message: string | undefined;
  let code: string | undefined;
  let details: unknown = null;
  let requestId = headers['x-request-id'] ?? headers['request-id'];

  if (nested) {
    message = str(nested['message']);
    code = str(nested['code']);
    details = nested['details'] ?? null;
    requestId = str(nested['request_id']) ?? requestId;
  } else if (typeof err === 'string') {
    message = err;
    code = codeFromMessage(err);
  } else if (root) {
    message = str(root['message']);
    code = str(root['code']);
  } else if (typeof body === 'string' && body.trim().length > 0) {
    message = body.trim().slice(0, 200);
  }
  const meta = asRecord(root?.['meta']);
  requestId = requestId ?? str(meta?.['request_id']) ?? str(root?.['request_id']);

  return new CallbridgeError({
    provider,
    status,
    code: code ?? STATUS_CODES[status] ?? `http_${status}`,
    message: message ?? `HTTP ${status}`,
    details,
    requestId: requestId ?? null,
    retryable: isRetryableStatus(status),
    kind: 'provider',
    retryAfterMs: retryAfterMs ?? null,
    ...(operation ? { operation } : {}),
  });
}
