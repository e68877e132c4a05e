import http from 'node:http';
import https from 'node:https';

export interface PostResult {
  /** HTTP status, or null when no response arrived (refused, reset, timed out). */
  status: number | null;
  /** The response body, truncated; or why nothing arrived. */
  text: string;
  error?: string;
}

const MAX_TEXT = 2_000;

/**
 * POSTs raw bytes and waits for the answer. One connection per request (`agent: false`),
 * so a delivery leaves no pooled socket behind to hold a process or a test open.
 */
export function postRaw(url: string, body: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<PostResult> {
  return sendRaw('POST', url, body, headers, timeoutMs, { ...(signal ? { signal } : {}) });
}

/** Any method, as postRaw; `maxText` caps the answer kept (default 2,000 characters). */
export function sendRaw(
  method: string,
  url: string,
  body: string | undefined,
  headers: Record<string, string>,
  timeoutMs: number,
  options: { signal?: AbortSignal; maxText?: number } = {},
): Promise<PostResult> {
  const { signal, maxText = MAX_TEXT } = options;
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ status: null, text: '', error: `invalid URL` });
      return;
    }
    const lib = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
    if (!lib) {
      resolve({ status: null, text: '', error: `unsupported protocol ${target.protocol}` });
      return;
    }
    let settled = false;
    const finish = (r: PostResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = lib.request(
      target,
      {
        method,
        agent: false,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        ...(signal ? { signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < maxText) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => finish({ status: res.statusCode ?? null, text: Buffer.concat(chunks).toString('utf8').slice(0, maxText) }));
        res.on('error', (e) => finish({ status: res.statusCode ?? null, text: '', error: e.message }));
      },
    );
    const timer = setTimeout(() => {
      finish({ status: null, text: '', error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    timer.unref();
    req.on('error', (e) => finish({ status: null, text: '', error: e.message }));
    req.end(body);
  });
}
