import { field } from '../spec/fields';
import { defineOperation, defineProvider, operations } from '../spec/define';

/** Vyora: trigger outbound AI voice calls; results arrive by signed webhook or by polling. */

const sampleCall = {
  call_id: 'abc123xyz',
  agent_id: 'def456-...',
  agent_name: 'Home Loan Agent',
  contact_name: 'Rahul Sharma',
  phone_number: '+919876543210',
  status: 'completed',
  direction: 'outbound',
  duration_seconds: 47,
  recording_url: 'https://cdn.vyora.ai/recordings/abc123.mp3',
  transcript: [
    { bot: "Hi Rahul, I'm calling about your home loan inquiry..." },
    { user: 'Yes, I was interested in learning more...' },
  ],
  analysis: { summary: 'Lead expressed strong interest, asked about EMI options.', classification: 'Interested' },
  called_at: '2026-05-24T10:30:00Z',
};

const callId = field.id({
  label: 'Call ID',
  help: 'The call_id returned when the call was triggered.',
  in: 'path',
  required: true,
  example: 'abc123xyz',
});

/** The document's example webhook body (the call_completed event). */
const VYORA_CALL = {
  event: 'call_completed',
  call_id: 'abc123xyz',
  phone_number: '+919876543210',
  contact_name: 'Rahul Sharma',
  agent_id: 'your-agent-id',
  agent_name: 'Home Loan Agent',
  status: 'completed',
  direction: 'outbound',
  duration_seconds: 47,
  recording_url: 'https://cdn.vyora.ai/recordings/abc123.mp3',
  transcript: [{ bot: "Hi Rahul, I'm calling about your home loan inquiry..." }, { user: 'Yes, I was interested in learning more...' }],
  analysis: { summary: 'Lead expressed strong interest, asked about EMI options.', classification: 'Interested' },
  campaign_id: 'campaign_456',
  custom_args: { name: 'Rahul Sharma', product: 'Home Loan' },
  called_at: '2026-05-24T10:30:00Z',
  timestamp: '2026-05-24T10:31:15Z',
} as const;

