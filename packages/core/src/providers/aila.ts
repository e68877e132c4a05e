import { z } from 'zod';
import { field } from '../spec/fields';
import { defineOperation, defineProvider, operations } from '../spec/define';
import { allOf, changesSomething, csvSafe, dateOrder, distinct } from './rules';

/**
 * Aila: call recordings in, transcripts, analysis and quality scores out.
 *
 * Every success body is `{success, data, meta}`: the client returns `data` for single
 * objects and the whole body for lists (so `meta.total` stays visible). Samples below are
 * the bodies as sent; `sampleOutput` in spec/describe.ts gives what a call returns.
 * The overview names most endpoints without their fields: those are `passthrough`.
 */

/** Aila's webhook envelope, as its call.completed example shows it. */
function ailaSample(id: string, event: string, createdAt: string, data: Record<string, unknown>): Record<string, unknown> {
  return { id, event, created_at: createdAt, data };
}

const WEBHOOK_EVENTS = ['call.completed', 'call.data.extracted', 'task.created', 'task.synced', 'mismo.ready', 'test.ping'] as const;

const contactsDropdown = { operation: 'contacts.list', value: 'id', label: 'name' };

const sampleCall = {
  id: 'call_8f3k2m',
  user_id: 'usr_12ab',
  contact_id: 'ct_77xy',
  direction: 'outbound',
  phone_number: '+15125550142',
  status: 'processed',
  duration_seconds: 412,
  started_at: '2025-03-04T16:20:00Z',
  recording_url: 'https://storage.example.com/recordings/2025-03-04-maria-lopez.mp3',
};

const sampleContact = {
  id: 'ct_77xy',
  name: 'Maria Lopez',
  email: 'maria.lopez@example.com',
  phone: '+15125550142',
  company: 'Lone Star Lending',
  created_at: '2025-02-11T09:00:00Z',
  updated_at: '2025-03-04T16:30:00Z',
};

const sampleWebhook = {
  id: 'wh_3kd92',
  url: 'https://hooks.zapier.com/hooks/standard/123456/abcdef/',
  events: ['call.completed', 'task.created'],
  active: true,
  created_at: '2025-03-01T12:00:00Z',
};

const ok = (data: unknown, meta?: Record<string, unknown>): Record<string, unknown> => ({ success: true, data, ...(meta ? { meta } : {}) });

const callId = field.id({
  label: 'Call ID',
  help: 'The call to act on, e.g. call_8f3k2m.',
  in: 'path',
  required: true,
  example: 'call_8f3k2m',
});

const contactId = field.id({
  label: 'Contact ID',
  help: 'The contact to act on, e.g. ct_77xy (pick it from the list).',
  in: 'path',
  required: true,
  example: 'ct_77xy',
  dynamic: contactsDropdown,
});

const organizationId = field.id({
  label: 'Organization ID',
  help: 'Your Aila organization, which owns the webhook endpoints, e.g. org_5tq81.',
  in: 'path',
  required: true,
  example: 'org_5tq81',
});

const limit = field.integer({ label: 'Limit', help: 'Results per page, 1 to 100.', in: 'query', min: 1, max: 100, default: 50, example: 50 });
const offset = field.integer({ label: 'Offset', help: 'How many results to skip.', in: 'query', min: 0, default: 0, example: 0 });
const startDate = field.datetime({ label: 'Start Date', help: 'Start of the date range (ISO 8601, e.g. 2025-03-01).', in: 'query', example: '2025-03-01' });
const endDate = field.datetime({ label: 'End Date', help: 'End of the date range (ISO 8601, e.g. 2025-03-31).', in: 'query', example: '2025-03-31' });

