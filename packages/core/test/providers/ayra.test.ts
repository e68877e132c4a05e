import { inspect } from 'node:util';
import nock from 'nock';
import { ayra, createClient } from '@callbridge/core';
import {
  answer,
  bearerAuth,
  checkOperation,
  errorShape,
  expectInvalid,
  fixture,
  providerError,
  testClient,
  type OperationCase,
} from './helpers';

const KEY = 'sk_live_abc123xyz789';
const ORIGIN = 'https://api.ayra.ai';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const agent = (fixture('ayra', 'agents.list.page1') as { data: unknown[] }).data[0];
const contact = fixture('ayra', 'contacts.create');

const cases: OperationCase[] = [
  {
    title: 'agents.list with no filters sends no query',
    op: 'agents.list',
    input: {},
    method: 'GET',
    path: '/v1/agents',
    reply: fixture('ayra', 'agents.list.page1'),
  },
  {
    title: 'agents.list with every documented filter and sort',
    op: 'agents.list',
    input: {
      page: 2,
      per_page: 50,
      status: 'active',
      voice_platform: 'vapi',
      language: 'en',
      search: 'support',
      created_after: '2025-01-01T00:00:00Z',
      created_before: '2025-02-01T00:00:00Z',
      sort_by: 'name',
      sort_order: 'asc',
    },
    method: 'GET',
    path: '/v1/agents',
    query: {
      page: '2',
      per_page: '50',
      status: 'active',
      voice_platform: 'vapi',
      language: 'en',
      search: 'support',
      created_after: '2025-01-01T00:00:00Z',
      created_before: '2025-02-01T00:00:00Z',
      sort_by: 'name',
      sort_order: 'asc',
    },
    reply: fixture('ayra', 'agents.list.page1'),
  },
  {
    title: 'agents.list accepts page sizes written as strings (form fields, CLI flags)',
    op: 'agents.list',
    input: { page: '3', per_page: '100' },
    method: 'GET',
    path: '/v1/agents',
    query: { page: '3', per_page: '100' },
    reply: { data: [], meta: { total: 0, total_pages: 0 }, links: { next: null } },
  },
  { op: 'agents.get', input: { agent_id: 'agent_abc123' }, method: 'GET', path: '/v1/agents/agent_abc123', reply: agent },
  {
    op: 'agents.create',
    input: { name: 'Customer Support Agent', phone_number: '+15551234567', voice_platform: 'vapi', language: 'en' },
    method: 'POST',
    path: '/v1/agents',
    body: { name: 'Customer Support Agent', phone_number: '+15551234567', voice_platform: 'vapi', language: 'en' },
    reply: agent,
  },
  {
    title: 'agents.create forwards settings the documents do not list (passthrough)',
    op: 'agents.create',
    input: { name: 'Greeter', first_message: 'Hello!', max_duration_seconds: 600 },
    method: 'POST',
    path: '/v1/agents',
    body: { name: 'Greeter', first_message: 'Hello!', max_duration_seconds: 600 },
    reply: agent,
  },
  {
    op: 'agents.update',
    input: { agent_id: 'agent_abc123', name: 'Tier 1 Support', status: 'paused' },
    method: 'PATCH',
    path: '/v1/agents/agent_abc123',
    body: { name: 'Tier 1 Support', status: 'paused' },
    reply: { ...(agent as object), name: 'Tier 1 Support', status: 'paused' },
  },
  { op: 'agents.enable', input: { agent_id: 'agent_abc123' }, method: 'POST', path: '/v1/agents/agent_abc123/enable', body: {}, reply: agent },
  { op: 'agents.disable', input: { agent_id: 'agent_abc123' }, method: 'POST', path: '/v1/agents/agent_abc123/disable', body: {}, reply: { ...(agent as object), status: 'paused' } },
  { op: 'agents.delete', input: { agent_id: 'agent_abc123' }, method: 'DELETE', path: '/v1/agents/agent_abc123', reply: { id: 'agent_abc123', deleted: true } },
  {
    op: 'conversations.list',
    input: { page: 1, per_page: 10, agent_id: 'agent_abc123', created_after: '2025-01-01' },
    method: 'GET',
    path: '/v1/conversations',
    query: { page: '1', per_page: '10', agent_id: 'agent_abc123', created_after: '2025-01-01' },
    reply: ayra.operations['conversations.list'].sample,
  },
  {
    title: 'conversations.list forwards unknown filters to the query (passthrough)',
    op: 'conversations.list',
    input: { status: 'completed', direction: 'inbound' },
    method: 'GET',
    path: '/v1/conversations',
    query: { status: 'completed', direction: 'inbound' },
    reply: ayra.operations['conversations.list'].sample,
  },
  { op: 'conversations.get', input: { conversation_id: 'conv_abc123' }, method: 'GET', path: '/v1/conversations/conv_abc123', reply: ayra.operations['conversations.get'].sample },
  {
    title: 'contacts.create sends the document\'s example request',
    op: 'contacts.create',
    input: fixture('ayra', 'contacts.create.request') as Record<string, unknown>,
    method: 'POST',
    path: '/v1/contacts',
    body: fixture('ayra', 'contacts.create.request'),
    reply: contact,
  },
  {
    op: 'contacts.list',
    input: { page: 2, per_page: 100, search: 'jane' },
    method: 'GET',
    path: '/v1/contacts',
    query: { page: '2', per_page: '100', search: 'jane' },
    reply: ayra.operations['contacts.list'].sample,
  },
  { op: 'contacts.get', input: { contact_id: 'contact_abc123' }, method: 'GET', path: '/v1/contacts/contact_abc123', reply: contact },
  {
    op: 'contacts.update',
    input: { contact_id: 'contact_abc123', company: 'Acme Holdings', tags: ['customer'], lifecycle_stage: 'customer' },
    method: 'PATCH',
    path: '/v1/contacts/contact_abc123',
    body: { company: 'Acme Holdings', tags: ['customer'], lifecycle_stage: 'customer' },
    reply: contact,
  },
  {
    op: 'workflows.trigger',
    input: { workflow_id: 'wf_abc123', data: { contact_id: 'contact_abc123', attempts: 2, vip: true, note: null } },
    method: 'POST',
    path: '/v1/workflows/wf_abc123/trigger',
    body: { data: { contact_id: 'contact_abc123', attempts: 2, vip: true, note: null } },
    reply: ayra.operations['workflows.trigger'].sample,
  },
  {
    op: 'workflows.status',
    input: { workflow_id: 'wf_abc123', execution_id: 'exec_abc123' },
    method: 'GET',
    path: '/v1/workflows/wf_abc123/executions/exec_abc123',
    reply: ayra.operations['workflows.status'].sample,
  },
  {
    op: 'analytics.get',
    input: { start_date: '2025-01-01', end_date: '2025-01-31', agent_id: 'agent_abc123' },
    method: 'GET',
    path: '/v1/analytics',
    query: { start_date: '2025-01-01', end_date: '2025-01-31', agent_id: 'agent_abc123' },
    reply: ayra.operations['analytics.get'].sample,
  },
  {
    title: 'path IDs are percent-encoded into their segment',
    op: 'contacts.get',
    input: { contact_id: 'contact:ä+1' },
    method: 'GET',
    path: '/v1/contacts/contact%3A%C3%A4%2B1',
    reply: contact,
  },
];

