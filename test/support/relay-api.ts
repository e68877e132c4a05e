/** The relay's `/v1` API as a journey calls it: JSON in, status and parsed JSON out. */

export interface ApiAnswer {
  status: number;
  body: unknown;
  text: string;
}

export interface RelayApi {
  request(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** Like request, but a status other than `expect` is an error quoting the relay's answer. */
  must(method: string, path: string, body: unknown, expect: number): Promise<Record<string, unknown>>;
}

export function relayApi(url: string, token: string): RelayApi {
  const request = async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : (JSON.parse(text) as unknown);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, text };
  };
  return {
    request,
    must: async (method, path, body, expect) => {
      const res = await request(method, path, body);
      if (res.status !== expect) throw new Error(`${method} ${path} answered ${res.status}, expected ${expect}: ${res.text.slice(0, 500)}`);
      return (res.body ?? {}) as Record<string, unknown>;
    },
  };
}

/** A nested value of parsed JSON, by dotted path, without `any`. */
export function at(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
