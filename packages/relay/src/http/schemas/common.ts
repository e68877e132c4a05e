import { z } from 'zod';

/**
 * Building blocks every route's schemas share. A schema here is the one truth for a shape:
 * fastify validates requests and serializes answers with it, and `/openapi.json` is
 * generated from it. Answers are `z.object` (unknown keys dropped on the way out), so a field
 * reaches the wire only if its schema names it.
 */

/** A timestamp on the wire. Not checked on the way out: providers' own `created_at` may carry an offset. */
export const timestamp = z.string().meta({ format: 'date-time', examples: ['2025-01-31T09:30:00.000Z'] });

const API_SOURCE_ID = 'src_[A-Za-z0-9_-]{8,40}';
export const SOURCE_ID = new RegExp(`^(default|${API_SOURCE_ID})$`);
/** What listings filter on: a source, or `test`, the source of test deliveries' events. */
export const LISTED_SOURCE_ID = new RegExp(`^(default|test|${API_SOURCE_ID})$`);
/** A source: `default` (the environment's provider settings) or an API source's `src_…` id. */
export const SourceId = z
  .string({ error: 'must be "default" or a source id (src_…)' })
  .regex(SOURCE_ID, 'must be "default" or a source id (src_…)')
  .meta({ examples: ['src_Xk2pQ9vLm4Rt', 'default'] });

export const Issue = z.object({ field: z.string().meta({ examples: ['events.0'] }), message: z.string() });

/** The one error shape of every route: `{"error":{"code","message","details"?}}`. */
export const ErrorAnswer = z
  .object({
    error: z.object({
      code: z.string().meta({ examples: ['validation_error'] }),
      message: z.string(),
      details: z.array(Issue).optional().describe('For validation errors: each field and what is wrong with it.'),
    }),
  })
  .meta({ id: 'Error' });

/** A response in OpenAPI's content form, so that each status carries its own description. */
export function answer<S extends z.core.$ZodType>(description: string, schema: S): { description: string; content: { 'application/json': { schema: S } } } {
  return { description, content: { 'application/json': { schema } } };
}

export const failure = (description: string): ReturnType<typeof answer<typeof ErrorAnswer>> => answer(description, ErrorAnswer);

/** An answer with no body (204). */
export const noContent = (description: string) => z.undefined().describe(description);

export const INVALID = failure('Invalid request: `details` names each field and what is wrong with it. Nothing was changed.');

export function page<S extends z.core.$ZodType>(item: S) {
  return z.object({
    data: z.array(item),
    next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last one.'),
  });
}

/** A query parameter sent empty (`?type=`) means not sent. */
const emptyIsAbsent = (v: unknown): unknown => (v === '' ? undefined : v);

/** An optional text filter in a query string or a body. */
export function optionalText(max: number, description?: string) {
  const message = `must be a string of at most ${max} characters`;
  const text = z.string({ error: message }).max(max, message);
  return z.preprocess(emptyIsAbsent, (description ? text.describe(description) : text).optional());
}

/** A whole number in a query string: digits only, within 1..max, the fallback when absent or empty. */
export function wholeNumberQuery(fallback: number, max: number) {
  const message = `must be a whole number from 1 to ${max}`;
  return z.preprocess(
    (v) => (v === '' ? undefined : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
    z.number({ error: message }).int(message).min(1, message).max(max, message).default(fallback),
  );
}

/** `?limit=` of a listing. */
export const limitQuery = (fallback: number, max: number) => wholeNumberQuery(fallback, max).describe(`1 to ${max}, default ${fallback}`);

export const cursorQuery = z.preprocess(emptyIsAbsent, z.string().optional().describe('`next_cursor` of the previous page'));

export function idParams(description: string) {
  return z.object({ id: z.string().describe(description) });
}
