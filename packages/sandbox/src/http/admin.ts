import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROVIDER_IDS, type ProviderId } from '@callbridge/core';
import { FaultSpecError, type Fault } from '../support/faults';
import { queryRecord, readBody, sendJson } from './io';

/** What the admin endpoints can do; the running sandbox implements it. */
export interface AdminOps {
  info(): unknown;
  reset(seed: number | undefined): unknown;
  injectFault(provider: ProviderId, operation: string, fault: Fault): unknown;
  listFaults(): unknown;
  clearFaults(): void;
  getVyoraWebhook(): unknown;
  setVyoraWebhook(config: { url: string; secret: string; events?: string[] } | null): unknown;
  setVyoraCredits(credits: number): unknown;
  advanceCall(provider: 'vyora' | 'aila' | 'ayra', id: string, to: string | undefined): unknown;
  fastForward(): unknown;
  emitAila(event: string, data: unknown): unknown;
  deliveries(): unknown;
}

/** A refused admin request, naming the field. */
export class AdminInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status = 400,
  ) {
    super(`${field}: ${message}`);
    this.name = 'AdminInputError';
  }
}

function object(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AdminInputError('body', 'must be a JSON object');
  return body as Record<string, unknown>;
}

function optionalNumber(o: Record<string, unknown>, field: string): number | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new AdminInputError(field, 'must be a number');
  return v;
}

function requiredString(o: Record<string, unknown>, field: string): string {
  const v = o[field];
  if (typeof v !== 'string' || v === '') throw new AdminInputError(field, 'is required and must be a non-empty string');
  return v;
}

function provider(o: Record<string, unknown>): ProviderId {
  const v = o['provider'];
  if (typeof v !== 'string' || !(PROVIDER_IDS as readonly string[]).includes(v)) {
    throw new AdminInputError('provider', `must be one of: ${PROVIDER_IDS.join(', ')}`);
  }
  return v as ProviderId;
}

/**
 * The sandbox's own control surface under /_sandbox: the same things the library's
 * RunningSandbox offers, for tests and tools that only speak HTTP.
 */
export async function answerAdmin(ops: AdminOps, req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<number> {
  const method = (req.method ?? 'GET').toUpperCase();
  const route = `${method} ${path.replace(/\/+$/, '') || '/'}`;
  let status = 200;
  let out: unknown;
  try {
    const text = await readBody(req);
    let body: unknown;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        throw new AdminInputError('body', 'must be valid JSON');
      }
    }
    const o = (): Record<string, unknown> => object(body);
    const callMatch = /^POST \/(vyora|aila|ayra)\/(?:calls|executions)\/([^/]+)\/advance$/.exec(route);
    if (route === 'GET /') out = ops.info();
    else if (route === 'POST /reset') {
      const seed = optionalNumber(o(), 'seed');
      if (seed !== undefined && !Number.isInteger(seed)) throw new AdminInputError('seed', 'must be a whole number');
      out = ops.reset(seed);
    } else if (route === 'GET /faults') out = ops.listFaults();
    else if (route === 'POST /faults') {
      const b = o();
      const fault: Fault = {
        ...(b['status'] !== undefined ? { status: optionalNumber(b, 'status') as number } : {}),
        ...(b['body'] !== undefined ? { body: b['body'] } : {}),
        ...(b['times'] !== undefined ? { times: optionalNumber(b, 'times') as number } : {}),
        ...(b['delay_ms'] !== undefined ? { delayMs: optionalNumber(b, 'delay_ms') as number } : {}),
        ...(b['hang'] !== undefined ? { hang: b['hang'] as boolean } : {}),
      };
      status = 201;
      out = ops.injectFault(provider(b), requiredString(b, 'operation'), fault);
    } else if (route === 'DELETE /faults') {
      ops.clearFaults();
      out = { cleared: true };
    } else if (route === 'GET /vyora/webhook') out = ops.getVyoraWebhook();
    else if (route === 'PUT /vyora/webhook') {
      const b = o();
      const events = b['events'];
      if (events !== undefined && !(Array.isArray(events) && events.every((e) => typeof e === 'string'))) {
        throw new AdminInputError('events', 'must be a list of event names');
      }
      out = ops.setVyoraWebhook({ url: requiredString(b, 'url'), secret: requiredString(b, 'secret'), ...(events ? { events: events as string[] } : {}) });
    } else if (route === 'DELETE /vyora/webhook') out = ops.setVyoraWebhook(null);
    else if (route === 'PUT /vyora/credits') {
      const credits = optionalNumber(o(), 'credits');
      if (credits === undefined || !Number.isInteger(credits) || credits < 0) throw new AdminInputError('credits', 'must be a whole number of at least 0');
      out = ops.setVyoraCredits(credits);
    } else if (callMatch) {
      const to = o()['to'] ?? queryRecord(url.searchParams)['to'];
      if (to !== undefined && typeof to !== 'string') throw new AdminInputError('to', 'must be a stage name');
      out = ops.advanceCall(callMatch[1] as 'vyora' | 'aila' | 'ayra', decodeURIComponent(callMatch[2] as string), to);
    } else if (route === 'POST /fast-forward') out = ops.fastForward();
    else if (route === 'POST /aila/events') {
      const b = o();
      out = ops.emitAila(requiredString(b, 'event'), b['data'] ?? {});
    } else if (route === 'GET /deliveries') out = ops.deliveries();
    else throw new AdminInputError('path', `no admin endpoint ${route}; see GET /_sandbox`, 404);
  } catch (e) {
    if (e instanceof AdminInputError) {
      status = e.status;
      out = { error: { code: status === 404 ? 'not_found' : 'invalid_request', field: e.field, message: e.message } };
    } else if (e instanceof FaultSpecError) {
      status = 400;
      out = { error: { code: 'invalid_request', field: e.field, message: e.message } };
    } else {
      status = 500;
      out = { error: { code: 'internal_error', message: e instanceof Error ? e.message : String(e) } };
    }
  }
  sendJson(res, status, out);
  return status;
}
