import { field } from '../spec/fields';
import { defineOperation, defineProvider, operations } from '../spec/define';
import { changesSomething, dateOrder } from './rules';

/**
 * Ayra: voice agents, their conversations, contacts and workflows.
 *
 * The list-agents document is complete; the overview names the other endpoints and shows
 * one contact example. Operations the documents only name model what they show and are
 * `passthrough`, so fields we did not know about still reach Ayra.
 */

const AGENT_STATUSES = ['active', 'paused', 'archived'] as const;
const VOICE_PLATFORMS = ['vapi', 'retell'] as const;

const agentsDropdown = { operation: 'agents.list', value: 'id', label: 'name' };
const contactsDropdown = { operation: 'contacts.list', value: 'id', label: 'name' };

const sampleAgent = {
  id: 'agent_abc123',
  name: 'Customer Support Agent',
  phone_number: '+15551234567',
  voice_platform: 'vapi',
  language: 'en',
  status: 'active',
  created_at: '2025-01-15T10:30:00Z',
  updated_at: '2025-01-15T14:22:00Z',
};

/** Ayra's webhook envelope (assumed, as for Aila): the event's id, name and time around its record. */
function ayraEvent(id: string, event: string, createdAt: string, data: Record<string, unknown>): Record<string, unknown> {
  return { id, event, created_at: createdAt, data };
}

const sampleContact = {
  id: 'contact_abc123',
  name: 'Jane Smith',
  email: 'jane@example.com',
  phone: '+15555551234',
  company: 'Acme Corp',
  tags: ['prospect', 'enterprise'],
  created_at: '2025-01-15T10:30:00Z',
  updated_at: '2025-01-15T10:30:00Z',
};

const sampleConversation = {
  id: 'conv_abc123',
  agent_id: 'agent_abc123',
  contact_id: 'contact_abc123',
  phone_number: '+15555551234',
  direction: 'inbound',
  status: 'completed',
  duration_seconds: 184,
  summary: 'Caller asked to move her appointment to Friday; rescheduled.',
  started_at: '2025-01-15T11:02:00Z',
  ended_at: '2025-01-15T11:05:04Z',
};

function listMeta(total: number, perPage: number, requestId: string): Record<string, unknown> {
  return {
    total,
    page: 1,
    per_page: perPage,
    total_pages: Math.max(1, Math.ceil(total / perPage)),
    request_id: requestId,
    timestamp: '2025-01-15T15:00:00Z',
  };
}

const agentId = field.id({
  label: 'Agent ID',
  help: 'The agent to act on, e.g. agent_abc123 (pick it from the list).',
  in: 'path',
  required: true,
  example: 'agent_abc123',
  dynamic: agentsDropdown,
});

const contactId = field.id({
  label: 'Contact ID',
  help: 'The contact to act on, e.g. contact_abc123 (pick it from the list).',
  in: 'path',
  required: true,
  example: 'contact_abc123',
  dynamic: contactsDropdown,
});

const page = field.integer({ label: 'Page', help: 'Page number, starting at 1.', in: 'query', min: 1, default: 1, example: 1 });
const perPage = field.integer({
  label: 'Per Page',
  help: 'Items per page, 1 to 100.',
  in: 'query',
  min: 1,
  max: 100,
  default: 25,
  example: 25,
});
const createdAfter = field.datetime({
  label: 'Created After',
  help: 'Only records created after this time (ISO 8601, e.g. 2025-01-01T00:00:00Z).',
  in: 'query',
  example: '2025-01-01T00:00:00Z',
});
const createdBefore = field.datetime({
  label: 'Created Before',
  help: 'Only records created before this time (ISO 8601, e.g. 2025-02-01T00:00:00Z).',
  in: 'query',
  example: '2025-02-01T00:00:00Z',
});

const LANGUAGE_CODE = { pattern: /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, patternHelp: 'must be a language code such as en, es or en-US' };

const agentBody = {
  phone_number: field.phone({ label: 'Phone Number', help: 'The number the agent answers and calls from, in E.164 format.', example: '+15551234567' }),
  voice_platform: field.enum(VOICE_PLATFORMS, { label: 'Voice Platform', help: 'Where the agent\'s voice runs: vapi or retell.', example: 'vapi' }),
  language: field.string({ label: 'Language', help: 'Language code the agent speaks, e.g. en or es.', ...LANGUAGE_CODE, example: 'en' }),
};

