import type { FlagSpecs } from './command';
import { messageOf, UsageError } from './errors';

/**
 * The admin commands' flags are the relay API's JSON fields with dashes (`target_url` is
 * `--target-url`), so one list of fields per request gives both the flags and the body.
 */
export type FieldKind =
  /** Sent as given. */
  | 'string'
  /** `a,b,c` → ["a","b","c"]. */
  | 'list'
  /** A JSON value, e.g. `--filter '{"data.status":"completed"}'`. */
  | 'json'
  /** A number, fractions allowed. */
  | 'number';

export interface Field {
  /** The JSON field name. */
  name: string;
  kind: FieldKind;
  /** `--flag null` sends JSON null: the relay clears the field. */
  nullable?: boolean;
  /** The values it may take, checked before anything is sent. */
  choices?: readonly string[];
  /** For the help: what it is. */
  help: string;
}

export const flagName = (field: string): string => field.replace(/_/g, '-');

/** The string flags for these fields. */
export function fieldFlags(fields: readonly Field[]): FlagSpecs {
  return Object.fromEntries(fields.map((f) => [flagName(f.name), { type: 'string' as const }]));
}

/** Where the text of an option's help starts, so that every list of options lines up. */
export const OPTION_COLUMN = 28;

/** `  --flag VALUE              what it does`, aligned on OPTION_COLUMN. */
export function optionLine(flag: string, text: string): string {
  const head = `  ${flag}`;
  return head.length < OPTION_COLUMN - 1 ? `${head.padEnd(OPTION_COLUMN)}${text}` : `${head}  ${text}`;
}

function placeholder(f: Field): string {
  if (f.choices) return f.choices.join('|').length <= 20 ? f.choices.join('|') : f.name.toUpperCase();
  if (f.kind === 'json') return "'{...}'";
  if (f.kind === 'list') return 'a,b';
  if (f.kind === 'number') return 'N';
  return f.name.endsWith('_url') ? 'URL' : f.name.endsWith('_id') ? 'ID' : 'TEXT';
}

/** The help lines of these fields: `  --target-url URL   where deliveries go`. */
export function fieldHelp(fields: readonly Field[]): string {
  return fields
    .map((f) => {
      const choices = f.choices && placeholder(f) !== f.choices.join('|') ? ` (${f.choices.join(', ')})` : '';
      return optionLine(`--${flagName(f.name)} ${placeholder(f)}`, `${f.help}${choices}${f.nullable ? ' (null clears it)' : ''}`);
    })
    .join('\n');
}

function convert(field: Field, raw: string): unknown {
  const flag = `--${flagName(field.name)}`;
  if (field.nullable && raw === 'null') return null;
  if (field.choices && !field.choices.includes(raw)) {
    throw new UsageError(`${flag} must be one of ${field.choices.join(', ')}, got "${raw}"`, { field: flag });
  }
  switch (field.kind) {
    case 'string':
      return raw;
    case 'list': {
      const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (items.length === 0) throw new UsageError(`${flag} needs at least one entry, e.g. ${flag} a,b`, { field: flag });
      return items;
    }
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got "${raw}"`, { field: flag });
      return n;
    }
    case 'json':
      try {
        return JSON.parse(raw) as unknown;
      } catch (e) {
        throw new UsageError(`${flag} is not valid JSON: ${messageOf(e)}`, { field: flag, hints: [`e.g. ${flag} '{"data.status":"completed"}'`] });
      }
  }
}

/** The request body from the flags that were given; absent flags leave their field out. */
export function bodyFromFlags(fields: readonly Field[], flags: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = flags[flagName(f.name)];
    if (typeof raw === 'string') body[f.name] = convert(f, raw);
  }
  return body;
}

/** A required flag that is missing is invalid input named by its flag. */
export function requireFlags(fields: readonly string[], flags: Readonly<Record<string, unknown>>, command: string): void {
  for (const name of fields) {
    if (typeof flags[flagName(name)] !== 'string') {
      throw new UsageError(`missing --${flagName(name)}`, { field: `--${flagName(name)}`, hints: [`Run \`callbridge help ${command}\`.`] });
    }
  }
}

/** `--limit N`: a whole number of at least 1, or absent. */
export function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new UsageError(`--limit must be a whole number of at least 1, got "${value}"`, { field: '--limit' });
  return Number(value);
}
