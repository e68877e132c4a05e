import { ApiFailure, BadInput } from '../../support/failure';
import { bodyObject, readDate, readEmail, readEnum, readKeyValue, readNumber, readPhone, readString, readUrl, type Source } from '../../support/input';
import { offsetOf, pageSize } from '../../support/paging';
import { iso, type Caller, type Handler, type HandlerContext } from '../types';
import { AILA_EVENTS, ailaOf, type AilaCall, type AilaContact, type AilaEvent, type AilaState, type AilaWebhook } from './data';
import { emitAila, startProcessing } from './events';

const LIMIT_DEFAULT = 50;
const LIMIT_MAX = 100;
const BATCH_MAX = 100;

const ok = (data: unknown, meta?: Record<string, unknown>): Record<string, unknown> => ({ success: true, data, ...(meta ? { meta } : {}) });

function requireWrite(caller: Caller): void {
  if (caller.readOnly) throw new ApiFailure(403, 'FORBIDDEN', 'Insufficient permissions: this API key is read-only', { required: 'write' });
}

/** The data of the organization the caller's key belongs to. */
function orgOf(ctx: HandlerContext): AilaState {
  return ailaOf(ctx.runtime.world.aila, ctx.runtime.aila.forKey(ctx.caller.key).id);
}

function notFound(what: string, id: string | undefined): ApiFailure {
  return new ApiFailure(404, 'NOT_FOUND', `${what} not found`, { id: id ?? null });
}

/** `{success, data, meta: {page, limit, total}}`, limit capped at 100. */
function page<T>(ctx: HandlerContext, items: readonly T[], view: (t: T) => unknown): Record<string, unknown> {
  const limit = pageSize(ctx.query, 'limit', LIMIT_DEFAULT, LIMIT_MAX);
  const offset = offsetOf(ctx.query, 'offset');
  return ok(items.slice(offset, offset + limit).map(view), { page: Math.floor(offset / limit) + 1, limit, total: items.length });
}

function callSummary(c: AilaCall): Record<string, unknown> {
  return {
    id: c.id,
    user_id: c.user_id,
    contact_id: c.contact_id,
    direction: c.direction,
    phone_number: c.phone_number,
    status: c.status,
    duration_seconds: c.duration_seconds,
    started_at: c.started_at,
    recording_url: c.recording_url,
  };
}

function callDetail(c: AilaCall): Record<string, unknown> {
  return {
    ...callSummary(c),
    ...(c.metadata ? { metadata: c.metadata } : {}),
    ...c.extra,
    transcript: c.transcript,
    analysis: c.analysis,
    quality: c.overall_score === null ? null : { overall_score: c.overall_score },
  };
}

function contactView(c: AilaContact): Record<string, unknown> {
  return { id: c.id, name: c.name, email: c.email, phone: c.phone, company: c.company, created_at: c.created_at, updated_at: c.updated_at, ...c.extra };
}

/** A date range from the query; a plain end date covers its whole day. */
function dateRange(q: Source): { start: number | undefined; end: number | undefined } {
  const start = readDate(q, 'start_date');
  let end = readDate(q, 'end_date');
  if (end !== undefined && q['end_date']?.toString().length === 10) end += 86_400_000 - 1;
  if (start !== undefined && end !== undefined && start > end) throw new BadInput('end_date', 'must be a date on or after start_date');
  return { start, end };
}

function within(t: string | null, range: { start: number | undefined; end: number | undefined }): boolean {
  if (range.start === undefined && range.end === undefined) return true;
  if (t === null) return false;
  const v = Date.parse(t);
  return (range.start === undefined || v >= range.start) && (range.end === undefined || v <= range.end);
}

const byStartDesc = (a: AilaCall, b: AilaCall): number =>
  Date.parse(b.started_at ?? b.created_at) - Date.parse(a.started_at ?? a.created_at) || a.id.localeCompare(b.id);

