/**
 * The relay's `/v1` API as the console uses it: the wire objects (snake_case, as in the
 * relay's contract) and one fetch wrapper that sends the token in the Authorization header
 * and turns every error body `{"error":{code,message,details}}` into an ApiError.
 */
export interface FieldIssue {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: FieldIssue[];

  constructor(status: number, code: string, message: string, details: FieldIssue[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface RelayEvent {
  id: string;
  type: string;
  provider: string;
  /** Absent on relays from before sources. */
  source?: string;
  created_at: string;
  received_at?: string | null;
  test?: boolean;
  data: unknown;
}

export type DeliveryState = 'pending' | 'succeeded' | 'dead' | 'cancelled';

export interface Delivery {
  id: number;
  event_id: string;
  type: string;
  provider: string;
  source?: string;
  subscription_id: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface Attempt {
  delivery_id: number;
  subscription_id: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  status: number | null;
  outcome: string;
  error: string | null;
  response_body: string | null;
}

export interface EventDetail extends RelayEvent {
  deliveries: Delivery[];
  attempts: Attempt[];
}

export interface Subscription {
  id: string;
  secret?: string;
  target_url: string;
  events: string[];
  headers: Record<string, string>;
  description?: string | null;
  status: 'active' | 'disabled';
  disabled_reason?: string | null;
  filter?: unknown;
  rate_limit_per_second?: number | null;
  sources?: string[] | null;
  previous_secret_expires_at?: string | null;
  created_at: string;
  updated_at?: string;
}

export interface Source {
  id: string;
  provider: string;
  name: string;
  hook_url: string;
  base_url: string | null;
  organization_id: string | null;
  has_api_key: boolean;
  has_webhook_secret: boolean;
  managed_by: 'api' | 'environment';
  created_at: string;
  updated_at: string;
}

export interface Token {
  id: string;
  name: string;
  sources: string[];
  created_at: string;
  last_used_at: string | null;
}

export interface CreatedToken extends Omit<Token, 'last_used_at'> {
  token: string;
}

export interface Me {
  kind: 'admin' | 'scoped';
  id: string | null;
  name: string | null;
  sources: string[] | null;
  /** Set by the console when the relay has no `/v1/me` (it predates scoped tokens): the token is the admin's. */
  assumed?: boolean;
}

export interface StatsMinute {
  t: string;
  received: number;
  delivered: number;
  failed: number;
  dead: number;
}

export interface Stats {
  minutes: StatsMinute[];
  pending: number;
  dead: number;
}

export type Query = Record<string, string | number | null | undefined>;

/** Where the API is: the console is served at <relay>/console/, the API at <relay>/v1. */
export function apiUrl(path: string, query: Query = {}): URL {
  const url = new URL(path.replace(/^\//, ''), new URL('../', document.baseURI));
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  return url;
}

export interface Api {
  readonly token: string;
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  del(path: string): Promise<void>;
}

function asIssues(raw: unknown): FieldIssue[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (d): d is FieldIssue => typeof d === 'object' && d !== null && typeof (d as FieldIssue).field === 'string' && typeof (d as FieldIssue).message === 'string',
  );
}

/** The ApiError for a non-2xx answer, from its error body when it has one. */
export async function errorFrom(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const e = body.error;
    if (e && typeof e.message === 'string') {
      return new ApiError(res.status, typeof e.code === 'string' ? e.code : 'error', e.message, asIssues(e.details));
    }
  } catch {
    // not JSON: fall through to the status line
  }
  return new ApiError(res.status, 'http_error', `the relay answered ${res.status} ${res.statusText}`.trim());
}

export function authHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * An API client for one token. `onUnauthorized` runs when the relay refuses the token (revoked,
 * or the relay's admin token changed), so the console can sign out instead of failing view by view.
 */
export function createApi(token: string, onUnauthorized: (message: string) => void): Api {
  async function call<T>(method: string, path: string, query: Query | undefined, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { ...authHeaders(token), accept: 'application/json' };
    const init: RequestInit = { method, headers, cache: 'no-store', credentials: 'omit' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(apiUrl(path, query), init);
    } catch (e) {
      const reason = e instanceof TypeError && /header/i.test(e.message) ? 'the token holds characters a header cannot carry' : 'the relay did not answer';
      throw new ApiError(0, 'network_error', `${method} ${path}: ${reason}`);
    }
    if (res.status === 401) {
      const err = await errorFrom(res);
      onUnauthorized(err.message);
      throw err;
    }
    if (!res.ok) throw await errorFrom(res);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    token,
    get: (path, query) => call('GET', path, query),
    post: (path, body) => call('POST', path, undefined, body ?? {}),
    patch: (path, body) => call('PATCH', path, undefined, body),
    del: (path) => call('DELETE', path, undefined),
  };
}

/**
 * Who the token is. A relay from before scoped tokens answers 404 for `/v1/me`: its only token
 * is the admin's, so the console checks the token on a route every relay has and treats it as admin.
 */
export async function whoAmI(api: Api): Promise<Me> {
  try {
    return await api.get<Me>('v1/me');
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
  }
  await api.get<Page<Subscription>>('v1/subscriptions', { limit: 1 });
  return { kind: 'admin', id: null, name: null, sources: null, assumed: true };
}
