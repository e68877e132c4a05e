import { getProvider, isProviderId, signWebhook, type HmacSignatureScheme, type ProviderId } from '@callbridge/core';
import { ailaEnvelope, ailaWebhookHeaders } from '../providers/aila/events';
import { eventPayload, vyoraWebhookHeaders, type VyoraEvent } from '../providers/vyora/calls';
import { documentedCall } from '../providers/vyora/data';
import { hashString } from '../support/random';
import { postRaw, type PostResult } from '../webhooks/post';
import { readFixture } from './fixtures';

/**
 * Sample webhook events for `callbridge send-event`: the shared fixture of that event where
 * one exists (the documents' own examples), else an example built from the documented
 * records, signed as the provider signs when a secret is given.
 */

export interface SampleEvent {
  /** The exact bytes to post (compact JSON). */
  body: string;
  headers: Record<string, string>;
}

export interface SampleEventOptions {
  /** Signs the body with the provider's scheme when given. */
  secret?: string;
  /** Overrides for an assumed signature scheme (Aila, Ayra). */
  scheme?: Partial<HmacSignatureScheme>;
  /** Where the shared fixtures are; found automatically in the repository. */
  fixturesDir?: string;
}

/** A sample event's payload could not be built; `field` names what was wrong. */
export class SampleEventError extends Error {
  readonly field: 'provider' | 'event';

  constructor(field: 'provider' | 'event', message: string) {
    super(message);
    this.name = 'SampleEventError';
    this.field = field;
  }
}

function vyoraSample(event: VyoraEvent): Record<string, unknown> {
  const call = documentedCall('sample');
  if (event === 'call_started') {
    return eventPayload(event, { ...call, status: 'in_progress', duration_seconds: null, recording_url: null, transcript: null, analysis: null }, '2026-05-24T10:30:00Z');
  }
  if (event === 'call_completed') return eventPayload(event, { ...call, transcript: null, analysis: null }, '2026-05-24T10:31:15Z');
  return eventPayload(event, call, '2026-05-24T10:31:40Z');
}

const AILA_DATA: Record<string, unknown> = {
  'call.completed': { call_id: 'call_8f3k2m', user_id: 'usr_12ab', contact_id: 'ct_77xy', status: 'processed', duration_seconds: 412 },
  'call.data.extracted': {
    call_id: 'call_8f3k2m',
    contact_id: 'ct_77xy',
    fields: { borrower_name: 'Maria Lopez', loan_purpose: 'refinance', rate_lock_requested: true, sentiment: 'positive' },
  },
  'task.created': { task_id: 'task_4hq2wz', call_id: 'call_8f3k2m', title: 'Follow up with Maria Lopez', assignee_user_id: 'usr_12ab', due_date: '2025-03-06' },
  'task.synced': { task_id: 'task_4hq2wz', call_id: 'call_8f3k2m', crm: 'Salesforce', external_id: '00T5e00000AbCdE' },
  'mismo.ready': { call_id: 'call_8f3k2m', loan_number: 'LN-20931', mismo_version: '3.4', document_url: 'https://files.aila.com/mismo/call_8f3k2m.xml' },
  'test.ping': {},
};

const AYRA_CONVERSATION = {
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
const AYRA_CONTACT = { id: 'contact_abc123', name: 'Jane Smith', email: 'jane@example.com', phone: '+15555551234', company: 'Acme Corp', tags: ['prospect', 'enterprise'] };

const AYRA_DATA: Record<string, unknown> = {
  'conversation.started': { ...AYRA_CONVERSATION, status: 'in_progress', duration_seconds: null, summary: null, ended_at: null },
  'conversation.completed': AYRA_CONVERSATION,
  'workflow.completed': { execution_id: 'exec_abc123', workflow_id: 'wf_abc123', status: 'completed', started_at: '2025-01-15T15:00:00Z', completed_at: '2025-01-15T15:00:04Z', output: { call_scheduled: true } },
  'workflow.failed': {
    execution_id: 'exec_def456',
    workflow_id: 'wf_brk500',
    status: 'failed',
    started_at: '2025-01-15T15:10:00Z',
    completed_at: '2025-01-15T15:10:02Z',
    error: { code: 'crm_connection_failed', message: 'The CRM refused the connection: its credentials have expired.' },
  },
  'contact.created': { ...AYRA_CONTACT, created_at: '2025-01-15T10:30:00Z', updated_at: '2025-01-15T10:30:00Z' },
  'contact.updated': { ...AYRA_CONTACT, company: 'Acme Holdings', created_at: '2025-01-15T10:30:00Z', updated_at: '2025-01-16T12:00:00Z' },
  'agent.updated': {
    id: 'agent_abc123',
    name: 'Customer Support Agent',
    phone_number: '+15551234567',
    voice_platform: 'vapi',
    language: 'en',
    status: 'paused',
    created_at: '2025-01-15T10:30:00Z',
    updated_at: '2025-01-16T09:14:00Z',
  },
};

/** A stable event id per sample, so the same sample always deduplicates the same way. */
function sampleEventId(provider: string, event: string): string {
  const a = hashString(`${provider}:${event}`).toString(16).padStart(8, '0');
  const b = (hashString(event) & 0xff).toString(16).padStart(2, '0');
  return `evt_${a}${b}`;
}

export function buildSampleEvent(provider: string, event: string, options: SampleEventOptions = {}): SampleEvent {
  if (!isProviderId(provider)) throw new SampleEventError('provider', `unknown provider "${provider}"; known: ayra, vyora, aila, ayla`);
  const spec = getProvider(provider);
  if (!spec.webhooks) throw new SampleEventError('provider', `${spec.name} sends no webhooks, so there is no sample event to send`);
  const known = spec.webhooks.events;
  if (!known.includes(event)) throw new SampleEventError('event', `"${event}" is not a ${spec.name} event; known: ${known.join(', ')}`);

  const fromFixture = readFixture(provider, `webhook.${event}`, options.fixturesDir);
  const payload = fromFixture ?? builtSample(provider, event);
  const body = JSON.stringify(payload);
  const secret = options.secret;
  if (provider === 'vyora') return { body, headers: vyoraWebhookHeaders(event, body, secret) };
  if (provider === 'aila') return { body, headers: ailaWebhookHeaders(event, body, secret, options.scheme) };
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Ayra-Event': event, 'User-Agent': 'Ayra-Webhooks/1.0' };
  if (secret !== undefined) {
    const sig = signWebhook('ayra', { rawBody: body, secret, ...(options.scheme ? { scheme: options.scheme } : {}) });
    headers[sig.header] = sig.value;
  }
  return { body, headers };
}

function builtSample(provider: ProviderId, event: string): unknown {
  if (provider === 'vyora') return vyoraSample(event as VyoraEvent);
  const table = provider === 'aila' ? AILA_DATA : AYRA_DATA;
  const created = provider === 'aila' ? '2025-03-04T16:29:40Z' : '2025-01-15T11:05:06Z';
  return ailaEnvelope(sampleEventId(provider, event), event, created, table[event] ?? {});
}

/** Posts a sample event to `to`; resolves with the receiver's answer (status null when none arrived). */
export function sendSampleEvent(
  provider: string,
  event: string,
  options: SampleEventOptions & { to: string; timeoutMs?: number },
): Promise<PostResult> {
  const sample = buildSampleEvent(provider, event, options);
  return postRaw(options.to, sample.body, sample.headers, options.timeoutMs ?? 10_000);
}
