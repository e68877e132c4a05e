import { z } from 'zod';

/**
 * Field builders: each returns the zod schema that validates a value together with the
 * metadata wrappers need (label, help, location, choices). Describing both in one call is
 * what keeps a provider "described once": n8n properties, Zapier input fields, Make
 * parameters, CLI help and the relay's OpenAPI are all read from this.
 */

export type FieldLocation = 'path' | 'query' | 'body';

export type FieldKind =
  | 'string'
  | 'phone'
  | 'country'
  | 'datetime'
  | 'email'
  | 'url'
  | 'enum'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'string_list'
  | 'enum_list'
  | 'key_value'
  | 'object_list'
  | 'json';

export interface DynamicChoices {
  /** The list operation whose items fill a dropdown, e.g. `agents.list`. */
  operation: string;
  /** Item property used as the value. */
  value: string;
  /** Item property shown to the user. */
  label: string;
}

export interface FieldMeta {
  label: string;
  help: string;
  in: FieldLocation;
  kind: FieldKind;
  required: boolean;
  example?: unknown;
  default?: unknown;
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** How an array is written into a query string: `user_ids=a,b` (csv) or repeated keys. */
  queryFormat?: 'csv' | 'repeat';
  dynamic?: DynamicChoices;
  /** The fields of each item of an object list, for wrappers that build item forms (Make). */
  items?: Record<string, FieldMeta>;
}

export interface Field<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly meta: FieldMeta;
}

interface BaseOptions<R extends boolean> {
  label: string;
  help: string;
  in?: FieldLocation;
  required?: R;
  example?: unknown;
  default?: unknown;
  dynamic?: DynamicChoices;
}

type Opt<S extends z.ZodType, R extends boolean> = R extends true ? S : z.ZodOptional<S>;

function build<S extends z.ZodType, R extends boolean>(
  schema: S,
  kind: FieldKind,
  opts: BaseOptions<R>,
  extra: Partial<FieldMeta> = {},
): Field<Opt<S, R>> {
  const required = opts.required === true;
  const meta: FieldMeta = {
    label: opts.label,
    help: opts.help,
    in: opts.in ?? 'body',
    kind,
    required,
    ...(opts.example !== undefined ? { example: opts.example } : {}),
    ...(opts.default !== undefined ? { default: opts.default } : {}),
    ...(opts.dynamic ? { dynamic: opts.dynamic } : {}),
    ...extra,
  };
  const finalSchema = (required ? schema : schema.optional()) as Opt<S, R>;
  return { schema: finalSchema, meta };
}

/** E.164: a plus, a non-zero country digit, 7 to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** ISO 3166-1 alpha-2 codes, officially assigned. */
export const ISO_COUNTRIES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
    'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
    'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
    'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
    'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** ISO 8601 date-time with an offset or Z, or a plain calendar date. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

function isValidIsoDate(value: string): boolean {
  if (!ISO_8601.test(value)) return false;
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (m < 1 || m > 12 || d < 1) return false;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= daysInMonth && !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value));
}

/**
 * Numbers arrive as strings from query strings, CLI flags and form fields; accept a string
 * that is exactly a number, and nothing looser (no "", null or booleans coerced to 0/1).
 */
function numeric<S extends z.ZodNumber>(s: S): S {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v),
    s,
  ) as unknown as S;
}