const callsList: Handler = (ctx) => {
  const range = dateRange(ctx.query);
  const userId = readString(ctx.query, 'user_id', { min: 1 });
  const items = orgOf(ctx).calls
    .filter((c) => within(c.started_at, range) && (userId === undefined || c.user_id === userId))
    .sort(byStartDesc);
  return { body: page(ctx, items, callSummary) };
};

function findCall(ctx: HandlerContext): AilaCall {
  const id = ctx.params['call_id'];
  const call = orgOf(ctx).calls.find((c) => c.id === id);
  if (!call) throw notFound('Call', id);
  return call;
}

const callsGet: Handler = (ctx) => ({ body: ok(callDetail(findCall(ctx))) });

const callsQuality: Handler = (ctx) => {
  const call = findCall(ctx);
  if (call.overall_score === null || call.checklist === null) {
    throw new ApiFailure(404, 'NOT_FOUND', `Quality scores are not available: the call is ${call.status}`, { id: call.id, status: call.status });
  }
  return { body: ok({ call_id: call.id, overall_score: call.overall_score, checklist: call.checklist }) };
};

const UPLOAD_FIELDS = ['recording_url', 'user_id', 'contact_id', 'phone_number', 'direction', 'started_at', 'duration_seconds', 'metadata'];

/** Reads one recording to process; `at` prefixes field names inside a batch (`calls.3.`). */
function readUpload(state: AilaState, item: Source, at: string, ctx: HandlerContext): AilaCall {
  const named = (f: string): string => `${at}${f}`;
  const rename = <T>(read: () => T): T => {
    try {
      return read();
    } catch (e) {
      if (e instanceof BadInput && at) throw new BadInput(named(e.field), e.rule);
      throw e;
    }
  };
  const recording_url = rename(() => readUrl(item, 'recording_url', true) as string);
  const user_id = rename(() => readString(item, 'user_id', { min: 1 })) ?? null;
  const contact_id = rename(() => readString(item, 'contact_id', { min: 1 })) ?? null;
  const phone_number = rename(() => readPhone(item, 'phone_number')) ?? null;
  const direction = rename(() => readEnum(item, 'direction', ['inbound', 'outbound'] as const)) ?? null;
  const startedAt = rename(() => readDate(item, 'started_at'));
  const duration = rename(() => readNumber(item, 'duration_seconds', { integer: true, min: 0 })) ?? null;
  const metadata = rename(() => readKeyValue(item, 'metadata')) ?? null;
  if (user_id !== null && !state.users.some((u) => u.id === user_id)) throw new BadInput(named('user_id'), 'must be the id of a team member in this organization');
  if (contact_id !== null && !state.contacts.some((c) => c.id === contact_id)) throw new BadInput(named('contact_id'), 'must be the id of an existing contact');
  const taken = new Set(state.calls.map((c) => c.id));
  let id = `call_${ctx.runtime.world.ids.alnum(6)}`;
  while (taken.has(id)) id = `call_${ctx.runtime.world.ids.alnum(6)}`;
  const extra = Object.fromEntries(Object.entries(item).filter(([k]) => !UPLOAD_FIELDS.includes(k) && !['id', 'status'].includes(k)));
  return {
    id,
    user_id,
    contact_id,
    direction,
    phone_number,
    status: 'queued',
    duration_seconds: duration,
    started_at: startedAt === undefined ? null : iso(startedAt),
    recording_url,
    created_at: iso(ctx.now),
    metadata,
    transcript: null,
    analysis: null,
    overall_score: null,
    checklist: null,
    extra,
  };
}

function queued(c: AilaCall): Record<string, unknown> {
  return { id: c.id, status: c.status, recording_url: c.recording_url, created_at: c.created_at };
}

const callsUpload: Handler = (ctx) => {
  requireWrite(ctx.caller);
  const state = orgOf(ctx);
  const call = readUpload(state, bodyObject(ctx.body), '', ctx);
  state.calls.push(call);
  startProcessing(ctx.runtime, state, call);
  return { status: 201, body: ok(queued(call)) };
};

