import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors';
import type { FieldMap, OperationSpec, ProviderId } from '../spec/types';

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return 'is not a field of this operation';
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

/** zod's issues, each named by its field: `custom_args.name: must be …`. */
export function toIssues(error: z.ZodError): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: [...issue.path, key].join('.'), message: issueText(issue) });
      continue;
    }
    out.push({ field: issue.path.length ? issue.path.map(String).join('.') : '(input)', message: issueText(issue) });
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
  if (!result.success) throw new ValidationError(provider, op.name, toIssues(result.error));
  return result.data as Record<string, unknown>;
}
