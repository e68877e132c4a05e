import type { IncomingMessage } from 'node:http';

/**
 * A POST that declares `content-type: application/json` but carries no bytes (curl -X POST
 * -H 'content-type: application/json', many HTTP client defaults) has no body: it is not
 * malformed JSON. Forgetting the content type of such a request lets fastify hand the route
 * no body at all, so routes whose fields are all optional work, and routes that need a body
 * say which (`(body): must be a JSON object`). Runs before parsing, on the raw headers.
 */
export function treatEmptyBodyAsNone(raw: IncomingMessage): void {
  const headers = raw.headers;
  if (headers['content-type'] === undefined || headers['transfer-encoding'] !== undefined) return;
  const length = headers['content-length'];
  if (length === undefined || length === '0') delete headers['content-type'];
}