const contactBody = {
  email: field.email({ label: 'Email', help: 'The contact\'s email address.', example: 'jane@example.com' }),
  phone: field.phone({ label: 'Phone', help: 'The contact\'s phone number in E.164 format, country code included.', example: '+15555551234' }),
  company: field.string({ label: 'Company', help: 'The company the contact works for.', example: 'Acme Corp' }),
  tags: field.stringList({ label: 'Tags', help: 'Labels for segmenting contacts, e.g. prospect, enterprise.', example: ['prospect', 'enterprise'] }),
};

export const ayra = defineProvider({
  id: 'ayra',
  name: 'Ayra',
  description: 'Manage voice agents, conversations, contacts and workflows.',
  baseUrl: 'https://api.ayra.ai/v1',
  docsUrl: 'https://ayra.ai/docs/api',
  auth: { type: 'bearer' },
  keyHelp: 'Generate an API key in Ayra under Settings → API. Use a separate key per integration.',
  pagination: {
    style: 'page',
    pageParam: 'page',
    sizeParam: 'per_page',
    defaultSize: 25,
    maxSize: 100,
    totalPagesPath: 'meta.total_pages',
    totalPath: 'meta.total',
    nextLinkPath: 'links.next',
  },
  // "typically several hundred requests/minute": keep under the low end.
  rateLimit: { requests: 300, perMs: 60_000 },
  webhooks: {
    // Ayra only mentions webhooks; this scheme is the common convention, and configurable.
    signature: { type: 'hmac', algorithm: 'sha256', header: 'x-ayra-signature', prefix: 'sha256=', encoding: 'hex' },
    eventHeader: 'x-ayra-event',
    eventField: 'event',
    events: [
      'conversation.started',
      'conversation.completed',
      'workflow.completed',
      'workflow.failed',
      'contact.created',
      'contact.updated',
      'agent.updated',
    ],
    open: true,
    idField: 'id',
    timestampField: 'created_at',
    documented: false,
    // Ayra documents no payloads: each event in the envelope of its conversation.completed
    // fixture, carrying the record the API returns for that resource (docs/provider-notes.md).
    samples: {
      'conversation.started': ayraEvent('evt_ce968a18f5', 'conversation.started', '2025-01-15T11:02:01Z', {
        ...sampleConversation,
        status: 'in_progress',
        duration_seconds: null,
        summary: null,
        ended_at: null,
      }),
      'conversation.completed': ayraEvent('evt_7d3e9b21c4', 'conversation.completed', '2025-01-15T11:05:06Z', sampleConversation),
      'workflow.completed': ayraEvent('evt_35deca8ec7', 'workflow.completed', '2025-01-15T15:00:05Z', {
        execution_id: 'exec_abc123',
        workflow_id: 'wf_abc123',
        status: 'completed',
        started_at: '2025-01-15T15:00:00Z',
        completed_at: '2025-01-15T15:00:04Z',
        output: { call_scheduled: true },
      }),
      'workflow.failed': ayraEvent('evt_f8fc850063', 'workflow.failed', '2025-01-15T15:10:03Z', {
        execution_id: 'exec_def456',
        workflow_id: 'wf_brk500',
        status: 'failed',
        started_at: '2025-01-15T15:10:00Z',
        completed_at: '2025-01-15T15:10:02Z',
        error: { code: 'crm_connection_failed', message: 'The CRM refused the connection: its credentials have expired.' },
      }),
      'contact.created': ayraEvent('evt_95241cba61', 'contact.created', '2025-01-15T10:30:01Z', sampleContact),
      'contact.updated': ayraEvent('evt_6d010db9a6', 'contact.updated', '2025-01-16T12:00:01Z', { ...sampleContact, company: 'Acme Holdings', updated_at: '2025-01-16T12:00:00Z' }),
      'agent.updated': ayraEvent('evt_b1c92ec067', 'agent.updated', '2025-01-16T09:14:01Z', { ...sampleAgent, status: 'paused', updated_at: '2025-01-16T09:14:00Z' }),
    },
  },
  testOperation: 'agents.list',
  operations: operations(
    defineOperation('agents.list', {
      summary: 'List agents',
      description: 'Lists agents with optional filtering and sorting; results may be up to 30 seconds stale.',
      method: 'GET',
      path: '/agents',
      list: { itemsPath: 'data' },
      fields: {
        page,
        per_page: perPage,
        status: field.enum(AGENT_STATUSES, { label: 'Status', help: 'Only agents with this status.', in: 'query', example: 'active' }),
        voice_platform: field.enum(VOICE_PLATFORMS, { label: 'Voice Platform', help: 'Only agents on this voice platform.', in: 'query', example: 'vapi' }),
        language: field.string({ label: 'Language', help: 'Only agents speaking this language code, e.g. en or es.', in: 'query', ...LANGUAGE_CODE, example: 'en' }),
        search: field.string({ label: 'Search', help: 'Part of an agent name to look for; empty matches all.', in: 'query', example: 'support' }),
        created_after: createdAfter,
        created_before: createdBefore,
        sort_by: field.enum(['name', 'created_at', 'updated_at'], { label: 'Sort By', help: 'Field to sort by.', in: 'query', default: 'created_at', example: 'name' }),
        sort_order: field.enum(['asc', 'desc'], { label: 'Sort Order', help: 'Ascending (asc) or descending (desc).', in: 'query', default: 'desc', example: 'asc' }),
      },
      check: dateOrder('created_after', 'created_before'),
      sample: {
        data: [
          sampleAgent,
          {
            id: 'agent_def456',
            name: 'Sales Assistant',
            phone_number: '+15559876543',
            voice_platform: 'retell',
            language: 'en',
            status: 'active',
            created_at: '2025-01-14T09:15:00Z',
            updated_at: '2025-01-14T09:15:00Z',
          },
        ],
        meta: { total: 47, page: 1, per_page: 25, total_pages: 2, request_id: 'req_list_agents_123', timestamp: '2025-01-15T15:00:00Z' },
        links: {
          first: 'https://api.ayra.ai/v1/agents?page=1',
          prev: null,
          next: 'https://api.ayra.ai/v1/agents?page=2',
          last: 'https://api.ayra.ai/v1/agents?page=2',
        },
      },
      surfaces: { zapier: 'search' },
    }),
    defineOperation('agents.get', {
      summary: 'Get an agent',
      description: 'Fetches one agent with its complete configuration.',
      method: 'GET',
      path: '/agents/{agent_id}',
      fields: { agent_id: agentId },
      sample: { ...sampleAgent, description: 'Answers support calls and books callbacks.' },
      surfaces: { zapier: 'search' },
    }),
    defineOperation('agents.create', {
      summary: 'Create an agent',
      description: 'Creates a voice agent. Settings not listed here are forwarded to Ayra as given.',
      method: 'POST',
      path: '/agents',
      idempotent: true,
      passthrough: true,
      fields: {
        name: field.string({ label: 'Name', help: 'A name for the agent, shown in Ayra and in call lists.', required: true, min: 1, example: 'Customer Support Agent' }),
        ...agentBody,
      },
      sample: { ...sampleAgent, id: 'agent_ghi789', status: 'active', created_at: '2025-01-16T08:00:00Z', updated_at: '2025-01-16T08:00:00Z' },
      surfaces: { zapier: 'create' },
    }),
    defineOperation('agents.update', {
      summary: 'Update an agent',
      description: 'Changes the given settings of an agent and leaves the rest as they are.',
      method: 'PATCH',
      path: '/agents/{agent_id}',
      passthrough: true,
      fields: {
        agent_id: agentId,
        name: field.string({ label: 'Name', help: 'A new name for the agent.', min: 1, example: 'Customer Support Agent' }),
        ...agentBody,
        status: field.enum(AGENT_STATUSES, { label: 'Status', help: 'The agent\'s new status.', example: 'paused' }),
      },
      check: changesSomething('agent_id'),
      sample: { ...sampleAgent, name: 'Tier 1 Support Agent', updated_at: '2025-01-16T09:12:00Z' },
      surfaces: { zapier: 'create' },
    }),
    defineOperation('agents.enable', {
      summary: 'Enable an agent',
      description: 'Turns an agent on so it takes and makes calls.',
      method: 'POST',
      path: '/agents/{agent_id}/enable',
      fields: { agent_id: agentId },
      sample: { ...sampleAgent, status: 'active', updated_at: '2025-01-16T09:15:00Z' },
      surfaces: { zapier: 'create' },
    }),
    defineOperation('agents.disable', {
      summary: 'Disable an agent',
      description: 'Pauses an agent so it stops taking and making calls.',
      method: 'POST',
      path: '/agents/{agent_id}/disable',
      fields: { agent_id: agentId },
      sample: { ...sampleAgent, status: 'paused', updated_at: '2025-01-16T09:14:00Z' },
      surfaces: { zapier: 'create' },
    }),
    defineOperation('agents.delete', {
      summary: 'Delete an agent',
      description: 'Deletes an agent for good.',
      method: 'DELETE',
      path: '/agents/{agent_id}',
      fields: { agent_id: agentId },
      sample: { id: 'agent_abc123', deleted: true },
      surfaces: { zapier: 'none' },
    }),
    defineOperation('conversations.list', {
      summary: 'List conversations',
      description: 'Lists conversations, newest first. Filters not listed here are forwarded to Ayra as given.',
      method: 'GET',
      path: '/conversations',
      passthrough: true,
      list: { itemsPath: 'data' },
      fields: {
        page,
        per_page: perPage,
        agent_id: field.id({ label: 'Agent ID', help: 'Only conversations handled by this agent.', in: 'query', example: 'agent_abc123', dynamic: agentsDropdown }),
        created_after: createdAfter,
        created_before: createdBefore,
      },
      check: dateOrder('created_after', 'created_before'),
      sample: {
        data: [sampleConversation],
        meta: listMeta(1, 25, 'req_list_conversations_123'),
        links: { first: 'https://api.ayra.ai/v1/conversations?page=1', prev: null, next: null, last: 'https://api.ayra.ai/v1/conversations?page=1' },
      },
      surfaces: { zapier: 'search' },
    }),
    defineOperation('conversations.get', {
      summary: 'Get a conversation',
      description: 'Fetches one conversation with its transcript, recording and analysis.',
      method: 'GET',
      path: '/conversations/{conversation_id}',
      fields: {
        conversation_id: field.id({ label: 'Conversation ID', help: 'The conversation to fetch, e.g. conv_abc123.', in: 'path', required: true, example: 'conv_abc123' }),
      },
      sample: {
        ...sampleConversation,
        recording_url: 'https://cdn.ayra.ai/recordings/conv_abc123.mp3',
        transcript: [
          { role: 'agent', text: 'Hi, thanks for calling Acme support. How can I help?' },
          { role: 'user', text: 'I need to move my appointment to Friday.' },
        ],
      },
      surfaces: { zapier: 'search' },
    }),
    defineOperation('contacts.create', {
      summary: 'Create a contact',
      description: 'Adds a customer record. Fields not listed here are forwarded to Ayra as given.',
      method: 'POST',
      path: '/contacts',
      idempotent: true,
      passthrough: true,
      fields: {
        name: field.string({ label: 'Name', help: 'The contact\'s full name.', required: true, min: 1, example: 'Jane Smith' }),
        ...contactBody,
      },
      sample: { id: 'contact_abc123', name: 'Jane Smith', email: 'jane@example.com', created_at: '2025-01-15T10:30:00Z' },
      surfaces: { zapier: 'create' },
    }),
    defineOperation('contacts.list', {
      summary: 'List contacts',
      description: 'Lists contacts. Filters not listed here are forwarded to Ayra as given.',
      method: 'GET',
      path: '/contacts',
      passthrough: true,
      list: { itemsPath: 'data' },
      fields: {
        page,
        per_page: perPage,
        search: field.string({ label: 'Search', help: 'Part of a name, email or phone number to look for.', in: 'query', example: 'jane' }),
      },
      sample: {
        data: [sampleContact],
        meta: listMeta(1, 25, 'req_list_contacts_123'),
        links: { first: 'https://api.ayra.ai/v1/contacts?page=1', prev: null, next: null, last: 'https://api.ayra.ai/v1/contacts?page=1' },
      },
      surfaces: { zapier: 'search' },
    }),
    defineOperation('contacts.get', {
      summary: 'Get a contact',
      description: 'Fetches one contact.',
      method: 'GET',
      path: '/contacts/{contact_id}',
      fields: { contact_id: contactId },
      sample: sampleContact,
      surfaces: { zapier: 'search' },
    }),
    defineOperation('contacts.update', {
      summary: 'Update a contact',
      description: 'Changes the given fields of a contact and leaves the rest as they are.',
      method: 'PATCH',
      path: '/contacts/{contact_id}',
      passthrough: true,
      fields: {
        contact_id: contactId,
        name: field.string({ label: 'Name', help: 'The contact\'s new full name.', min: 1, example: 'Jane Smith' }),
        ...contactBody,
      },
      check: changesSomething('contact_id'),
      sample: { ...sampleContact, company: 'Acme Holdings', updated_at: '2025-01-16T12:00:00Z' },
      surfaces: { zapier: 'create' },
    }),
    defineOperation('workflows.trigger', {
      summary: 'Trigger a workflow',
      description: 'Starts a workflow with the data you pass; check its progress with workflows.status.',
      method: 'POST',
      path: '/workflows/{workflow_id}/trigger',
      idempotent: true,
      fields: {
        workflow_id: field.id({ label: 'Workflow ID', help: 'The workflow to start, e.g. wf_abc123 (shown in the workflow\'s settings).', in: 'path', required: true, example: 'wf_abc123' }),
        data: field.keyValue({ label: 'Data', help: 'Values the workflow can use, as key/value pairs.', example: { contact_id: 'contact_abc123', reason: 'follow_up' } }),
      },
      sample: { execution_id: 'exec_abc123', workflow_id: 'wf_abc123', status: 'running', started_at: '2025-01-15T15:00:00Z' },
      surfaces: { zapier: 'create' },
    }),
    defineOperation('workflows.status', {
      summary: 'Get a workflow execution',
      description: 'Fetches the status of one workflow run, and its output once it has finished.',
      method: 'GET',
      path: '/workflows/{workflow_id}/executions/{execution_id}',
      fields: {
        workflow_id: field.id({ label: 'Workflow ID', help: 'The workflow that ran, e.g. wf_abc123.', in: 'path', required: true, example: 'wf_abc123' }),
        execution_id: field.id({ label: 'Execution ID', help: 'The execution_id returned when the workflow was triggered.', in: 'path', required: true, example: 'exec_abc123' }),
      },
      sample: {
        execution_id: 'exec_abc123',
        workflow_id: 'wf_abc123',
        status: 'completed',
        started_at: '2025-01-15T15:00:00Z',
        completed_at: '2025-01-15T15:00:04Z',
        output: { call_scheduled: true },
      },
      surfaces: { zapier: 'search' },
    }),
    defineOperation('analytics.get', {
      summary: 'Get analytics',
      description: 'Fetches conversation analytics for a date range. Filters not listed here are forwarded to Ayra as given.',
      method: 'GET',
      path: '/analytics',
      passthrough: true,
      fields: {
        start_date: field.datetime({ label: 'Start Date', help: 'Start of the range (ISO 8601 date or timestamp).', in: 'query', example: '2025-01-01' }),
        end_date: field.datetime({ label: 'End Date', help: 'End of the range (ISO 8601 date or timestamp).', in: 'query', example: '2025-01-31' }),
        agent_id: field.id({ label: 'Agent ID', help: 'Only this agent\'s conversations.', in: 'query', example: 'agent_abc123', dynamic: agentsDropdown }),
      },
      check: dateOrder('start_date', 'end_date'),
      sample: {
        start_date: '2025-01-01',
        end_date: '2025-01-31',
        total_conversations: 1240,
        completed_conversations: 1175,
        average_duration_seconds: 143,
        by_agent: [{ agent_id: 'agent_abc123', conversations: 820 }, { agent_id: 'agent_def456', conversations: 420 }],
      },
      surfaces: { zapier: 'search' },
    }),
  ),
});
