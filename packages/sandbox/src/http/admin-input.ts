import { PROVIDER_IDS, type ProviderId } from '@callbridge/core';

/** A refused admin request, naming the field; `status` is 400 unless the request is fine but cannot apply (404, 405, 409). */
export class AdminInputError extends Error {
  constructor(
    readonly field: string,
    /** What is wrong with it, without the field's name. */
    readonly reason: string,
    readonly status = 400,
    /** Extra response headers, e.g. Allow on a 405. */
    readonly headers: Record<string, string> = {},
  ) {
    super(`${field}: ${reason}`);
    this.name = 'AdminInputError';
  }
}

/** The request body as an object; no body reads as `{}`. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AdminInputError('body', 'must be a JSON object');
  return body as Record<string, unknown>;
}

/** Refuses fields a route does not take, so a misspelt one (`webhookUrl`) is not silently ignored. */
export function onlyFields(o: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(o).find((k) => !known.includes(k));
  if (unknown !== undefined) throw new AdminInputError(unknown, `is not a field of this route; it takes: ${known.join(', ')}`);
}

export function optionalNumber(o: Record<string, unknown>, field: string): number | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new AdminInputError(field, 'must be a number');
  return v;
}

export function requiredString(o: Record<string, unknown>, field: string): string {
  const v = o[field];
  if (typeof v !== 'string' || v === '') throw new AdminInputError(field, 'is required and must be a non-empty string');
  return v;
}

export function optionalString(o: Record<string, unknown>, field: string): string | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new AdminInputError(field, 'must be a non-empty string');
  return v;
}

export function optionalStringList(o: Record<string, unknown>, field: string): string[] | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((e) => typeof e === 'string')) throw new AdminInputError(field, 'must be a list of names');
  return v as string[];
}

export function providerField(o: Record<string, unknown>): ProviderId {
  const v = o['provider'];
  if (typeof v !== 'string' || !(PROVIDER_IDS as readonly string[]).includes(v)) {
    throw new AdminInputError('provider', `must be one of: ${PROVIDER_IDS.join(', ')}`);
  }
  return v as ProviderId;
}

/** A whole number of at least 0, required. */
export function creditsField(o: Record<string, unknown>): number {
  const credits = optionalNumber(o, 'credits');
  if (credits === undefined || !Number.isInteger(credits) || credits < 0) throw new AdminInputError('credits', 'must be a whole number of at least 0');
  return credits;
}
