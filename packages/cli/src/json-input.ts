import { messageOf, UsageError } from './errors';
import { readSource, type Io } from './io';

const EXAMPLE = `e.g. --json '{"call_id":"abc123"}', --json @input.json or --json - (stdin)`;

/**
 * The operation input of `--json`: literal JSON, `@file.json`, or `-` for stdin, because
 * quoting JSON in a shell is painful. Absent means `{}`. Always a JSON object.
 */
export async function readJsonInput(io: Io, value: string | undefined): Promise<Record<string, unknown>> {
  if (value === undefined) return {};
  let text: string;
  let source = '--json';
  if (value === '-' || value.startsWith('@')) {
    const path = value === '-' ? '-' : value.slice(1);
    source = value === '-' ? '--json - (stdin)' : `--json @${path}`;
    if (path === '') throw new UsageError(`--json @: give a file name after @, ${EXAMPLE}`, { field: '--json' });
    try {
      text = Buffer.from(await readSource(io, path)).toString('utf8');
    } catch (e) {
      throw new UsageError(`${source}: cannot read: ${messageOf(e)}`, { field: '--json' });
    }
  } else {
    text = value;
  }
  text = text.replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${source}: invalid JSON: ${messageOf(e)}`, { field: '--json', hints: [EXAMPLE] });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`${source}: must be a JSON object of the operation's fields`, { field: '--json', hints: [EXAMPLE] });
  }
  return parsed as Record<string, unknown>;
}