describe('requests and responses', () => {
  test.each(cases.map((c) => [c.title ?? c.op, c] as const))('%s', async (_title, c) => {
    await checkOperation(ayra, KEY, bearerAuth(KEY), c);
  });

  test('every operation is exercised', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(Object.keys(ayra.operations)));
  });

  test('a caller-given idempotency key is sent as is', async () => {
    const { seen } = answer(ORIGIN, 'POST', 201, contact);
    const { client } = testClient(ayra, KEY);
    await client.call('contacts.create', { name: 'Jane Smith' }, { idempotencyKey: 'order-42-contact' });
    expect(seen[0]?.headers['idempotency-key']).toBe('order-42-contact');
  });
});

describe('pagination', () => {
  test('listAll walks pages by page/per_page until meta.total_pages, keeping filters', async () => {
    const page1 = fixture('ayra', 'agents.list.page1') as { data: unknown[]; meta: Record<string, unknown> };
    const last = { data: [{ ...(agent as object), id: 'agent_zzz999' }], meta: { ...page1.meta, page: 2 }, links: { next: null } };
    const first = answer(ORIGIN, 'GET', 200, page1);
    const second = answer(ORIGIN, 'GET', 200, last);
    const { client } = testClient(ayra, KEY);
    const all = (await client.listAll('agents.list', { status: 'active' })) as Array<{ id: string }>;
    expect(all.map((a) => a.id)).toEqual(['agent_abc123', 'agent_def456', 'agent_zzz999']);
    expect(first.seen[0]?.query).toEqual({ status: 'active', page: '1', per_page: '100' });
    expect(second.seen[0]?.query).toEqual({ status: 'active', page: '2', per_page: '100' });
  });

  test('a limit below one page asks for just that many', async () => {
    const { seen } = answer(ORIGIN, 'GET', 200, fixture('ayra', 'agents.list.page1'));
    const { client } = testClient(ayra, KEY);
    const items = await client.listAll('agents.list', {}, { limit: 1 });
    expect(items).toHaveLength(1);
    expect(seen[0]?.query).toEqual({ page: '1', per_page: '1' });
  });
});