/** One recording to process; shared by calls.upload and each item of calls.batchUpload. */
const uploadFields = {
  recording_url: field.url({ label: 'Recording URL', help: 'Where Aila can download the recording (http or https).', required: true, example: 'https://storage.example.com/recordings/2025-03-04-maria-lopez.mp3' }),
  user_id: field.string({ label: 'User ID', help: 'The team member who took the call.', min: 1, example: 'usr_12ab' }),
  contact_id: field.string({ label: 'Contact ID', help: 'The contact the call was with.', min: 1, example: 'ct_77xy', dynamic: contactsDropdown }),
  phone_number: field.phone({ label: 'Phone Number', help: 'The other party\'s number in E.164 format.', example: '+15125550142' }),
  direction: field.enum(['inbound', 'outbound'], { label: 'Direction', help: 'Whether the call came in or went out.', example: 'outbound' }),
  started_at: field.datetime({ label: 'Started At', help: 'When the call began (ISO 8601).', example: '2025-03-04T16:20:00Z' }),
  duration_seconds: field.integer({ label: 'Duration (Seconds)', help: 'Length of the call in seconds.', min: 0, example: 412 }),
  metadata: field.keyValue({ label: 'Metadata', help: 'Your own key/value pairs, returned with the call.', example: { loan_number: 'LN-20931' } }),
};

// Items keep unknown keys, as a single upload does: the documents do not list the fields.
const uploadItem = z.looseObject(Object.fromEntries(Object.entries(uploadFields).map(([k, f]) => [k, f.schema])));

