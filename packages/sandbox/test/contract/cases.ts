import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CallbridgeError, type ProviderId } from '@callbridge/core';

/**
 * One list of core client cases, run twice: against nock interceptors that answer with the
 * documents' own examples (shared fixtures, or core's samples where no fixture exists yet),
 * and against a running sandbox. Each expectation must hold for both, so the sandbox, core
 * and the documents agree.
 */

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures');

export function fixture(provider: string, name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, provider, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

/** What the nock interceptor answers with. */
export type NockReply =
  | { fixture: string; status?: number }
  /** The operation's `sample` in core (a document example written into the spec). */
  | { sample: true }
  /** A body in the provider's documented error shape, where no fixture shows that error. */
  | { body: unknown; status: number };

export type Outcome = { ok: true; result: unknown } | { ok: false; error: CallbridgeError };

export interface ContractCase {
  title: string;
  provider: ProviderId;
  operation: string;
  input: Record<string, unknown>;
  /** A key other than the demo key (sandbox mode) to exercise auth. */
  apiKey?: string;
  reply: NockReply;
  check: (outcome: Outcome) => void;
}

function result(o: Outcome): Record<string, unknown> {
  if (!o.ok) throw new Error(`expected a result, got ${o.error.status} ${o.error.code}: ${o.error.message}`);
  return o.result as Record<string, unknown>;
}

function failure(o: Outcome): CallbridgeError {
  if (o.ok) throw new Error(`expected an error, got ${JSON.stringify(o.result).slice(0, 200)}`);
  return o.error;
}

const without = (o: Record<string, unknown>, ...keys: string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

const isIso = (v: unknown): boolean => typeof v === 'string' && !Number.isNaN(Date.parse(v));

export const CASES: ContractCase[] = [
  // ---------------------------------------------------------------- Vyora
  {
    title: 'vyora agents.list: active agents, limit/offset envelope',
    provider: 'vyora',
    operation: 'agents.list',
    input: {},
    reply: { fixture: 'agents.list' },
    check: (o) => {
      const r = result(o) as { agents: Array<Record<string, unknown>>; total: number; limit: number; offset: number };
      expect(r).toMatchObject({ limit: 50, offset: 0 });
      expect(r.total).toBeGreaterThanOrEqual(r.agents.length);
      for (const a of r.agents) expect(a).toEqual({ id: expect.any(String), name: expect.any(String), language: expect.any(String), agent_type: expect.any(String) });
      expect(r.agents).toContainEqual(expect.objectContaining({ name: 'Home Loan Agent', language: 'hi-IN', agent_type: 'outbound' }));
      expect(r.agents).toContainEqual(expect.objectContaining({ name: 'Admission Enquiry', language: 'en-IN', agent_type: 'outbound' }));
    },
  },
  {
    title: "vyora calls.trigger: the document's request is registered",
    provider: 'vyora',
    operation: 'calls.trigger',
    input: fixture('vyora', 'calls.trigger.request'),
    reply: { fixture: 'calls.trigger' },
    check: (o) => expect(result(o)).toEqual({ call_id: expect.stringMatching(/^[A-Za-z0-9]+$/), status: 'registered' }),
  },
  {
    title: "vyora calls.get: the document's example call",
    provider: 'vyora',
    operation: 'calls.get',
    input: { call_id: 'abc123xyz' },
    reply: { fixture: 'calls.get' },
    check: (o) => {
      const r = result(o);
      // The document elides agent ids ("def456-..."); everything else is exact.
      expect(without(r, 'agent_id')).toEqual(without(fixture('vyora', 'calls.get'), 'agent_id'));
      expect(r['agent_id']).toEqual(expect.any(String));
    },
  },
  {
    title: 'vyora calls.get of an unknown call: 404 "Call not found"',
    provider: 'vyora',
    operation: 'calls.get',
    input: { call_id: 'nosuchcall' },
    reply: { fixture: 'error.call_not_found', status: 404 },
    check: (o) => expect(failure(o)).toMatchObject({ provider: 'vyora', status: 404, code: 'call_not_found', message: 'Call not found', retryable: false }),
  },
  {
    title: 'vyora with a bad key: 401',
    provider: 'vyora',
    operation: 'agents.list',
    input: {},
    apiKey: 'not a vyora key',
    reply: { body: { error: 'Invalid API key' }, status: 401 },
    check: (o) => expect(failure(o)).toMatchObject({ status: 401, code: 'invalid_api_key', retryable: false }),
  },
  // ---------------------------------------------------------------- Ayra
  {
    title: "ayra agents.list: the document's first page",
    provider: 'ayra',
    operation: 'agents.list',
    input: {},
    reply: { fixture: 'agents.list.page1' },
    check: (o) => {
      const r = result(o) as { data: unknown[]; meta: Record<string, unknown>; links: Record<string, string | null> };
      const doc = fixture('ayra', 'agents.list.page1') as { data: unknown[] };
      expect(r.data.slice(0, 2)).toEqual(doc.data);
      expect(r.meta).toMatchObject({ total: 47, page: 1, per_page: 25, total_pages: 2, request_id: expect.any(String) });
      expect(isIso(r.meta['timestamp'])).toBe(true);
      expect(r.links['prev']).toBeNull();
      expect(r.links['next']).toMatch(/\/agents\?page=2$/);
      expect(r.links['last']).toMatch(/\/agents\?page=2$/);
    },
  },
  {
    title: 'ayra agents.get: the full agent',
    provider: 'ayra',
    operation: 'agents.get',
    input: { agent_id: 'agent_abc123' },
    reply: { sample: true },
    check: (o) =>
      expect(result(o)).toMatchObject({ id: 'agent_abc123', name: 'Customer Support Agent', phone_number: '+15551234567', voice_platform: 'vapi', language: 'en', status: 'active', description: expect.any(String) }),
  },
  {
    title: 'ayra agents.get of an unknown agent: 404 not_found',
    provider: 'ayra',
    operation: 'agents.get',
    input: { agent_id: 'agent_nope' },
    reply: { body: { error: { code: 'not_found', message: 'Agent not found', details: 'No agent with id agent_nope' } }, status: 404 },
    check: (o) => expect(failure(o)).toMatchObject({ provider: 'ayra', status: 404, code: 'not_found', message: 'Agent not found' }),
  },
  {
    title: "ayra contacts.create: the document's example contact",
    provider: 'ayra',
    operation: 'contacts.create',
    input: fixture('ayra', 'contacts.create.request'),
    reply: { fixture: 'contacts.create' },
    check: (o) => {
      const r = result(o);
      expect(r).toMatchObject({ id: expect.stringMatching(/^contact_/), name: 'Jane Smith', email: 'jane@example.com' });
      expect(isIso(r['created_at'])).toBe(true);
    },
  },
  {
    title: 'ayra conversations.get: transcript and recording',
    provider: 'ayra',
    operation: 'conversations.get',
    input: { conversation_id: 'conv_abc123' },
    reply: { sample: true },
    check: (o) =>
      expect(result(o)).toMatchObject({
        id: 'conv_abc123',
        agent_id: 'agent_abc123',
        status: 'completed',
        duration_seconds: 184,
        recording_url: expect.stringMatching(/^https:\/\//),
        transcript: expect.arrayContaining([{ role: 'user', text: 'I need to move my appointment to Friday.' }]),
      }),
  },
  {
    title: 'ayra workflows.trigger: an execution starts running',
    provider: 'ayra',
    operation: 'workflows.trigger',
    input: { workflow_id: 'wf_abc123', data: { contact_id: 'contact_abc123', reason: 'follow_up' } },
    reply: { sample: true },
    check: (o) => {
      const r = result(o);
      expect(r).toMatchObject({ execution_id: expect.stringMatching(/^exec_/), workflow_id: 'wf_abc123', status: 'running' });
      expect(isIso(r['started_at'])).toBe(true);
    },
  },
  // ---------------------------------------------------------------- Aila
  {
    title: "aila calls.list: {success, data, meta} with the document's call first",
    provider: 'aila',
    operation: 'calls.list',
    input: {},
    reply: { fixture: 'calls.list' },
    check: (o) => {
      const r = result(o) as { success: boolean; data: unknown[]; meta: Record<string, unknown> };
      expect(r.success).toBe(true);
      expect(r.data[0]).toEqual((fixture('aila', 'calls.list') as { data: unknown[] }).data[0]);
      expect(r.meta).toMatchObject({ page: 1, limit: 50, total: expect.any(Number) });
    },
  },
  {
    title: 'aila calls.get: transcript, analysis and quality (data unwrapped by core)',
    provider: 'aila',
    operation: 'calls.get',
    input: { call_id: 'call_8f3k2m' },
    reply: { sample: true },
    check: (o) =>
      expect(result(o)).toMatchObject({
        id: 'call_8f3k2m',
        status: 'processed',
        duration_seconds: 412,
        transcript: [{ speaker: 'agent', text: 'Hi Maria, this is Sam from Lone Star Lending.', start_seconds: 0 }, { speaker: 'contact', text: expect.any(String), start_seconds: 4.2 }],
        analysis: { summary: 'Borrower asked about extending her rate lock; follow-up promised.', sentiment: 'positive' },
        quality: { overall_score: 86 },
      }),
  },
  {
    title: 'aila calls.get of an unknown call: 404 NOT_FOUND',
    provider: 'aila',
    operation: 'calls.get',
    input: { call_id: 'call_nope' },
    reply: { body: { success: false, error: { code: 'NOT_FOUND', message: 'Call not found', details: { id: 'call_nope' } } }, status: 404 },
    check: (o) => expect(failure(o)).toMatchObject({ provider: 'aila', status: 404, code: 'NOT_FOUND', message: 'Call not found' }),
  },
  {
    title: 'aila contacts.get: the documented contact',
    provider: 'aila',
    operation: 'contacts.get',
    input: { contact_id: 'ct_77xy' },
    reply: { sample: true },
    check: (o) => expect(result(o)).toMatchObject({ id: 'ct_77xy', name: 'Maria Lopez', email: 'maria.lopez@example.com', phone: '+15125550142', company: 'Lone Star Lending' }),
  },
  {
    title: 'aila calls.upload: queued',
    provider: 'aila',
    operation: 'calls.upload',
    input: { recording_url: 'https://storage.example.com/recordings/2025-03-04-maria-lopez.mp3', user_id: 'usr_12ab' },
    reply: { sample: true },
    check: (o) =>
      expect(result(o)).toMatchObject({ id: expect.stringMatching(/^call_/), status: 'queued', recording_url: 'https://storage.example.com/recordings/2025-03-04-maria-lopez.mp3' }),
  },
  {
    title: 'aila calls.batchUpload: two accepted',
    provider: 'aila',
    operation: 'calls.batchUpload',
    input: { calls: [{ recording_url: 'https://storage.example.com/recordings/a.mp3', user_id: 'usr_12ab' }, { recording_url: 'https://storage.example.com/recordings/b.mp3', user_id: 'usr_34cd' }] },
    reply: { sample: true },
    check: (o) => {
      const r = result(o) as { accepted: number; rejected: number; calls: Array<Record<string, unknown>> };
      expect(r).toMatchObject({ batch_id: expect.stringMatching(/^batch_/), accepted: 2, rejected: 0 });
      expect(r.calls.map((c) => c['recording_url'])).toEqual(['https://storage.example.com/recordings/a.mp3', 'https://storage.example.com/recordings/b.mp3']);
      expect(r.calls.every((c) => c['status'] === 'queued')).toBe(true);
    },
  },
  {
    title: 'aila analytics.teamMetrics: per member',
    provider: 'aila',
    operation: 'analytics.teamMetrics',
    input: { user_ids: ['usr_12ab', 'usr_34cd'] },
    reply: { sample: true },
    check: (o) => {
      const r = result(o) as { members: Array<Record<string, unknown>> };
      expect(r.members.map((m) => [m['user_id'], m['name']])).toEqual([['usr_12ab', 'Sam Carter'], ['usr_34cd', 'Priya Shah']]);
      for (const m of r.members) expect(m).toEqual({ user_id: expect.any(String), name: expect.any(String), calls: expect.any(Number), talk_time_seconds: expect.any(Number), average_quality_score: expect.any(Number) });
    },
  },
  {
    title: 'aila webhooks.create: an active endpoint',
    provider: 'aila',
    operation: 'webhooks.create',
    input: { organization_id: 'org_5tq81', url: 'https://hooks.zapier.com/hooks/standard/123456/abcdef/', events: ['call.completed', 'task.created'] },
    reply: { sample: true },
    check: (o) =>
      expect(result(o)).toMatchObject({ id: expect.stringMatching(/^wh_/), url: 'https://hooks.zapier.com/hooks/standard/123456/abcdef/', events: ['call.completed', 'task.created'], active: true }),
  },
  // ---------------------------------------------------------------- Ayla
  {
    title: "ayla messages.analyze: the document's example scores 0.12, ALLOW",
    provider: 'ayla',
    operation: 'messages.analyze',
    input: fixture('ayla', 'messages.analyze.request'),
    reply: { fixture: 'messages.analyze' },
    check: (o) => {
      const r = result(o);
      expect(without(r, 'request_id', 'latency_ms')).toEqual(without(fixture('ayla', 'messages.analyze'), 'request_id', 'latency_ms'));
      expect(r).toMatchObject({ request_id: expect.stringMatching(/^req_[0-9A-Z]{16}$/), latency_ms: expect.any(Number) });
    },
  },
  {
    title: "ayla sender.verify: a bank's registered sender ID is approved",
    provider: 'ayla',
    operation: 'sender.verify',
    input: { sender_id: 'GTBANKNG', country_code: 'NG', organisation_type: 'bank' },
    reply: { fixture: 'sender.verify' },
    check: (o) => expect(without(result(o), 'latency_ms', 'request_id')).toEqual(without(fixture('ayla', 'sender.verify'), 'latency_ms')),
  },
  {
    title: 'ayla channel.decide: SMS kept on a healthy route',
    provider: 'ayla',
    operation: 'channel.decide',
    input: { message_type: 'otp', msisdn: '+2348031234567' },
    reply: { fixture: 'channel.decide' },
    check: (o) => expect(without(result(o), 'latency_ms', 'request_id')).toEqual(without(fixture('ayla', 'channel.decide'), 'request_id')),
  },
  {
    title: "ayla carriers.health: the document's Nigerian corridors",
    provider: 'ayla',
    operation: 'carriers.health',
    input: { country: 'NG' },
    reply: { fixture: 'carriers.health' },
    check: (o) => {
      const r = result(o) as { corridors: unknown[] };
      for (const c of (fixture('ayla', 'carriers.health') as { corridors: unknown[] }).corridors) expect(r.corridors).toContainEqual(c);
    },
  },
  {
    title: 'ayla with a key of neither mode: 401 in the documented error shape',
    provider: 'ayla',
    operation: 'carriers.health',
    input: {},
    apiKey: 'sk_live_not_ayla',
    reply: { body: { error: { code: 'unauthorized', message: 'Invalid API key', status: 401, request_id: 'req_01HVKQZT9XN4P2F8' } }, status: 401 },
    check: (o) => {
      const e = failure(o);
      expect(e).toMatchObject({ provider: 'ayla', status: 401, code: 'unauthorized', retryable: false });
      expect(e.requestId).toMatch(/^req_/);
    },
  },
];
