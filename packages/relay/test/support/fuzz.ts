import http from 'node:http';

/**
 * Shared by the fuzz suites. Runs per property: CALLBRIDGE_FUZZ_RUNS when set (e.g. 2000
 * for a long hunt), else the suite's own bounded default, which keeps `npm test` quick.
 */
export function fuzzRuns(fallback: number): number {
  const raw = process.env['CALLBRIDGE_FUZZ_RUNS'];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`CALLBRIDGE_FUZZ_RUNS must be a whole number of runs, got "${raw}"`);
  return n;
}

/** A timeout scaled to the runs, for suites told to run many more cases than their default. */
export function fuzzTimeout(runs: number, perRunMs: number, minimumMs: number): number {
  return Math.max(minimumMs, runs * perRunMs);
}

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** Send the body in two writes without content-length (chunked). */
  chunked?: boolean;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
}

/** Sends exactly this request (path, method and bytes as given) and reads the whole answer. */
export function send(base: string, r: RawRequest, agent?: http.Agent): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...r.headers };
    // Always framed: node sends a GET's body unframed unless told it is chunked.
    if (r.chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = String(r.body.length);
    const req = http.request({ host: hostname, port, method: r.method, path: r.path, headers, ...(agent ? { agent } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text) as unknown;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer to ${r.method} ${r.path} within 15 s`)));
    req.on('error', reject);
    if (r.chunked && r.body.length > 1) {
      req.write(r.body.subarray(0, r.body.length >> 1));
      req.end(r.body.subarray(r.body.length >> 1));
    } else req.end(r.body);
  });
}

/** The error code of an answer in the relay's error shape, or undefined. */
export function errorCode(a: RawAnswer): string | undefined {
  const e = (a.json as { error?: { code?: unknown } } | undefined)?.error;
  return typeof e?.code === 'string' ? e.code : undefined;
}
