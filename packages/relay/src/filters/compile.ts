import safeRegex from 'safe-regex2';
import {
  $all,
  $and,
  $elemMatch,
  $eq,
  $exists,
  $gt,
  $gte,
  $in,
  $lt,
  $lte,
  $ne,
  $nin,
  $nor,
  $not,
  $options,
  $or,
  $regex,
  $size,
  createQueryTester,
} from 'sift';

/**
 * Subscription filters: a MongoDB-style query over the delivery body
 * (`{"data.analysis.classification": "Interested"}`), evaluated with sift. A filter is
 * checked here once, when it is saved, and compiled once per subscription, never per event.
 * Only the operators the relay documents are known to sift here, so `$where` (code) and
 * `$type`/`$mod` are refused twice over: by the check below with a message naming them,
 * and by sift itself, which is given no other operation.
 */
export const MAX_FILTER_BYTES = 4096;
export const MAX_FILTER_DEPTH = 8;
const MAX_REGEX_LENGTH = 256;

const OPERATIONS = {
  $eq,
  $ne,
  $in,
  $nin,
  $gt,
  $gte,
  $lt,
  $lte,
  $exists,
  $regex,
  $options,
  $and,
  $or,
  $nor,
  $not,
  $elemMatch,
  $size,
  $all,
};

export const FILTER_OPERATORS: readonly string[] = Object.keys(OPERATIONS).filter((k) => k !== '$options');

export interface CompiledFilter {
  /** The filter as canonical JSON text (how storage keeps it). */
  readonly text: string;
  matches(body: unknown): boolean;
}

export type FilterCheck = { ok: true; filter: CompiledFilter } | { ok: false; message: string };

