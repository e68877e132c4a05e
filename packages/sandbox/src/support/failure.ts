/**
 * The two ways a handler refuses a request. Handlers speak in these neutral terms and each
 * provider profile turns them into its own documented error body and status.
 */

/** A request the provider answers with an error: not found, forbidden, conflict... */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Extra response headers, e.g. Retry-After on a 429. */
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, details?: unknown, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
    this.details = details ?? null;
    this.headers = headers;
  }
}

/** One input field is missing or wrong; `rule` says what it must be, in words. */
export class BadInput extends Error {
  readonly field: string;
  readonly rule: string;

  constructor(field: string, rule: string) {
    super(`${field}: ${rule}`);
    this.name = 'BadInput';
    this.field = field;
    this.rule = rule;
  }
}