export const vyora = defineProvider({
  id: 'vyora',
  name: 'Vyora',
  description: 'Trigger AI voice calls and receive transcripts and analysis.',
  baseUrl: 'https://api.vyora.ai',
  docsUrl: 'https://vyora.ai/docs/api',
  auth: { type: 'header', header: 'X-API-KEY' },
  keyHelp: 'Generate your key in Vyora under Settings → Integrations.',
  pagination: { style: 'offset', limitParam: 'limit', offsetParam: 'offset', defaultSize: 50, maxSize: 100, totalPath: 'total', stopOnShortPage: false },
  rateLimit: { requests: 60, perMs: 60_000 },
  webhooks: {
    signature: { type: 'hmac', algorithm: 'sha256', header: 'x-vyora-signature', prefix: 'sha256=', encoding: 'hex' },
    eventHeader: 'x-vyora-event',
    eventField: 'event',
    events: ['call_started', 'call_completed', 'all_processing_completed'],
    open: false,
    dedupeFields: ['call_id'],
    timestampField: 'timestamp',
    documented: true,
    samples: {
      // The document shows call_completed; the other two events carry the same call record at
      // their stage (docs/provider-notes.md).
      call_started: { ...VYORA_CALL, event: 'call_started', status: 'in_progress', duration_seconds: null, recording_url: null, transcript: null, analysis: null, timestamp: '2026-05-24T10:30:02Z' },
      call_completed: { ...VYORA_CALL, event: 'call_completed' },
      all_processing_completed: { ...VYORA_CALL, event: 'all_processing_completed', timestamp: '2026-05-24T10:31:40Z' },
    },
    filters: [
      {
        name: 'classifications',
        label: 'Only Classifications',
        help: "Only calls whose AI analysis classified them as one of these (Vyora's own words, e.g. Interested). The analysis exists once processing is done (all_processing_completed).",
        path: 'analysis.classification',
        test: 'oneOf',
        events: ['all_processing_completed'],
        example: ['Interested'],
      },
      {
        name: 'min_duration_seconds',
        label: 'Minimum Duration (Seconds)',
        help: 'Only calls that lasted at least this many seconds. A call has a duration once it has ended (call_completed, all_processing_completed).',
        path: 'duration_seconds',
        test: 'atLeast',
        events: ['call_completed', 'all_processing_completed'],
        example: 30,
      },
    ],
  },
  testOperation: 'agents.list',
  operations: operations(
    defineOperation('agents.list', {
      summary: 'List agents',
      description: 'Returns the active agents in the workspace; use an id or name when triggering calls.',
      method: 'GET',
      path: '/v1/agents',
      list: { itemsPath: 'agents' },
      fields: {
        limit: field.integer({ label: 'Limit', help: 'Agents per page (1-100).', in: 'query', min: 1, max: 100, example: 50 }),
        offset: field.integer({ label: 'Offset', help: 'How many agents to skip.', in: 'query', min: 0, example: 0 }),
      },
      sample: {
        agents: [
          { id: 'abc123-...', name: 'Home Loan Agent', language: 'hi-IN', agent_type: 'outbound' },
          { id: 'def456-...', name: 'Admission Enquiry', language: 'en-IN', agent_type: 'outbound' },
        ],
        total: 2,
        limit: 50,
        offset: 0,
      },
      surfaces: { zapier: 'search' },
    }),
    defineOperation('calls.trigger', {
      summary: 'Trigger a call',
      description: 'Starts an outbound AI call immediately; results arrive by webhook or calls.get.',
      method: 'POST',
      path: '/v1/calls',
      idempotent: true,
      fields: {
        phone_number: field.phone({ label: 'Phone Number', help: 'The number to call, in E.164 format.', required: true, example: '+919876543210' }),
        agent_name: field.string({ label: 'Agent Name', help: 'Name of the agent that makes the call.', min: 1, example: 'Home Loan Agent', dynamic: { operation: 'agents.list', value: 'name', label: 'name' } }),
        agent_id: field.id({ label: 'Agent ID', help: 'ID of the agent that makes the call (instead of its name).', dynamic: { operation: 'agents.list', value: 'id', label: 'name' } }),
        custom_args: field.keyValue({ label: 'Custom Arguments', help: 'Values the agent can use in the conversation, e.g. the contact\'s name.', example: { name: 'Rahul Sharma', product: 'Home Loan' } }),
      },
      sample: { call_id: 'abc123xyz', status: 'registered' },
      surfaces: { zapier: 'create' },
    }),
    defineOperation('calls.get', {
      summary: 'Get a call',
      description: 'Fetches one call: status, transcript, recording URL and analysis (the last two once processing completes).',
      method: 'GET',
      path: '/v1/calls/{call_id}',
      fields: { call_id: callId },
      sample: sampleCall,
      surfaces: { zapier: 'search' },
    }),
    defineOperation('calls.waitForAnalysis', {
      summary: 'Wait for call analysis',
      description: 'Polls calls.get until status is completed and analysis is present, or the timeout passes.',
      method: 'GET',
      path: '/v1/calls/{call_id}',
      fields: {
        call_id: callId,
        interval_seconds: field.number({ label: 'Poll Interval (Seconds)', help: 'Seconds between polls.', in: 'query', min: 0.1, max: 60, default: 3, example: 3 }),
        timeout_seconds: field.number({ label: 'Timeout (Seconds)', help: 'Give up after this many seconds.', in: 'query', min: 1, max: 3600, default: 60, example: 60 }),
      },
      poll: {
        operation: 'calls.get',
        until: [{ path: 'status', equals: 'completed' }, { path: 'analysis', notNull: true }],
        intervalField: 'interval_seconds',
        timeoutField: 'timeout_seconds',
        defaultIntervalMs: 3_000,
        defaultTimeoutMs: 60_000,
      },
      sample: sampleCall,
      surfaces: { zapier: 'none' },
    }),
  ),
});
