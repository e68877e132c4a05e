import { getProvider, PROVIDER_IDS, type ProviderId } from '@callbridge/core';
import type { RunningSandbox } from '@callbridge/sandbox';
import { call, request, start } from './helpers';

/**
 * Bad input to every endpoint: each case names the core operation it hits, the request,
 * the status the provider documents, and what its error body must say (the field).
 */
interface Case {
  provider: ProviderId;
  op: string;
  method: string;
  path: string;
  body?: unknown;
  rawBody?: string;
  status: number;
  /** Partial error body in the provider's own shape. */
  error: unknown;
}

const ayraErr = (status: number, code: string, field: string): Pick<Case, 'status' | 'error'> => ({
  status,
  error: { error: { code, message: expect.stringContaining(field), details: expect.anything() } },
});
const vyoraErr = (status: number, text: string): Pick<Case, 'status' | 'error'> => ({ status, error: { error: expect.stringContaining(text) } });
const ailaErr = (status: number, code: string, field: string): Pick<Case, 'status' | 'error'> => ({
  status,
  error: { success: false, error: { code, message: expect.any(String), details: expect.objectContaining(status === 400 ? { field } : {}) } },
});
const aylaErr = (status: number, code: string, text: string): Pick<Case, 'status' | 'error'> => ({
  status,
  error: { error: { code, message: expect.stringContaining(text), status, request_id: expect.stringMatching(/^req_/) } },
});

