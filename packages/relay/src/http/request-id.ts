import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Request ids: the caller's `x-request-id` when it is a sane token (so a trace crosses the
 * relay), else a process prefix and a counter, which costs nothing on the hot path.
 */
const prefix = randomBytes(4).toString('hex');
let counter = 0;

export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given)) return given;
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${counter.toString(36)}`;
}