export const aila = defineProvider({
  id: 'aila',
  name: 'Aila',
  description: 'Upload call recordings and get transcripts, extracted data, quality scores and team metrics.',
  baseUrl: 'https://api.aila.com/v1',
  docsUrl: 'https://aila.com/docs/api',
  // The documents say "API keys"; a bearer token is the common way to send one.
  auth: { type: 'bearer' },
  keyHelp: 'Create an API key in Aila\'s API settings (see Authentication in the Aila docs).',
  pagination: { style: 'offset', limitParam: 'limit', offsetParam: 'offset', defaultSize: 50, maxSize: 100, totalPath: 'meta.total', stopOnShortPage: true },
  rateLimit: {
    requests: 1000,
    perMs: 3_600_000,
    limitHeader: 'x-ratelimit-limit',
    remainingHeader: 'x-ratelimit-remaining',
    resetHeader: 'x-ratelimit-reset',
  },
  envelope: { dataPath: 'data' },
  webhooks: {
    // Aila documents only "HMAC-signed"; header, prefix and encoding are the common convention, and configurable.
    signature: { type: 'hmac', algorithm: 'sha256', header: 'x-aila-signature', prefix: 'sha256=', encoding: 'hex' },
    eventHeader: 'x-aila-event',
    eventField: 'event',
    events: WEBHOOK_EVENTS,
    open: false,
    idField: 'id',
    timestampField: 'created_at',
    documented: false,
    // call.completed is the document's example; the others follow its envelope with the
    // records the document describes for each event.
    samples: {
      'call.completed': ailaSample('evt_2f9c1a7b5e', 'call.completed', '2025-03-04T16:29:40Z', {
        call_id: 'call_8f3k2m',
        user_id: 'usr_12ab',
        contact_id: 'ct_77xy',
        status: 'processed',
        duration_seconds: 412,
      }),
      'call.data.extracted': ailaSample('evt_3a0d2b8c6f', 'call.data.extracted', '2025-03-04T16:30:02Z', {
        call_id: 'call_8f3k2m',
        contact_id: 'ct_77xy',
        fields: { borrower_name: 'Maria Lopez', loan_purpose: 'refinance', rate_lock_requested: true, sentiment: 'positive' },
      }),
      'task.created': ailaSample('evt_4b1e3c9d7a', 'task.created', '2025-03-04T16:30:05Z', {
        task_id: 'task_4hq2wz',
        call_id: 'call_8f3k2m',
        title: 'Follow up with Maria Lopez',
        assignee_user_id: 'usr_12ab',
        due_date: '2025-03-06',
      }),
      'task.synced': ailaSample('evt_5c2f4d0e8b', 'task.synced', '2025-03-04T16:31:10Z', {
        task_id: 'task_4hq2wz',
        call_id: 'call_8f3k2m',
        crm: 'Salesforce',
        external_id: '00T5e00000AbCdE',
      }),
      'mismo.ready': ailaSample('evt_6d3a5e1f9c', 'mismo.ready', '2025-03-04T16:33:00Z', {
        call_id: 'call_8f3k2m',
        loan_number: 'LN-20931',
        mismo_version: '3.4',
        document_url: 'https://files.aila.com/mismo/call_8f3k2m.xml',
      }),
      'test.ping': ailaSample('evt_0a1b2c3d4e', 'test.ping', '2025-03-01T12:00:05Z', {}),
    },
  },
  testOperation: 'calls.list',
  operations: operations(
    defineOperation('calls.list', {
      summary: 'List calls',
      description: 'Lists processed calls, optionally for a date range or one team member.',
      method: 'GET',
      path: '/calls',
      list: { itemsPath: 'data' },
      fields: {
        start_date: startDate,
        end_date: endDate,
        user_id: field.string({ label: 'User ID', help: 'Only calls taken by this team member.', in: 'query', min: 1, example: 'usr_12ab' }),
        limit,
        offset,
      },
      check: dateOrder('start_date', 'end_date'),
      sample: ok([sampleCall], { page: 1, limit: 50, total: 1 }),
      surfaces: { zapier: 'search' },
    }),
    defineOperation('calls.get', {
      summary: 'Get a call',
      description: 'Fetches one call with its transcript, analysis and quality scores.',
      method: 'GET',
      path: '/calls/{call_id}',
      fields: { call_id: callId },
      sample: ok({
        ...sampleCall,
        transcript: [
          { speaker: 'agent', text: 'Hi Maria, this is Sam from Lone Star Lending.', start_seconds: 0 },
          { speaker: 'contact', text: 'Hi Sam, I wanted to ask about my rate lock.', start_seconds: 4.2 },
        ],
        analysis: { summary: 'Borrower asked about extending her rate lock; follow-up promised.', sentiment: 'positive' },
        quality: { overall_score: 86 },
      }),
      surfaces: { zapier: 'search' },
    }),
    defineOperation('calls.upload', {
      summary: 'Upload a call recording',
      description: 'Sends one call recording for processing. Fields not listed here are forwarded to Aila as given.',
      method: 'POST',
      path: '/calls/upload',
      idempotent: true,
      passthrough: true,
      fields: uploadFields,
      sample: ok({ id: 'call_9h4n1p', status: 'queued', recording_url: sampleCall.recording_url, created_at: '2025-03-04T16:31:00Z' }),
      surfaces: { zapier: 'create' },
    }),
    defineOperation('calls.batchUpload', {
      summary: 'Upload calls in a batch',
      description: 'Sends 1 to 100 call recordings for processing in one request.',
      method: 'POST',
      path: '/calls/batch-upload',
      idempotent: true,
      fields: {
        calls: field.objectList(uploadItem, {
          label: 'Calls',
          help: 'The calls to upload, 1 to 100, each with at least a Recording URL.',
          required: true,
          min: 1,
          max: 100,
          itemFields: uploadFields,
          example: [
            { recording_url: 'https://storage.example.com/recordings/a.mp3', user_id: 'usr_12ab' },
            { recording_url: 'https://storage.example.com/recordings/b.mp3', user_id: 'usr_34cd' },
          ],
        }),
      },
      sample: ok({
        batch_id: 'batch_2c7w',
        accepted: 2,
        rejected: 0,
        calls: [
          { id: 'call_a1', status: 'queued', recording_url: 'https://storage.example.com/recordings/a.mp3' },
          { id: 'call_b2', status: 'queued', recording_url: 'https://storage.example.com/recordings/b.mp3' },
        ],
      }),
      surfaces: { zapier: 'create' },
    }),
    defineOperation('calls.quality', {
      summary: 'Get call quality',
      description: 'Fetches a call\'s quality checklist results and scores.',
      method: 'GET',
      path: '/calls/{call_id}/quality',
      fields: { call_id: callId },
      sample: ok({
        call_id: 'call_8f3k2m',
        overall_score: 86,
        checklist: [
          { item: 'Introduced themselves and the company', passed: true, score: 10 },
          { item: 'Confirmed the borrower\'s identity', passed: true, score: 10 },
          { item: 'Gave the required rate-lock disclosure', passed: false, score: 0 },
        ],
      }),
      surfaces: { zapier: 'search' },
    }),
    defineOperation('contacts.list', {
      summary: 'List contacts',
      description: 'Lists contacts. Filters not listed here are forwarded to Aila as given.',
      method: 'GET',
      path: '/contacts',
      passthrough: true,
      list: { itemsPath: 'data' },
      fields: { limit, offset },
      sample: ok([sampleContact], { page: 1, limit: 50, total: 1 }),
      surfaces: { zapier: 'search' },
    }),
    defineOperation('contacts.get', {
      summary: 'Get a contact',
      description: 'Fetches one contact.',
      method: 'GET',
      path: '/contacts/{contact_id}',
      fields: { contact_id: contactId },
      sample: ok(sampleContact),
      surfaces: { zapier: 'search' },
    }),
    defineOperation('contacts.update', {
      summary: 'Update a contact',
      description: 'Changes the given fields of a contact. Fields not listed here are forwarded to Aila as given.',
      method: 'PATCH',
      path: '/contacts/{contact_id}',
      passthrough: true,
      fields: {
        contact_id: contactId,
        name: field.string({ label: 'Name', help: 'The contact\'s full name.', min: 1, example: 'Maria Lopez' }),
        email: field.email({ label: 'Email', help: 'The contact\'s email address.', example: 'maria.lopez@example.com' }),
        phone: field.phone({ label: 'Phone', help: 'The contact\'s phone number in E.164 format.', example: '+15125550142' }),
        company: field.string({ label: 'Company', help: 'The company the contact belongs to.', example: 'Lone Star Lending' }),
      },
      check: changesSomething('contact_id'),
      sample: ok({ ...sampleContact, company: 'Lone Star Lending LLC', updated_at: '2025-03-05T10:00:00Z' }),
      surfaces: { zapier: 'create' },
    }),
    defineOperation('analytics.teamMetrics', {
      summary: 'Get team metrics',
      description: 'Fetches call volume and quality metrics per team member for a date range.',
      method: 'GET',
      path: '/analytics/team-metrics',
      fields: {
        start_date: startDate,
        end_date: endDate,
        user_ids: field.stringList({ label: 'User IDs', help: 'Only these team members (sent comma-separated).', in: 'query', queryFormat: 'csv', min: 1, example: ['usr_12ab', 'usr_34cd'] }),
      },
      check: allOf(dateOrder('start_date', 'end_date'), csvSafe('user_ids')),
      sample: ok({
        start_date: '2025-03-01',
        end_date: '2025-03-31',
        members: [
          { user_id: 'usr_12ab', name: 'Sam Carter', calls: 42, talk_time_seconds: 15120, average_quality_score: 84.5 },
          { user_id: 'usr_34cd', name: 'Priya Shah', calls: 37, talk_time_seconds: 12980, average_quality_score: 91 },
        ],
      }),
      surfaces: { zapier: 'search' },
    }),
    defineOperation('webhooks.create', {
      summary: 'Create a webhook endpoint',
      description: 'Registers a URL that Aila sends the chosen events to.',
      method: 'POST',
      path: '/organizations/{organization_id}/webhooks',
      idempotent: true,
      fields: {
        organization_id: organizationId,
        url: field.url({ label: 'URL', help: 'The https address that receives the events.', required: true, example: 'https://hooks.zapier.com/hooks/standard/123456/abcdef/' }),
        events: field.enumList(WEBHOOK_EVENTS, { label: 'Events', help: 'Which events to send; at least one.', required: true, min: 1, example: ['call.completed', 'task.created'] }),
      },
      check: distinct('events'),
      sample: ok(sampleWebhook),
      // Subscribing is what trigger setup does, not a step a user adds.
      surfaces: { zapier: 'none' },
    }),
    defineOperation('webhooks.list', {
      summary: 'List webhook endpoints',
      description: 'Lists the organization\'s webhook endpoints (an assumed endpoint: the documents name only POST).',
      method: 'GET',
      path: '/organizations/{organization_id}/webhooks',
      fields: { organization_id: organizationId },
      sample: ok([sampleWebhook]),
      surfaces: { zapier: 'none' },
    }),
    defineOperation('webhooks.delete', {
      summary: 'Delete a webhook endpoint',
      description: 'Removes a webhook endpoint so it receives no more events (an assumed endpoint: the documents name only POST).',
      method: 'DELETE',
      path: '/organizations/{organization_id}/webhooks/{webhook_id}',
      fields: {
        organization_id: organizationId,
        webhook_id: field.id({ label: 'Webhook ID', help: 'The endpoint to remove, as returned when it was created.', in: 'path', required: true, example: 'wh_3kd92' }),
      },
      sample: ok({ id: 'wh_3kd92', deleted: true }),
      surfaces: { zapier: 'none' },
    }),
  ),
});