describe('validation before the network', () => {
  test.each([
    ['agents.list', { per_page: 0 }, 'per_page', /at least 1/],
    ['agents.list', { per_page: 101 }, 'per_page', /at most 100/],
    ['agents.list', { per_page: 'many' }, 'per_page', /must be a number/],
    ['agents.list', { page: 0 }, 'page', /at least 1/],
    ['agents.list', { page: 1.5 }, 'page', /whole number/],
    ['agents.list', { status: 'deleted' }, 'status', /active, paused, archived/],
    ['agents.list', { voice_platform: 'twilio' }, 'voice_platform', /vapi, retell/],
    ['agents.list', { sort_by: 'email' }, 'sort_by', /name, created_at, updated_at/],
    ['agents.list', { sort_order: 'up' }, 'sort_order', /asc, desc/],
    ['agents.list', { created_after: '15/01/2025' }, 'created_after', /ISO 8601/],
    ['agents.list', { created_before: '2025-02-30' }, 'created_before', /ISO 8601/],
    ['agents.list', { created_after: '2025-02-01', created_before: '2025-01-01' }, 'created_before', /earlier than created_after/],
    ['agents.list', { language: 'English!' }, 'language', /language code/],
    ['agents.list', { limit: 50 }, 'limit', /not a field/],
    ['agents.get', {}, 'agent_id', /required/],
    ['agents.get', { agent_id: 'agent/../admin' }, 'agent_id', /"\/"/],
    ['agents.get', { agent_id: '' }, 'agent_id', /empty/],
    ['agents.delete', { agent_id: 'a?b' }, 'agent_id', /"\?"/],
    ['agents.enable', { agent_id: 'a b' }, 'agent_id', /spaces/],
    ['agents.create', { phone_number: '+15551234567' }, 'name', /required/],
    ['agents.create', { name: 'A', phone_number: '5551234567' }, 'phone_number', /E\.164/],
    ['agents.create', { name: 'A', voice_platform: 'bland' }, 'voice_platform', /vapi, retell/],
    ['agents.update', { agent_id: 'agent_abc123' }, '(input)', /at least one field/],
    ['agents.update', { agent_id: 'agent_abc123', status: 'on' }, 'status', /active, paused, archived/],
    ['conversations.get', { conversation_id: 'c/1' }, 'conversation_id', /"\/"/],
    ['conversations.list', { per_page: 101 }, 'per_page', /at most 100/],
    ['contacts.create', { name: 'Jane', phone: '+1 555 555 1234' }, 'phone', /E\.164/],
    ['contacts.create', { name: 'Jane', email: 'jane.example.com' }, 'email', /email/],
    ['contacts.create', { name: 'Jane', tags: 'vip' }, 'tags', /must be a list/],
    ['contacts.update', { contact_id: 'contact_abc123' }, '(input)', /at least one field/],
    ['contacts.get', { contact_id: 'x/y' }, 'contact_id', /"\/"/],
    ['workflows.trigger', { workflow_id: 'wf/1', data: {} }, 'workflow_id', /"\/"/],
    ['workflows.trigger', { workflow_id: 'wf_1', data: { nested: { a: 1 } } }, 'data.nested', /./],
    ['workflows.trigger', { workflow_id: 'wf_1', extra: 1 }, 'extra', /not a field/],
    ['workflows.status', { workflow_id: 'wf_1', execution_id: '../exec' }, 'execution_id', /"\/"/],
    ['analytics.get', { start_date: 'yesterday' }, 'start_date', /ISO 8601/],
    ['analytics.get', { start_date: '2025-02-01', end_date: '2025-01-01' }, 'end_date', /earlier than start_date/],
  ] as const)('%s %j is refused on %s', async (op, input, fieldName, rule) => {
    await expectInvalid(ayra, op, input, fieldName, rule);
  });
});

