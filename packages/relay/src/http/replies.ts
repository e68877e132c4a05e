import type { ServerResponse } from 'node:http';

/**
 * One error shape on every route: `{"error":{"code","message","details"?}}`, the same
 * shape core's provider errors are normalized to, so a caller handles one form.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, details?: unknown, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

export function errorBody(code: string, message: string, details?: unknown): { error: Record<string, unknown> } {
  return { error: { code, message, ...(details !== undefined ? { details } : {}) } };
}

/** Writes a JSON reply on a plain node:http response (the ingest path runs outside fastify). */
export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}
