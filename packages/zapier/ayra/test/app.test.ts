import nock from 'nock';
import app from '../src/index';
import { labels, rejection, runner, useNock } from '../../common/test-support/harness';

/**
 * The Ayra app against a mocked Ayra API: authentication, agent and contact creates,
 * workflows, searches with find-or-create, the "New …" polling triggers, and errors.
 */

const API = 'https://api.ayra.ai/v1';
const KEY = 'sk_live_abc123xyz789';
const authData = { api_key: KEY };

const run = runner(app);

const agent = (id: string, createdAt: string): Record<string, unknown> => ({ id, name: `Agent ${id}`, status: 'active', created_at: createdAt, updated_at: createdAt });
const meta = (total: number): Record<string, unknown> => ({ total, page: 1, per_page: 100, total_pages: 1 });

describe('Ayra Zapier app', () => {
  useNock();

  it('offers the steps Ayra users look for', () => {
    expect(labels(app)).toMatchObject({
      'creates.contacts_create': 'Create Contact',
      'creates.contacts_update': 'Update Contact',
      'creates.agents_create': 'Create Agent',
      'creates.agents_update': 'Update Agent',
      'creates.agents_enable': 'Enable Agent',
      'creates.agents_disable': 'Disable Agent',
      'creates.workflows_trigger': 'Trigger Workflow',
      'searches.agents_list': 'Find Agent',
      'searches.contacts_list': 'Find Contact',
      'searchOrCreates.contacts_list': 'Find or Create Contact',
      'triggers.agents_list': 'New Agent',
      'triggers.contacts_list': 'New Contact',
      'triggers.conversations_list': 'New Conversation',
    });
  });

  describe('authentication', () => {
    it('tests the key as a bearer token with one agent and labels the connection', async () => {
      nock(API, { reqheaders: { authorization: `Bearer ${KEY}` } })
        .get('/agents')
        .query({ per_page: '1' })
        .reply(200, { data: [agent('agent_1', '2025-01-15T10:30:00Z')], meta: { total: 47, page: 1, per_page: 1, total_pages: 47 }, links: {} });
      const result = await run('authentication.test', { authData });
      await expect(run('authentication.connectionLabel', { authData, inputData: result })).resolves.toBe('Ayra · 47 agents');
    });

    it('turns a 401 into an authentication error that says where keys are made', async () => {
      nock(API).get('/agents').query(true).reply(401, { error: { code: 'unauthorized', message: 'Invalid API key' } });
      const err = await rejection(() => run('authentication.test', { authData }));
      expect(err.name).toBe('ExpiredAuthError');
      expect(err.message).toContain('Settings → API');
    });
  });

  describe('creates', () => {
    it('Create Contact sends tags as a list and returns the contact', async () => {
      const contact = { name: 'Jane Smith', email: 'jane@example.com', phone: '+15555551234', company: 'Acme Corp', tags: ['prospect', 'enterprise'] };
      nock(API, { reqheaders: { 'idempotency-key': /.+/ } })
        .post('/contacts', contact)
        .reply(201, { id: 'contact_abc123', name: 'Jane Smith', email: 'jane@example.com', created_at: '2025-01-15T10:30:00Z' });
      const result = await run('creates.contacts_create.operation.perform', { authData, inputData: { ...contact, tags: ['prospect', ' enterprise', ''] } });
      expect(result).toEqual({ id: 'contact_abc123', name: 'Jane Smith', email: 'jane@example.com', created_at: '2025-01-15T10:30:00Z' });
    });

    it("keeps Ayra's error code and message", async () => {
      nock(API).post('/contacts').reply(422, { error: { code: 'invalid_request', message: 'Phone format invalid', details: 'Include country code' } });
      const err = await rejection(() => run('creates.contacts_create.operation.perform', { authData, inputData: { name: 'Jane Smith' } }));
      expect(err).toMatchObject({ code: 'invalid_request', status: 422 });
      expect(err.message).toContain('Phone format invalid (Include country code)');
    });

    it('Update Agent picks the agent from a dropdown and refuses an update that changes nothing', async () => {
      const fields = app.creates.agents_update?.operation.inputFields as Array<{ key: string; dynamic?: string; search?: string }>;
      expect(fields.find((f) => f.key === 'agent_id')).toMatchObject({ dynamic: 'agents_list.id.name', search: 'agents_list.id' });
      const err = await rejection(() => run('creates.agents_update.operation.perform', { authData, inputData: { agent_id: 'agent_1' } }));
      expect(err.code).toBe('validation_error');
      expect(err.message).toContain('give at least one field to change');
      nock(API).patch('/agents/agent_1', { status: 'paused' }).reply(200, agent('agent_1', '2025-01-15T10:30:00Z'));
      await expect(run('creates.agents_update.operation.perform', { authData, inputData: { agent_id: 'agent_1', status: 'paused' } })).resolves.toMatchObject({ id: 'agent_1' });
    });

    it('Enable Agent and Disable Agent post to their endpoints', async () => {
      nock(API).post('/agents/agent_1/enable').reply(200, agent('agent_1', '2025-01-15T10:30:00Z'));
      nock(API).post('/agents/agent_1/disable').reply(200, { ...agent('agent_1', '2025-01-15T10:30:00Z'), status: 'paused' });
      await expect(run('creates.agents_enable.operation.perform', { authData, inputData: { agent_id: 'agent_1' } })).resolves.toMatchObject({ status: 'active' });
      await expect(run('creates.agents_disable.operation.perform', { authData, inputData: { agent_id: 'agent_1' } })).resolves.toMatchObject({ status: 'paused' });
    });

    it('Trigger Workflow sends its data line items as an object and is known by its execution', async () => {
      nock(API)
        .post('/workflows/wf_abc123/trigger', { data: { contact_id: 'contact_abc123', reason: 'follow_up' } })
        .reply(200, { execution_id: 'exec_1', workflow_id: 'wf_abc123', status: 'running', started_at: '2025-01-15T15:00:00Z' });
      const result = await run('creates.workflows_trigger.operation.perform', {
        authData,
        inputData: { workflow_id: 'wf_abc123', data: [{ data_key: 'contact_id', data_value: 'contact_abc123' }, { data_key: 'reason', data_value: 'follow_up' }] },
      });
      expect(result).toMatchObject({ id: 'exec_1', execution_id: 'exec_1' });
    });

    it('names a line item that has a value but no name', async () => {
      const err = await rejection(() => run('creates.workflows_trigger.operation.perform', { authData, inputData: { workflow_id: 'wf_1', data: [{ data_value: 'x' }] } }));
      expect(err.message).toContain('Data (data.0) has a value without a name');
    });
  });

  describe('searches', () => {
    it('Find Contact searches and pairs with Create Contact as find-or-create', async () => {
      expect(app.searchOrCreates?.contacts_list).toMatchObject({ key: 'contacts_list', search: 'contacts_list', create: 'contacts_create' });
      nock(API).get('/contacts').query({ search: 'jane' }).reply(200, { data: [{ id: 'contact_abc123', name: 'Jane Smith' }], meta: meta(1) });
      await expect(run('searches.contacts_list.operation.perform', { authData, inputData: { search: 'jane' } })).resolves.toEqual([{ id: 'contact_abc123', name: 'Jane Smith' }]);
      nock(API).get('/contacts').query({ search: 'nobody' }).reply(200, { data: [], meta: meta(0) });
      await expect(run('searches.contacts_list.operation.perform', { authData, inputData: { search: 'nobody' } })).resolves.toEqual([]);
    });

    it('Find Agent by ID returns nothing for an unknown agent', async () => {
      nock(API).get('/agents/agent_x').reply(404, { error: { code: 'not_found', message: 'Agent not found' } });
      await expect(run('searches.agents_get.operation.perform', { authData, inputData: { agent_id: 'agent_x' } })).resolves.toEqual([]);
    });
  });

  describe('polling triggers', () => {
    it('New Agent asks Ayra for the newest agents first, a full page', async () => {
      const agents = [agent('agent_2', '2025-01-16T10:00:00Z'), agent('agent_1', '2025-01-15T10:00:00Z')];
      nock(API)
        .get('/agents')
        .query({ per_page: '100', page: '1', sort_by: 'created_at', sort_order: 'desc', status: 'active' })
        .reply(200, { data: agents, meta: meta(2) });
      await expect(run('triggers.agents_list.operation.perform', { authData, inputData: { status: 'active' } })).resolves.toEqual(agents);
    });

    it('New Contact returns contacts newest first even when Ayra lists them oldest first', async () => {
      const older = { id: 'c1', name: 'A', created_at: '2025-01-01T00:00:00Z' };
      const newer = { id: 'c2', name: 'B', created_at: '2025-01-02T00:00:00Z' };
      nock(API).get('/contacts').query({ per_page: '100', page: '1' }).reply(200, { data: [older, newer], meta: meta(2) });
      await expect(run('triggers.contacts_list.operation.perform', { authData, inputData: {} })).resolves.toEqual([newer, older]);
    });

    it('New Conversation can be limited to one agent', async () => {
      const fields = app.triggers.conversations_list?.operation.inputFields as Array<{ key: string }>;
      expect(fields.map((f) => f.key)).toEqual(['agent_id']);
      nock(API).get('/conversations').query({ per_page: '100', page: '1', agent_id: 'agent_1' }).reply(200, { data: [{ id: 'conv_1', agent_id: 'agent_1' }], meta: meta(1) });
      await expect(run('triggers.conversations_list.operation.perform', { authData, inputData: { agent_id: 'agent_1' } })).resolves.toEqual([{ id: 'conv_1', agent_id: 'agent_1' }]);
    });
  });

  it('turns a 429 without a stated wait into ThrottledError with a default wait', async () => {
    // One short retry (core's backoff), then Zapier takes over with its default wait.
    nock(API).get('/agents/agent_1').times(2).reply(429, { error: { code: 'rate_limited', message: 'Slow down' } });
    const err = await rejection(() => run('searches.agents_get.operation.perform', { authData, inputData: { agent_id: 'agent_1' } }));
    expect(err).toMatchObject({ name: 'ThrottledError', delay: 60 });
  });
});
