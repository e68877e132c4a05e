import { ApiFailure, BadInput } from '../../support/failure';
import { readPhone, type Source } from '../../support/input';
import type { Caller } from '../types';

export const LANGUAGE_CODE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
export const LANGUAGE_RULE = 'must be a language code such as en, es or en-US';

/** Ayra's documented answer to a phone number without its country code. */
export function readAyraPhone(source: Source, field: string): string | undefined {
  try {
    return readPhone(source, field);
  } catch (e) {
    if (e instanceof BadInput && e.rule.startsWith('must be an E.164')) {
      throw new ApiFailure(400, 'invalid_request', 'Phone format invalid', 'Include country code');
    }
    throw e;
  }
}

/** Keys that need `<resource>:write` are refused for read-only keys, as Ayra scopes keys by permission. */
export function requireWrite(caller: Caller, resource: string): void {
  if (caller.readOnly) {
    throw new ApiFailure(403, 'forbidden', `This API key lacks the ${resource}:write permission`, `Create a key with ${resource}:write in Settings → API`);
  }
}

/** Fields a caller may not set through passthrough: the record's identity and timestamps. */
const RESERVED = new Set(['id', 'created_at', 'updated_at']);

/** The body's fields beyond the documented ones, kept as given (Ayra forwards what we do not model). */
export function extras(body: Source, known: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => !known.includes(k) && !RESERVED.has(k) && v !== undefined));
}

export function notFound(what: string, id: string | undefined): ApiFailure {
  return new ApiFailure(404, 'not_found', `${what} not found`, `No ${what.toLowerCase()} with id ${id ?? '(none)'}`);
}