/** Keys that would reach an object's prototype chain when a path is followed. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const LOGICAL = new Set(['$and', '$or', '$nor']);
const REGEX_FLAGS = /^[ims]*$/;

type Problem = string | null;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function regexProblem(pattern: unknown, options: unknown, at: string): Problem {
  if (typeof pattern !== 'string') return `${at}.$regex must be a string`;
  if (pattern.length > MAX_REGEX_LENGTH) return `${at}.$regex is over ${MAX_REGEX_LENGTH} characters`;
  if (options !== undefined && (typeof options !== 'string' || !REGEX_FLAGS.test(options))) {
    return `${at}.$options must be made of the flags i, m and s`;
  }
  try {
    // sift builds the RegExp itself; building it here catches a bad pattern with a message.
    new RegExp(pattern, typeof options === 'string' ? options : undefined);
  } catch (e) {
    return `${at}.$regex is not a valid regular expression (${(e as Error).message})`;
  }
  if (!safeRegex(pattern)) return `${at}.$regex could take exponential time (nested repetition); simplify it`;
  return null;
}

/** Checks one value of the query: a literal, or an object of operators, or a nested document. */
function valueProblem(value: unknown, at: string, depth: number): Problem {
  if (depth > MAX_FILTER_DEPTH) return `is nested deeper than ${MAX_FILTER_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = literalProblem(value[i], `${at}.${i}`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (!isPlainObject(value)) return literalProblem(value, at, depth);
  const keys = Object.keys(value);
  const operators = keys.filter((k) => k.startsWith('$'));
  if (operators.length === 0) return literalProblem(value, at, depth);
  if (operators.length !== keys.length) return `${at} mixes operators and fields; use one or the other`;
  for (const op of keys) {
    const arg = value[op];
    const where = `${at}.${op}`;
    if (op === '$options') {
      if (!('$regex' in value)) return `${where} is only allowed beside $regex`;
      continue;
    }
    if (!(op in OPERATIONS) || LOGICAL.has(op)) return `${where}: ${op} is not a filter operator here; known: ${FILTER_OPERATORS.join(' ')}`;
    let p: Problem = null;
    switch (op) {
      case '$regex':
        p = regexProblem(arg, value['$options'], at);
        break;
      case '$in':
      case '$nin':
      case '$all':
        p = Array.isArray(arg) ? valueProblem(arg, where, depth + 1) : `${where} must be a list`;
        break;
      case '$exists':
        p = typeof arg === 'boolean' ? null : `${where} must be true or false`;
        break;
      case '$size':
        p = Number.isInteger(arg) && (arg as number) >= 0 ? null : `${where} must be a whole number`;
        break;
      case '$elemMatch':
        // Either operators on the elements themselves ({"$gte": 80}) or a query over each element.
        if (!isPlainObject(arg)) p = `${where} must be an object`;
        else if (Object.keys(arg).length > 0 && Object.keys(arg).every((k) => k.startsWith('$') && !LOGICAL.has(k))) {
          p = valueProblem(arg, where, depth + 1);
        } else p = queryProblem(arg, where, depth + 1);
        break;
      case '$not':
        p = isPlainObject(arg) ? valueProblem(arg, where, depth + 1) : `${where} must be an object of operators`;
        if (!p && isPlainObject(arg) && !Object.keys(arg).every((k) => k.startsWith('$'))) p = `${where} must be an object of operators`;
        break;
      default:
        p = literalProblem(arg, where, depth + 1);
    }
    if (p) return p;
  }
  return null;
}

/** A value compared as it is: JSON scalars, lists and documents, with no operator inside. */
function literalProblem(value: unknown, at: string, depth: number): Problem {
  if (depth > MAX_FILTER_DEPTH) return `is nested deeper than ${MAX_FILTER_DEPTH} levels`;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${at} must be a finite number`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = literalProblem(value[i], `${at}.${i}`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('$')) return `${at}.${k}: operators cannot appear inside a value; put them at the field`;
      if (FORBIDDEN_KEYS.has(k)) return `${at}.${k} is not an allowed key`;
      const p = literalProblem(v, `${at}.${k}`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  return `${at} must be JSON (string, number, boolean, null, list or object)`;
}

/** Checks a query document: field paths to values, and $and/$or/$nor of query documents. */
function queryProblem(query: Record<string, unknown>, at: string, depth: number): Problem {
  if (depth > MAX_FILTER_DEPTH) return `is nested deeper than ${MAX_FILTER_DEPTH} levels`;
  for (const [key, value] of Object.entries(query)) {
    const where = at ? `${at}.${key}` : key;
    if (key.startsWith('$')) {
      if (!LOGICAL.has(key)) {
        return key === '$where'
          ? '$where (JavaScript) is not allowed; use field operators'
          : `${key} is not allowed at the top of a query; known there: $and $or $nor`;
      }
      if (!Array.isArray(value) || value.length === 0) return `${where} must be a non-empty list of queries`;
      for (let i = 0; i < value.length; i++) {
        const q: unknown = value[i];
        if (!isPlainObject(q)) return `${where}.${i} must be an object`;
        const p = queryProblem(q, `${where}.${i}`, depth + 1);
        if (p) return p;
      }
      continue;
    }
    if (key === '' || key.split('.').some((part) => part === '' || FORBIDDEN_KEYS.has(part))) {
      return `"${key}" is not a usable field path (dotted names, no empty parts, no __proto__/constructor/prototype)`;
    }
    const p = valueProblem(value, where, depth + 1);
    if (p) return p;
  }
  return null;
}

const cache = new Map<string, CompiledFilter>();
const CACHE_MAX = 10_000;

/**
 * Checks and compiles a filter. `raw` is the parsed JSON a user sent (or storage's text,
 * parsed). The message of a refusal names what is wrong; the caller prefixes `filter`.
 */
export function compileFilter(raw: unknown): FilterCheck {
  if (!isPlainObject(raw)) return { ok: false, message: 'must be a JSON object (a MongoDB-style query), e.g. {"data.duration_seconds": {"$gte": 30}}' };
  const text = JSON.stringify(raw);
  if (Buffer.byteLength(text) > MAX_FILTER_BYTES) return { ok: false, message: `is over ${MAX_FILTER_BYTES} bytes as JSON` };
  const cached = cache.get(text);
  if (cached) return { ok: true, filter: cached };
  const problem = queryProblem(raw, '', 1);
  if (problem) return { ok: false, message: problem };
  let test: (item: unknown) => boolean;
  try {
    test = createQueryTester(raw, { operations: OPERATIONS });
  } catch (e) {
    return { ok: false, message: `could not be compiled: ${(e as Error).message}` };
  }
  const filter: CompiledFilter = {
    text,
    matches: (body) => {
      try {
        return test(body);
      } catch {
        // A filter that throws on some body (an odd type met by an operator) matches nothing.
        return false;
      }
    },
  };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(text, filter);
  return { ok: true, filter };
}

/** Compiles stored filter text; a filter that was valid when saved stays valid. */
export function compileStoredFilter(text: string): CompiledFilter | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const r = compileFilter(parsed);
  return r.ok ? r.filter : null;
}