const ORG = 'org_5tq81';
const CASES: Case[] = [
  // Ayra
  { provider: 'ayra', op: 'agents.list', method: 'GET', path: '/agents?status=deleted', ...ayraErr(400, 'invalid_request', 'status') },
  { provider: 'ayra', op: 'agents.get', method: 'GET', path: '/agents/agent_nope', ...ayraErr(404, 'not_found', 'Agent') },
  { provider: 'ayra', op: 'agents.create', method: 'POST', path: '/agents', body: { phone_number: '+15551234567' }, ...ayraErr(400, 'invalid_request', 'name') },
  { provider: 'ayra', op: 'agents.create', method: 'POST', path: '/agents', body: { name: 'X', phone_number: '5551234567' }, status: 400, error: { error: { code: 'invalid_request', message: 'Phone format invalid', details: 'Include country code' } } },
  { provider: 'ayra', op: 'agents.update', method: 'PATCH', path: '/agents/agent_abc123', body: { voice_platform: 'twilio' }, ...ayraErr(400, 'invalid_request', 'voice_platform') },
  { provider: 'ayra', op: 'agents.update', method: 'PATCH', path: '/agents/agent_abc123', body: {}, ...ayraErr(400, 'invalid_request', 'body') },
  { provider: 'ayra', op: 'agents.enable', method: 'POST', path: '/agents/agent_nope/enable', ...ayraErr(404, 'not_found', 'Agent') },
  { provider: 'ayra', op: 'agents.disable', method: 'POST', path: '/agents/agent_nope/disable', ...ayraErr(404, 'not_found', 'Agent') },
  { provider: 'ayra', op: 'agents.delete', method: 'DELETE', path: '/agents/agent_nope', ...ayraErr(404, 'not_found', 'Agent') },
  { provider: 'ayra', op: 'conversations.list', method: 'GET', path: '/conversations?created_after=last-week', ...ayraErr(400, 'invalid_request', 'created_after') },
  { provider: 'ayra', op: 'conversations.get', method: 'GET', path: '/conversations/conv_nope', ...ayraErr(404, 'not_found', 'Conversation') },
  { provider: 'ayra', op: 'contacts.create', method: 'POST', path: '/contacts', body: { name: 'Jane', phone: '5555551234' }, status: 400, error: { error: { code: 'invalid_request', message: 'Phone format invalid', details: 'Include country code' } } },
  { provider: 'ayra', op: 'contacts.create', method: 'POST', path: '/contacts', body: { name: 'Jane', tags: 'vip' }, ...ayraErr(400, 'invalid_request', 'tags') },
  { provider: 'ayra', op: 'contacts.list', method: 'GET', path: '/contacts?per_page=0', ...ayraErr(400, 'invalid_request', 'per_page') },
  { provider: 'ayra', op: 'contacts.get', method: 'GET', path: '/contacts/contact_nope', ...ayraErr(404, 'not_found', 'Contact') },
  { provider: 'ayra', op: 'contacts.update', method: 'PATCH', path: '/contacts/contact_abc123', body: { email: 'not-an-email' }, ...ayraErr(400, 'invalid_request', 'email') },
  { provider: 'ayra', op: 'workflows.trigger', method: 'POST', path: '/workflows/wf_abc123/trigger', body: { data: [1, 2] }, ...ayraErr(400, 'invalid_request', 'data') },
  { provider: 'ayra', op: 'workflows.trigger', method: 'POST', path: '/workflows/wf_nope/trigger', body: {}, ...ayraErr(404, 'not_found', 'Workflow') },
  { provider: 'ayra', op: 'workflows.status', method: 'GET', path: '/workflows/wf_abc123/executions/exec_nope', ...ayraErr(404, 'not_found', 'Execution') },
  { provider: 'ayra', op: 'analytics.get', method: 'GET', path: '/analytics?start_date=2025-02-01&end_date=2025-01-01', ...ayraErr(400, 'invalid_request', 'end_date') },
  { provider: 'ayra', op: 'contacts.create', method: 'POST', path: '/contacts', rawBody: '{"name":', ...ayraErr(400, 'invalid_request', 'body') },
  // Vyora
  { provider: 'vyora', op: 'agents.list', method: 'GET', path: '/v1/agents?limit=0', ...vyoraErr(400, 'limit must be between 1 and 100') },
  { provider: 'vyora', op: 'calls.trigger', method: 'POST', path: '/v1/calls', body: { agent_name: 'Home Loan Agent' }, ...vyoraErr(400, 'phone_number is required') },
  { provider: 'vyora', op: 'calls.trigger', method: 'POST', path: '/v1/calls', body: { phone_number: '9876543210', agent_name: 'Home Loan Agent' }, ...vyoraErr(400, 'phone_number must be an E.164') },
  { provider: 'vyora', op: 'calls.trigger', method: 'POST', path: '/v1/calls', body: { phone_number: '+919876543210' }, ...vyoraErr(400, 'agent_id or agent_name is required') },
  { provider: 'vyora', op: 'calls.trigger', method: 'POST', path: '/v1/calls', body: { phone_number: '+919876543210', agent_name: 'Nobody' }, status: 404, error: { error: 'Agent not found' } },
  { provider: 'vyora', op: 'calls.trigger', method: 'POST', path: '/v1/calls', body: { phone_number: '+919876543210', agent_name: 'Support Helpline' }, ...vyoraErr(400, 'agent_name must name an outbound agent') },
  { provider: 'vyora', op: 'calls.trigger', method: 'POST', path: '/v1/calls', body: { phone_number: '+919876543210', agent_name: 'Home Loan Agent', custom_args: 'x' }, ...vyoraErr(400, 'custom_args must be an object') },
  { provider: 'vyora', op: 'calls.trigger', method: 'POST', path: '/v1/calls', rawBody: 'phone=+91', ...vyoraErr(400, 'body must be valid JSON') },
  { provider: 'vyora', op: 'calls.get', method: 'GET', path: '/v1/calls/nope', status: 404, error: { error: 'Call not found' } },
  // Aila
  { provider: 'aila', op: 'calls.list', method: 'GET', path: '/calls?end_date=tomorrow', ...ailaErr(400, 'VALIDATION_ERROR', 'end_date') },
  { provider: 'aila', op: 'calls.get', method: 'GET', path: '/calls/call_nope', ...ailaErr(404, 'NOT_FOUND', 'id') },
  { provider: 'aila', op: 'calls.upload', method: 'POST', path: '/calls/upload', body: { user_id: 'usr_12ab' }, ...ailaErr(400, 'VALIDATION_ERROR', 'recording_url') },
  { provider: 'aila', op: 'calls.upload', method: 'POST', path: '/calls/upload', body: { recording_url: 'ftp://x/y.mp3' }, ...ailaErr(400, 'VALIDATION_ERROR', 'recording_url') },
  { provider: 'aila', op: 'calls.upload', method: 'POST', path: '/calls/upload', body: { recording_url: 'https://x/y.mp3', user_id: 'usr_ghost' }, ...ailaErr(400, 'VALIDATION_ERROR', 'user_id') },
  { provider: 'aila', op: 'calls.batchUpload', method: 'POST', path: '/calls/batch-upload', body: { calls: [] }, ...ailaErr(400, 'VALIDATION_ERROR', 'calls') },
  { provider: 'aila', op: 'calls.batchUpload', method: 'POST', path: '/calls/batch-upload', body: { calls: Array.from({ length: 101 }, () => ({ recording_url: 'https://x/y.mp3' })) }, ...ailaErr(400, 'VALIDATION_ERROR', 'calls') },
  { provider: 'aila', op: 'calls.batchUpload', method: 'POST', path: '/calls/batch-upload', body: { calls: [{ direction: 'sideways', recording_url: 'https://x/y.mp3' }] }, ...ailaErr(400, 'VALIDATION_ERROR', 'calls.0.direction') },
  { provider: 'aila', op: 'calls.quality', method: 'GET', path: '/calls/call_nope/quality', ...ailaErr(404, 'NOT_FOUND', 'id') },
  { provider: 'aila', op: 'contacts.list', method: 'GET', path: '/contacts?limit=lots', ...ailaErr(400, 'VALIDATION_ERROR', 'limit') },
  { provider: 'aila', op: 'contacts.get', method: 'GET', path: '/contacts/ct_nope', ...ailaErr(404, 'NOT_FOUND', 'id') },
  { provider: 'aila', op: 'contacts.update', method: 'PATCH', path: '/contacts/ct_77xy', body: { phone: '512-555-0142' }, ...ailaErr(400, 'VALIDATION_ERROR', 'phone') },
  { provider: 'aila', op: 'analytics.teamMetrics', method: 'GET', path: '/analytics/team-metrics?user_ids=usr_12ab,usr_ghost', ...ailaErr(400, 'VALIDATION_ERROR', 'user_ids') },
  { provider: 'aila', op: 'webhooks.create', method: 'POST', path: `/organizations/${ORG}/webhooks`, body: { url: 'https://h.example/x', events: ['call.done'] }, ...ailaErr(400, 'VALIDATION_ERROR', 'events.0') },
  { provider: 'aila', op: 'webhooks.list', method: 'GET', path: '/organizations/org_elsewhere/webhooks', ...ailaErr(403, 'FORBIDDEN', 'organization_id') },
  { provider: 'aila', op: 'webhooks.delete', method: 'DELETE', path: `/organizations/${ORG}/webhooks/wh_nope`, ...ailaErr(404, 'NOT_FOUND', 'id') },
  // Ayla
  { provider: 'ayla', op: 'messages.analyze', method: 'POST', path: '/analyze', body: { sender_id: 'GTBANKNIGERIA', msisdn: '+2348031234567', message_type: 'otp' }, status: 422, error: { error: { code: 'invalid_sender_id', message: 'Sender ID exceeds 11 characters', status: 422, request_id: expect.stringMatching(/^req_/) } } },
  { provider: 'ayla', op: 'messages.analyze', method: 'POST', path: '/analyze', body: { sender_id: 'GTBANKNG', msisdn: '08031234567', message_type: 'otp' }, ...aylaErr(422, 'invalid_msisdn', 'msisdn') },
  { provider: 'ayla', op: 'messages.analyze', method: 'POST', path: '/analyze', body: { sender_id: 'GTBANKNG', msisdn: '+2348031234567', message_type: 'marketing' }, ...aylaErr(422, 'invalid_message_type', 'message_type') },
  { provider: 'ayla', op: 'messages.analyze', method: 'POST', path: '/analyze', body: { sender_id: 'GTBANKNG', msisdn: '+2348031234567', message_type: 'otp', volume_1h: -5 }, ...aylaErr(422, 'invalid_volume_1h', 'volume_1h') },
  { provider: 'ayla', op: 'messages.analyze', method: 'POST', path: '/analyze', rawBody: '[1,2]', ...aylaErr(400, 'invalid_request', 'JSON object') },
  { provider: 'ayla', op: 'channel.decide', method: 'POST', path: '/channel/decide', body: { message_type: 'otp', msisdn: '+2348031234567', urgency: 'asap' }, ...aylaErr(422, 'invalid_urgency', 'urgency') },
  { provider: 'ayla', op: 'channel.decide', method: 'POST', path: '/channel/decide', body: { message_type: 'otp', msisdn: '+2348031234567', allowed_channels: ['fax'] }, ...aylaErr(422, 'invalid_allowed_channels', 'allowed_channels') },
  { provider: 'ayla', op: 'sender.verify', method: 'POST', path: '/sender/verify', body: { sender_id: 'GTBANKNG', country_code: 'Nigeria' }, ...aylaErr(422, 'invalid_country_code', 'country_code') },
  { provider: 'ayla', op: 'sender.verify', method: 'POST', path: '/sender/verify', body: { country_code: 'NG' }, ...aylaErr(422, 'invalid_sender_id', 'Sender ID is required') },
  { provider: 'ayla', op: 'carriers.health', method: 'GET', path: '/carriers/health?min_score=2', ...aylaErr(422, 'invalid_min_score', 'min_score') },
  { provider: 'ayla', op: 'carriers.health', method: 'GET', path: '/carriers/health?country=XX', ...aylaErr(422, 'invalid_country', 'country') },
];

