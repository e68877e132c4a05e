import type { Context } from './command';
import { codeOf, CommandFailure, messageOf, UsageError } from './errors';
import { safeUrl } from './providers';

/**
 * The relay's `/v1` API as the admin commands and `listen` use it: where it is and the token,
 * from flags or RELAY_URL / RELAY_API_TOKEN, and its answers turned into results or failures a
 * person can act on.
 */
export const DEFAULT_RELAY_URL = 'http://127.0.0.1:8080';

export const RELAY_FLAGS = {
  relay: { type: 'string' },
  token: { type: 'string' },
} as const;

export interface RelayTarget {
  /** The relay's base URL without a trailing slash, e.g. http://127.0.0.1:8080. */
  url: string;
  token: string;
}

/** Where the relay is and how to sign in, from `--relay`/`--token` or the environment. */
export function relayTarget(ctx: Context, flags: { relay?: string | undefined; token?: string | undefined }): RelayTarget {
  const fromFlag = flags.relay !== undefined;
  const raw = (flags.relay ?? ctx.env['RELAY_URL'] ?? '').trim() || DEFAULT_RELAY_URL;
  const source = fromFlag ? '--relay' : 'RELAY_URL';
  if (!/^https?:\/\//i.test(raw) || !URL.canParse(raw)) {
    throw new UsageError(`${source} must be the relay's http(s) URL, e.g. ${DEFAULT_RELAY_URL}, got "${safeUrl(raw)}"`, { field: source });
  }
  const token = (flags.token ?? ctx.env['RELAY_API_TOKEN'] ?? '').trim();
  if (token === '') {
    throw new UsageError('no relay token: pass --token or set RELAY_API_TOKEN (the relay printed it at its first start)', {
      field: flags.token !== undefined ? '--token' : 'RELAY_API_TOKEN',
    });
  }
  ctx.addSecret(token);
  return { url: raw.replace(/\/+$/, ''), token };
}

/** The relay answered with an error: its code and message, and each field it named. */
export class RelayApiError extends CommandFailure {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string, hints: readonly string[]) {
    super(`the relay answered ${status} ${code}${message ? `: ${message}` : ''}`, hints);
    this.name = 'RelayApiError';
    this.status = status;
    this.code = code;
  }
}

/** The URL as given, without credentials or a trailing slash: what the person typed. */
export const shownUrl = (url: string): string => safeUrl(url).replace(/\/$/, '');

/** The system error code behind a failed fetch: ECONNREFUSED, ENOTFOUND, … */
function networkCode(e: unknown): string {
  const cause = typeof e === 'object' && e !== null ? (e as { cause?: unknown }).cause : undefined;
  const nested = typeof cause === 'object' && cause !== null ? (cause as { errors?: unknown[] }).errors?.[0] : undefined;
  return codeOf(cause) ?? codeOf(nested) ?? codeOf(e) ?? (cause !== undefined ? messageOf(cause) : messageOf(e));
}

export function unreachable(url: string, e: unknown): CommandFailure {
  const code = networkCode(e);
  const hints = code === 'ECONNREFUSED' ? ['Is the relay running? Start one with `callbridge relay`, or point --relay / RELAY_URL at yours.'] : [];
  return new CommandFailure(`could not reach the relay at ${shownUrl(url)} (${code})`, hints);
}

/** `target_url` → `--target-url`: the flag a relay's field error is about. */
export const flagOf = (field: string): string => `--${field.split('.')[0]?.replace(/_/g, '-') ?? field}`;

/** The relay's error answer as a failure: its code and message, and each field it named. */
export function errorFromBody(status: number, text: string): RelayApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) {
    const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    return new RelayApiError(status, `http_${status}`, excerpt || 'no error body', ['Is --relay / RELAY_URL the relay, not another server?']);
  }
  const e = error as { code?: unknown; message?: unknown; details?: unknown };
  const hints: string[] = [];
  if (Array.isArray(e.details)) {
    for (const d of e.details as Array<{ field?: unknown; message?: unknown }>) {
      if (typeof d.field === 'string' && typeof d.message === 'string') hints.push(`  ${d.field} (${flagOf(d.field)}): ${d.message}`);
    }
  }
  // The fields say it all, each with its flag: the message only repeats them.
  const message = hints.length > 0 ? '' : typeof e.message === 'string' ? e.message : '';
  if (status === 401) hints.push('Check --token / RELAY_API_TOKEN: it must be the relay admin token or a token from `callbridge tokens create`.');
  return new RelayApiError(status, typeof e.code === 'string' ? e.code : `http_${status}`, message, hints);
}

export type Query = Record<string, string | number | undefined>;

export class RelayClient {
  readonly target: RelayTarget;

  constructor(target: RelayTarget) {
    this.target = target;
  }

  url(path: string, query: Query = {}): string {
    const u = new URL(this.target.url + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /** One request; resolves the parsed JSON body (null for 204), throws RelayApiError or a network failure. */
  async request(method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.target.token}`, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.url(path, options.query), {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
    } catch (e) {
      throw unreachable(this.target.url, e);
    }
    const text = await res.text();
    if (res.status >= 400) throw errorFromBody(res.status, text);
    if (text === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new CommandFailure(`the relay at ${shownUrl(this.target.url)} answered ${res.status} with a body that is not JSON`);
    }
  }
}
