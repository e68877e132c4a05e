import { createAppTester } from 'zapier-platform-core';

/**
 * Helpers for driving an app the way Zapier does and reading what it throws. Kept apart
 * from the nock setup (harness.ts) so a test against live local servers loads no mocks.
 */

export type AppTester = ReturnType<typeof createAppTester>;

export function tester(app: object): AppTester {
  return createAppTester(app);
}

/** What an AppError's JSON message holds. */
export interface ZapierAppError {
  name: string;
  message: string;
  code?: string;
  status?: number;
  delay?: number;
}

/** Reads a thrown Zapier error: AppError and ThrottledError carry JSON in their message. */
export function zapierError(e: unknown): ZapierAppError {
  if (!(e instanceof Error)) throw new Error(`expected an Error, got ${String(e)}`);
  try {
    const parsed = JSON.parse(e.message) as Record<string, unknown>;
    return {
      name: e.name,
      message: String(parsed['message'] ?? ''),
      ...(typeof parsed['code'] === 'string' ? { code: parsed['code'] } : {}),
      ...(typeof parsed['status'] === 'number' ? { status: parsed['status'] } : {}),
      ...(typeof parsed['delay'] === 'number' ? { delay: parsed['delay'] } : {}),
    };
  } catch {
    return { name: e.name, message: e.message };
  }
}

/** Runs `fn`, expecting it to throw, and returns the Zapier error it threw. */
export async function rejection(fn: () => Promise<unknown>): Promise<ZapierAppError> {
  let result: unknown;
  try {
    result = await fn();
  } catch (e) {
    return zapierError(e);
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
}

/** Zapier's view of webhook headers: `Http-` prefixed and title-cased. */
export function zapierHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const title = name
      .split('-')
      .map((p) => p.charAt(0).toUpperCase() + p.slice(1).toLowerCase())
      .join('-');
    out[`Http-${title}`] = value;
  }
  return out;
}

export const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** Every value under a key that names a date or time (`*_at`, `*_date`, `timestamp`), anywhere in a value. */
export function dateValues(value: unknown, path = ''): Array<{ path: string; value: unknown }> {
  const out: Array<{ path: string; value: unknown }> = [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...dateValues(v, `${path}[${i}]`)));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      if (/(_at|_date|^timestamp)$/.test(k) && (typeof v === 'string' || typeof v === 'number')) out.push({ path: p, value: v });
      else out.push(...dateValues(v, p));
    }
  }
  return out;
}

/** Runs an app's function by its path (`creates.calls_trigger.operation.perform`), as Zapier would. */
export type Runner = (path: string, bundle?: Record<string, unknown>) => Promise<unknown>;

export function lookup(app: object, path: string): unknown {
  let cur: unknown = app;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function runner(app: object): Runner {
  const appTester = createAppTester(app) as unknown as (fn: unknown, bundle: unknown) => Promise<unknown>;
  return (path, bundle = {}) => {
    const fn = lookup(app, path);
    if (typeof fn !== 'function') return Promise.reject(new Error(`${path} is not a function of the app`));
    return appTester(fn, bundle);
  };
}

interface Labelled {
  display: { label?: string };
}

/** `{ 'creates.calls_trigger': 'Trigger Call', … }` for the steps of an app. */
export function labels(app: { triggers?: Record<string, Labelled>; creates?: Record<string, Labelled>; searches?: Record<string, Labelled>; searchOrCreates?: Record<string, Labelled> }): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const kind of ['triggers', 'creates', 'searches', 'searchOrCreates'] as const) {
    for (const [key, step] of Object.entries(app[kind] ?? {})) out[`${kind}.${key}`] = step.display.label;
  }
  return out;
}