let sandbox: RunningSandbox;
beforeAll(async () => {
  // Dozens of requests a second: Ayla's 10 per second would answer some with 429 (tested elsewhere).
  sandbox = await start({ rateLimits: { ayla: false } });
});
afterAll(() => sandbox.close());

test('the cases cover every operation of every provider', () => {
  for (const id of PROVIDER_IDS) {
    const ops = Object.values(getProvider(id).operations).filter((o) => !o.poll).map((o) => o.name);
    const covered = new Set(CASES.filter((c) => c.provider === id).map((c) => c.op));
    expect({ id, missing: ops.filter((o) => !covered.has(o)) }).toEqual({ id, missing: [] });
  }
});

test.each(CASES.map((c) => [`${c.provider} ${c.op}: ${c.method} ${c.path.slice(0, 60)} ${c.rawBody ?? JSON.stringify(c.body ?? '').slice(0, 60)}`, c] as const))(
  '%s',
  async (_title, c) => {
    const res = await call(sandbox, c.provider, c.method, c.path, {
      ...(c.body !== undefined ? { body: c.body } : {}),
      ...(c.rawBody !== undefined ? { rawBody: c.rawBody } : {}),
    });
    expect({ status: res.status, body: res.body }).toEqual({ status: c.status, body: c.error });
  },
);

test('an unknown path under a provider is that provider\'s 404; outside any provider a plain 404', async () => {
  expect(await call(sandbox, 'ayra', 'GET', '/robots')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  expect(await call(sandbox, 'vyora', 'GET', '/v2/calls')).toMatchObject({ status: 404, body: { error: expect.stringContaining('No route') } });
  expect(await call(sandbox, 'aila', 'PUT', '/calls')).toMatchObject({ status: 404, body: { success: false, error: { code: 'NOT_FOUND' } } });
  expect(await call(sandbox, 'ayla', 'GET', '/analyze')).toMatchObject({ status: 404, body: { error: { code: 'not_found', status: 404 } } });
  expect(await request(`${sandbox.url}/stripe/v1/charges`)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
});

test('a rejected write changes nothing', async () => {
  const before = await call(sandbox, 'ayra', 'GET', '/agents/agent_abc123');
  const bad = await call(sandbox, 'ayra', 'PATCH', '/agents/agent_abc123', { body: { name: 'Renamed', language: 'english!' } });
  expect(bad.status).toBe(400);
  expect(await call(sandbox, 'ayra', 'GET', '/agents/agent_abc123')).toEqual(expect.objectContaining({ body: before.body }));
});