export const field = {
  string<R extends boolean = false>(
    opts: BaseOptions<R> & { min?: number; max?: number; pattern?: RegExp; patternHelp?: string },
  ) {
    let s = z.string({ error: 'must be a string' });
    if (opts.min !== undefined) s = s.min(opts.min, { error: `must be at least ${opts.min} characters` });
    if (opts.max !== undefined) s = s.max(opts.max, { error: `must be at most ${opts.max} characters` });
    if (opts.pattern) s = s.regex(opts.pattern, { error: opts.patternHelp ?? `must match ${String(opts.pattern)}` });
    return build(s, 'string', opts, {
      ...(opts.min !== undefined ? { min: opts.min } : {}),
      ...(opts.max !== undefined ? { max: opts.max } : {}),
    });
  },

  /** An identifier used in a URL path: non-empty, no slashes, so it cannot escape its segment. */
  id<R extends boolean = false>(opts: BaseOptions<R>) {
    const s = z
      .string({ error: 'must be a string' })
      .min(1, { error: 'must not be empty' })
      .regex(/^[^/?#\s]+$/, { error: 'must not contain "/", "?", "#" or spaces' });
    return build(s, 'string', opts);
  },

  phone<R extends boolean = false>(opts: BaseOptions<R>) {
    const s = z
      .string({ error: 'must be a string' })
      .regex(E164, { error: 'must be an E.164 phone number: "+", country code and number, digits only (e.g. +15551234567)' });
    return build(s, 'phone', opts);
  },

  country<R extends boolean = false>(opts: BaseOptions<R>) {
    const s = z
      .string({ error: 'must be a string' })
      .refine((v) => ISO_COUNTRIES.has(v), { error: 'must be an ISO 3166-1 alpha-2 country code in capitals (e.g. NG, GH, US)' });
    return build(s, 'country', opts);
  },

  datetime<R extends boolean = false>(opts: BaseOptions<R>) {
    const s = z
      .string({ error: 'must be a string' })
      .refine(isValidIsoDate, { error: 'must be an ISO 8601 timestamp (e.g. 2025-01-15T10:30:00Z) or date (2025-01-15)' });
    return build(s, 'datetime', opts);
  },

  email<R extends boolean = false>(opts: BaseOptions<R>) {
    const s = z.string({ error: 'must be a string' }).regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: 'must be an email address' });
    return build(s, 'email', opts);
  },

  url<R extends boolean = false>(opts: BaseOptions<R>) {
    const s = z
      .string({ error: 'must be a string' })
      .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), { error: 'must be an http(s) URL' });
    return build(s, 'url', opts);
  },

  enum<const V extends readonly [string, ...string[]], R extends boolean = false>(values: V, opts: BaseOptions<R>) {
    const s = z.enum(values, { error: `must be one of: ${values.join(', ')}` });
    return build(s, 'enum', opts, { choices: values });
  },

  integer<R extends boolean = false>(opts: BaseOptions<R> & { min?: number; max?: number }) {
    let s = z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' });
    if (opts.min !== undefined) s = s.min(opts.min, { error: `must be at least ${opts.min}` });
    if (opts.max !== undefined) s = s.max(opts.max, { error: `must be at most ${opts.max}` });
    return build(numeric(s), 'integer', opts, {
      ...(opts.min !== undefined ? { min: opts.min } : {}),
      ...(opts.max !== undefined ? { max: opts.max } : {}),
    });
  },

  number<R extends boolean = false>(opts: BaseOptions<R> & { min?: number; max?: number }) {
    let s = z.number({ error: 'must be a number' });
    if (opts.min !== undefined) s = s.min(opts.min, { error: `must be at least ${opts.min}` });
    if (opts.max !== undefined) s = s.max(opts.max, { error: `must be at most ${opts.max}` });
    return build(numeric(s), 'number', opts, {
      ...(opts.min !== undefined ? { min: opts.min } : {}),
      ...(opts.max !== undefined ? { max: opts.max } : {}),
    });
  },

  boolean<R extends boolean = false>(opts: BaseOptions<R>) {
    return build(z.boolean({ error: 'must be true or false' }), 'boolean', opts);
  },

  stringList<R extends boolean = false>(opts: BaseOptions<R> & { queryFormat?: 'csv' | 'repeat'; min?: number; max?: number }) {
    let s = z.array(z.string({ error: 'must be a string' }), { error: 'must be a list of strings' });
    if (opts.min !== undefined) s = s.min(opts.min, { error: `must have at least ${opts.min} item(s)` });
    if (opts.max !== undefined) s = s.max(opts.max, { error: `must have at most ${opts.max} item(s)` });
    return build(s, 'string_list', opts, { queryFormat: opts.queryFormat ?? 'csv' });
  },

  enumList<const V extends readonly [string, ...string[]], R extends boolean = false>(
    values: V,
    opts: BaseOptions<R> & { min?: number },
  ) {
    let s = z.array(z.enum(values, { error: `must be one of: ${values.join(', ')}` }), {
      error: 'must be a list',
    });
    if (opts.min !== undefined) s = s.min(opts.min, { error: `must have at least ${opts.min} item(s)` });
    return build(s, 'enum_list', opts, { choices: values });
  },

  /** Free key/value pairs, e.g. Vyora's `custom_args`. */
  keyValue<R extends boolean = false>(opts: BaseOptions<R>) {
    const s = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]), {
      error: 'must be an object of key/value pairs',
    });
    return build(s, 'key_value', opts);
  },

  /** A list of objects, e.g. calls in a batch upload; `item` validates each. */
  objectList<I extends z.ZodType, R extends boolean = false>(
    item: I,
    opts: BaseOptions<R> & { min?: number; max?: number; itemFields?: Record<string, Field> },
  ) {
    let s = z.array(item, { error: 'must be a list' });
    if (opts.min !== undefined) s = s.min(opts.min, { error: `must have at least ${opts.min} item(s)` });
    if (opts.max !== undefined) s = s.max(opts.max, { error: `must have at most ${opts.max} item(s)` });
    const itemFields = opts.itemFields;
    return build(s, 'object_list', opts, {
      ...(opts.min !== undefined ? { min: opts.min } : {}),
      ...(opts.max !== undefined ? { max: opts.max } : {}),
      ...(itemFields ? { items: Object.fromEntries(Object.entries(itemFields).map(([k, f]) => [k, f.meta])) } : {}),
    });
  },

  /** Any JSON value the documents do not describe further (passed through untouched). */
  json<R extends boolean = false>(opts: BaseOptions<R>) {
    return build(z.json(), 'json', opts);
  },
};