const callsBatchUpload: Handler = (ctx) => {
  requireWrite(ctx.caller);
  const body = bodyObject(ctx.body);
  const items = body['calls'];
  if (!Array.isArray(items)) throw new BadInput('calls', 'must be a list of 1 to 100 calls');
  if (items.length < 1 || items.length > BATCH_MAX) throw new BadInput('calls', `must hold 1 to ${BATCH_MAX} calls (got ${items.length})`);
  const state = orgOf(ctx);
  const accepted: AilaCall[] = [];
  const errors: Array<{ index: number; field: string; message: string }> = [];
  items.forEach((item, index) => {
    try {
      const call = readUpload(state, bodyObject(item), `calls.${index}.`, ctx);
      state.calls.push(call);
      accepted.push(call);
    } catch (e) {
      if (!(e instanceof BadInput)) throw e;
      const field = e.field === 'body' ? `calls.${index}` : e.field;
      errors.push({ index, field, message: `${field} ${e.rule}` });
    }
  });
  if (accepted.length === 0) {
    const first = errors[0] as { field: string; message: string };
    throw new ApiFailure(400, 'VALIDATION_ERROR', `No call in the batch was valid: ${first.message}`, { field: first.field, errors });
  }
  for (const call of accepted) startProcessing(ctx.runtime, state, call);
  return {
    status: 201,
    body: ok({
      batch_id: `batch_${ctx.runtime.world.ids.alnum(4)}`,
      accepted: accepted.length,
      rejected: errors.length,
      calls: accepted.map((c) => ({ id: c.id, status: c.status, recording_url: c.recording_url })),
      ...(errors.length ? { errors } : {}),
    }),
  };
};

const contactsList: Handler = (ctx) => {
  const items = [...orgOf(ctx).contacts].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { body: page(ctx, items, contactView) };
};

function findContact(ctx: HandlerContext): AilaContact {
  const id = ctx.params['contact_id'];
  const c = orgOf(ctx).contacts.find((x) => x.id === id);
  if (!c) throw notFound('Contact', id);
  return c;
}

const contactsGet: Handler = (ctx) => ({ body: ok(contactView(findContact(ctx))) });

const contactsUpdate: Handler = (ctx) => {
  requireWrite(ctx.caller);
  const body = bodyObject(ctx.body);
  const contact = findContact(ctx);
  if (Object.keys(body).length === 0) throw new BadInput('body', 'must give at least one field to change');
  const name = readString(body, 'name', { min: 1 });
  const email = readEmail(body, 'email');
  const phone = readPhone(body, 'phone');
  const company = readString(body, 'company');
  const known = ['name', 'email', 'phone', 'company', 'id', 'created_at', 'updated_at'];
  Object.assign(contact, {
    ...(name !== undefined ? { name } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(phone !== undefined ? { phone } : {}),
    ...(company !== undefined ? { company } : {}),
    updated_at: iso(ctx.now),
  });
  Object.assign(contact.extra, Object.fromEntries(Object.entries(body).filter(([k]) => !known.includes(k))));
  return { body: ok(contactView(contact)) };
};

const teamMetrics: Handler = (ctx) => {
  const range = dateRange(ctx.query);
  const state = orgOf(ctx);
  const raw = readString(ctx.query, 'user_ids');
  const ids = raw === undefined ? undefined : raw.split(',').map((s) => s.trim());
  if (ids?.some((id) => id === '')) throw new BadInput('user_ids', 'must be a comma-separated list of user ids without empty items');
  const unknown = ids?.find((id) => !state.users.some((u) => u.id === id));
  if (unknown !== undefined) throw new BadInput('user_ids', `must name team members of this organization ("${unknown}" is not one)`);
  const members = state.users
    .filter((u) => ids === undefined || ids.includes(u.id))
    .map((u) => {
      const calls = state.calls.filter((c) => c.user_id === u.id && c.status === 'processed' && within(c.started_at, range));
      const scores = calls.map((c) => c.overall_score ?? 0);
      return {
        user_id: u.id,
        name: u.name,
        calls: calls.length,
        talk_time_seconds: calls.reduce((s, c) => s + (c.duration_seconds ?? 0), 0),
        average_quality_score: scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 10) / 10 : null,
      };
    });
  return { body: ok({ start_date: ctx.query['start_date'] ?? null, end_date: ctx.query['end_date'] ?? null, members }) };
};