describe('errors', () => {
  test('the documented error body becomes a CallbridgeError', async () => {
    const err = await providerError(ayra, 'contacts.create', { name: 'Jane' }, 400, fixture('ayra', 'error.invalid_request'), {
      'x-request-id': 'req_hdr_1',
    });
    expect(errorShape(err)).toEqual({
      provider: 'ayra',
      status: 400,
      code: 'invalid_request',
      message: 'Phone format invalid',
      details: 'Include country code',
      requestId: 'req_hdr_1',
      retryable: false,
    });
    expect(err.operation).toBe('contacts.create');
  });

  test('a 5xx is retryable, a 404 is not', async () => {
    const e500 = await providerError(ayra, 'agents.get', { agent_id: 'a1' }, 500, { error: { code: 'internal', message: 'Boom' } });
    expect(errorShape(e500)).toMatchObject({ status: 500, code: 'internal', retryable: true });
    const e404 = await providerError(ayra, 'agents.get', { agent_id: 'a1' }, 404, { error: { code: 'not_found', message: 'Agent not found' } });
    expect(errorShape(e404)).toMatchObject({ status: 404, code: 'not_found', message: 'Agent not found', retryable: false });
  });

  test('the API key never shows in the client or its errors', async () => {
    const err = await providerError(ayra, 'agents.list', {}, 401, { error: { code: 'unauthorized', message: 'Invalid API key' } }, {}, KEY);
    const client = createClient(ayra, { apiKey: KEY });
    for (const text of [JSON.stringify(client), String(client), inspect(client, { depth: 10, showHidden: true }), JSON.stringify(err), inspect(err), err.message]) {
      expect(text).not.toContain(KEY);
    }
    expect(JSON.parse(JSON.stringify(client))).toMatchObject({ provider: 'ayra', apiKey: '[redacted]', mode: null });
  });
});

test('webhooks are declared as an assumption with an open event set', () => {
  expect(ayra.webhooks).toMatchObject({
    documented: false,
    open: true,
    eventHeader: 'x-ayra-event',
    idField: 'id',
    signature: { header: 'x-ayra-signature', prefix: 'sha256=', encoding: 'hex', algorithm: 'sha256' },
  });
  expect(ayra.webhooks?.events).toEqual(expect.arrayContaining(['conversation.started', 'conversation.completed', 'workflow.completed', 'contact.created']));
});
