/** Exit codes: the contract scripts rely on. */
export const EXIT_OK = 0;
/** A provider error, a network failure, or a signature that does not verify. */
export const EXIT_FAILURE = 1;
/** Invalid input: a bad flag, an unknown provider or operation, bad JSON, a field the provider would reject. */
export const EXIT_USAGE = 2;

/**
 * Invalid input found by the CLI itself. `field` names what was wrong (a flag, an argument,
 * an environment variable) so the message can start with it.
 */
export class UsageError extends Error {
  readonly field: string | undefined;
  /** Extra lines shown under the message: known names, a hint. */
  readonly hints: readonly string[];

  constructor(message: string, options: { field?: string; hints?: readonly string[] } = {}) {
    super(message);
    this.name = 'UsageError';
    this.field = options.field;
    this.hints = options.hints ?? [];
  }
}

/**
 * A failure outside the CLI's own input: the relay refused a request or could not be
 * reached. Exit 1, the message and its hints on stderr.
 */
export class CommandFailure extends Error {
  readonly hints: readonly string[];

  constructor(message: string, hints: readonly string[] = []) {
    super(message);
    this.name = 'CommandFailure';
    this.hints = hints;
  }
}

/**
 * An error's message. Duck-typed, not `instanceof Error`: errors thrown by node's own
 * modules come from another realm under test runners, and are still errors.
 */
export function messageOf(e: unknown): string {
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') {
    return (e as { message: string }).message;
  }
  return String(e);
}

/** The `code` of a node system or parse error (ENOENT, ERR_PARSE_ARGS_…), if any. */
export function codeOf(e: unknown): string | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
