import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminInputError } from './admin-input';
import { ADMIN_PREFIX, ADMIN_ROUTES, type AdminAnswer, type AdminOps, type AdminRoute } from './admin-routes';
import { BodyTooLarge, queryRecord, readBody, sendJson } from './io';
import { matchSegments, splitPath } from './routes';

export { AdminInputError } from './admin-input';
export type { AdminOps } from './admin-routes';

interface CompiledRoute {
  route: AdminRoute;
  segments: string[];
}

const COMPILED: readonly CompiledRoute[] = ADMIN_ROUTES.map((route) => ({ route, segments: splitPath(route.path) }));

type Resolution = { route: AdminRoute; params: Record<string, string> } | { allowed: string[] } | undefined;

/** The route for a method and path; else the methods the path does take (405), or nothing (404). */
export function resolveAdmin(method: string, path: string): Resolution {
  const parts = splitPath(path);
  const allowed: string[] = [];
  for (const c of COMPILED) {
    const params = matchSegments(c.segments, parts);
    if (!params) continue;
    if (c.route.method === method) return { route: c.route, params };
    if (!allowed.includes(c.route.method)) allowed.push(c.route.method);
  }
  return allowed.length > 0 ? { allowed } : undefined;
}

/**
 * Whether the client would rather read text/plain than JSON, by the Accept header's
 * q-values. Only an explicit text/plain (or text/*) wins: curl's and browsers' wildcards keep JSON.
 */
export function prefersText(accept: string | undefined): boolean {
  if (!accept) return false;
  let text = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q)) continue;
    if (type === 'text/plain' || type === 'text/*') text = Math.max(text, q);
    else if (type === 'application/json') json = Math.max(json, q);
  }
  return text > json;
}

function errorAnswer(e: AdminInputError): AdminAnswer & { headers: Record<string, string> } {
  const code = { 404: 'not_found', 405: 'method_not_allowed', 409: 'conflict' }[e.status] ?? 'invalid_request';
  // A wrong path or method is about the whole request: the message reads better without the field's name in front.
  const message = e.field === 'path' || e.field === 'method' ? e.reason : e.message;
  return { status: e.status, body: { error: { code, field: e.field, message } }, headers: e.headers };
}

/**
 * The sandbox's own control surface under /_sandbox: the same things the library's
 * RunningSandbox offers, for tests and tools that only speak HTTP. `path` is below the prefix.
 */
export async function answerAdmin(ops: AdminOps, req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<number> {
  const method = (req.method ?? 'GET').toUpperCase();
  let answer: AdminAnswer;
  let headers: Record<string, string> = {};
  try {
    const text = await readBody(req);
    const found = resolveAdmin(method, path);
    const shownPath = `${ADMIN_PREFIX}${path === '/' ? '' : path}`;
    if (!found) throw new AdminInputError('path', `no admin route ${shownPath}; GET ${ADMIN_PREFIX} lists them all`, 404);
    if ('allowed' in found) {
      throw new AdminInputError('method', `${shownPath} takes ${found.allowed.join(' or ')}, not ${method}; GET ${ADMIN_PREFIX} lists every route`, 405, {
        Allow: found.allowed.join(', '),
      });
    }
    let body: unknown;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        throw new AdminInputError('body', 'must be valid JSON');
      }
    }
    answer = found.route.run(ops, { params: found.params, body, query: queryRecord(url.searchParams) });
  } catch (e) {
    if (e instanceof AdminInputError) ({ headers, ...answer } = errorAnswer(e));
    else if (e instanceof BodyTooLarge) answer = { status: 413, body: { error: { code: 'payload_too_large', field: 'body', message: e.message } } };
    else answer = { status: 500, body: { error: { code: 'internal_error', message: e instanceof Error ? e.message : String(e) } } };
  }
  if (answer.text !== undefined && prefersText(req.headers.accept)) {
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(answer.status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(answer.text)) });
      res.end(answer.text);
    }
  } else sendJson(res, answer.status, answer.body, headers);
  return answer.status;
}
