import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors';
import type { FieldMap, OperationSpec, ProviderId } from '../spec/types';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * zod's issues, each named by its field: `custom_args.name: must be …`. A type error on a
 * value that is absent from the input is worded "is required"; on a value that is present,
 * the field's own rule ("must be a whole number") is kept.
 */
export function toIssues(error: z.ZodError, input: unknown): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: [...issue.path, key].join('.'), message: 'is not a field of this operation' });
      continue;
    }
    const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
    out.push({
      field: issue.path.length ? issue.path.map(String).join('.') : '(input)',
      message: missing ? 'is required' : issue.message,
    });
  }
  return out;
}

/** Validates input against an operation's schema; throws a field-named ValidationError. */
export function validateInput<F extends FieldMap>(
  provider: ProviderId,
  op: OperationSpec<F>,
  input: unknown,
): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError(provider, op.name, [{ field: '(input)', message: 'must be a JSON object' }]);
  }
  const result = op.input.safeParse(input);
  if (!result.success) throw new ValidationError(provider, op.name, toIssues(result.error, input));
  return result.data as Record<string, unknown>;
}
