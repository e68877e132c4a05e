import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { HttpError } from './replies';

/**
 * Request validation for every fastify route: each route's zod schemas (body, querystring,
 * params) are checked here, and a failure becomes one 400 in core's ValidationError shape,
 * every problem named by its dotted field path:
 * `{"error":{"code":"validation_error","message":"Invalid request: events.0: …; headers.x-foo: …","details":[{field,message}]}}`.
 */
export interface Issue {
  field: string;
  message: string;
}

export function invalid(issues: Issue[]): HttpError {
  const text = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return new HttpError(400, 'validation_error', `Invalid request: ${text}`, issues);
}

/** What a field that breaks a rule with no words of its own is told (schemas' own messages win). */
const wording: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return issue.expected === 'object' ? 'must be a JSON object' : `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_big':
    case 'too_small': {
      const bound = issue.code === 'too_big' ? `at most ${String(issue.maximum)}` : `at least ${String(issue.minimum)}`;
      if (issue.origin === 'string') return `must be ${bound} characters long`;
      if (issue.origin === 'array') return `must have ${bound} items`;
      return `must be ${bound}`;
    }
    default:
      return undefined;
  }
};

/** The part of a request a schema checks, as fastify names it, and how its root is called. */
const ROOT_NAME: Record<string, string> = { body: '(body)', querystring: '(query)', params: '(path)', headers: '(headers)' };

/** Steps through wrappers (optional, default, pipes, refinements) to the schema that holds a shape. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = s._zod.def as unknown as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType; out?: z.core.$ZodType };
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in && def.out) s = def.in._zod.def.type === 'transform' ? def.out : def.in;
    else return s;
  }
  return s;
}

/** The field names an object schema at `path` knows, for naming them beside an unknown one. */
export function knownKeysAt(root: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let s = unwrap(root);
  for (const key of path) {
    const def = s._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType; valueType?: z.core.$ZodType };
    const next = def.shape?.[String(key)] ?? (def.type === 'array' ? def.element : def.type === 'record' ? def.valueType : undefined);
    if (!next) return [];
    s = unwrap(next);
  }
  const shape = (s._zod.def as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

/** zod's issues as the relay's: one per field, dotted paths, unknown fields named one by one. */
export function issuesFrom(error: z.core.$ZodError, root: z.core.$ZodType, part: string): Issue[] {
  const rootName = ROOT_NAME[part] ?? `(${part})`;
  const fieldOf = (path: readonly PropertyKey[]): string => (path.length ? path.map(String).join('.') : rootName);
  const out: Issue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(root, issue.path);
      for (const key of issue.keys) {
        out.push({ field: fieldOf([...issue.path, key]), message: `is not a field of this request; known: ${known.join(', ')}` });
      }
    } else if (issue.code === 'invalid_key') {
      // A record key that breaks its rule (a header name): the key's own reason, not the record's.
      out.push({ field: fieldOf(issue.path), message: issue.issues[0]?.message ?? issue.message });
    } else if (issue.code === 'invalid_type' && issue.path.length === 0 && part === 'body') {
      // No body, or one that is not an object: say what is expected rather than what arrived.
      out.push({ field: rootName, message: 'must be a JSON object' });
    } else {
      out.push({ field: fieldOf(issue.path), message: issue.message });
    }
  }
  return out;
}

/**
 * fastify's validator for zod schemas. A body that was not sent (or is JSON `null`) is
 * checked as absent, so a route whose body is optional declares it `.optional()` or with a
 * default; a required body answers `(body): must be a JSON object`.
 */
export const validatorCompiler: FastifySchemaCompiler<z.core.$ZodType> = ({ schema, httpPart }) => {
  const part = httpPart ?? 'body';
  return (data: unknown) => {
    const input = part === 'body' && data === null ? undefined : data;
    const result = z.safeParse(schema, input, { error: wording });
    return result.success ? { value: result.data } : { error: invalid(issuesFrom(result.error, schema, part)) };
  };
};

