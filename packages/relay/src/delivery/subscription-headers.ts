/**
 * The rules for a subscription's own headers (e.g. Make's x-make-apikey), checked when a
 * subscription is written so that every value stored can be sent: node's http refuses a
 * header value outside Latin-1 or with a control character, and a subscription holding one
 * would fail every delivery until it is dead. One place for these rules, so that every
 * route or schema that accepts headers applies the same ones.
 */
export const MAX_SUBSCRIPTION_HEADERS = 20;
export const MAX_HEADER_VALUE_LENGTH = 4096;

/** Headers the relay sets itself on every delivery. */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'host',
  'connection',
  'transfer-encoding',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

/** An HTTP token (RFC 9110 §5.1), at most 100 characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const hex = (code: number): string => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `name` cannot be a subscription header, or null when it can. */
export function headerNameProblem(name: string): string | null {
  if (!HEADER_NAME.test(name)) return 'is not a valid HTTP header name';
  if (RESERVED_HEADERS.has(name.toLowerCase())) return 'is set by the relay and cannot be overridden';
  return null;
}

/** Why `value` cannot be sent as a header value, or null when it can. */
export function headerValueProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > MAX_HEADER_VALUE_LENGTH) return `must be at most ${MAX_HEADER_VALUE_LENGTH} characters`;
  // Tab and visible Latin-1: no C0 or C1 control character, no DEL, nothing above U+00FF.
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || (c >= 0x7f && c <= 0x9f)) return `must not contain a control character (found ${hex(c)})`;
    if (c > 0xff) {
      const code = value.codePointAt(i) as number;
      return `must be Latin-1 text, which HTTP headers can carry ("${String.fromCodePoint(code)}", ${hex(code)}, is not)`;
    }
  }
  return null;
}