/** The organization in the path must be the key's own; another's is a permissions problem. */
function ownOrganization(ctx: HandlerContext): AilaState {
  const state = orgOf(ctx);
  const org = ctx.params['organization_id'];
  if (org !== state.organizationId) {
    throw new ApiFailure(403, 'FORBIDDEN', `Insufficient permissions: this API key does not belong to organization ${org}`, {
      organization_id: org ?? null,
    });
  }
  return state;
}

function webhookView(w: AilaWebhook): Record<string, unknown> {
  return { id: w.id, url: w.url, events: w.events, active: w.active, created_at: w.created_at };
}

const webhooksCreate: Handler = (ctx) => {
  const state = ownOrganization(ctx);
  requireWrite(ctx.caller);
  const body = bodyObject(ctx.body);
  const url = readUrl(body, 'url', true) as string;
  const events = body['events'];
  if (events === undefined || events === null) throw new BadInput('events', 'is required');
  if (!Array.isArray(events) || events.length === 0) throw new BadInput('events', `must be a non-empty list of: ${AILA_EVENTS.join(', ')}`);
  events.forEach((e, i) => {
    if (typeof e !== 'string' || !(AILA_EVENTS as readonly string[]).includes(e)) throw new BadInput(`events.${i}`, `must be one of: ${AILA_EVENTS.join(', ')}`);
    if (events.indexOf(e) !== i) throw new BadInput(`events.${i}`, `"${e}" is listed twice`);
  });
  const hook: AilaWebhook = {
    id: `wh_${ctx.runtime.world.ids.alnum(5)}`,
    organization_id: state.organizationId,
    url,
    events: events as AilaEvent[],
    active: true,
    created_at: iso(ctx.now),
    secret: `whsec_${ctx.runtime.world.ids.hex(32)}`,
  };
  state.webhooks.push(hook);
  // A new endpoint subscribed to test.ping gets one at once, so its owner sees it work.
  if (hook.events.includes('test.ping')) emitAila(ctx.runtime, state, 'test.ping', {}, hook.id);
  return { status: 201, body: ok({ ...webhookView(hook), secret: hook.secret }) };
};

const webhooksList: Handler = (ctx) => ({ body: ok(ownOrganization(ctx).webhooks.map(webhookView)) });

const webhooksDelete: Handler = (ctx) => {
  const state = ownOrganization(ctx);
  requireWrite(ctx.caller);
  const id = ctx.params['webhook_id'];
  const hook = state.webhooks.find((w) => w.id === id);
  if (!hook) throw notFound('Webhook', id);
  state.webhooks = state.webhooks.filter((w) => w !== hook);
  return { body: ok({ id: hook.id, deleted: true }) };
};

export const ailaHandlers: Record<string, Handler> = {
  'calls.list': callsList,
  'calls.get': callsGet,
  'calls.upload': callsUpload,
  'calls.batchUpload': callsBatchUpload,
  'calls.quality': callsQuality,
  'contacts.list': contactsList,
  'contacts.get': contactsGet,
  'contacts.update': contactsUpdate,
  'analytics.teamMetrics': teamMetrics,
  'webhooks.create': webhooksCreate,
  'webhooks.list': webhooksList,
  'webhooks.delete': webhooksDelete,
};
