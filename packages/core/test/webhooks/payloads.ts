import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Example webhook payloads: Vyora's verbatim from its API document (the shared fixture), Aila's and Ayra's in the shape our specs assume. */

export const vyoraExample = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'vyora', 'webhook.call_completed.json'), 'utf8'),
) as Record<string, unknown>;

export const ailaExample = {
  id: 'evt_aila_0001',
  event: 'call.completed',
  created_at: '2026-05-24T11:00:00Z',
  data: { call_id: 'call_789', duration_seconds: 312, status: 'completed' },
};

export const ayraExample = {
  id: 'evt_ayra_0001',
  event: 'conversation.completed',
  created_at: '2026-05-24T12:00:00Z',
  data: { conversation_id: 'conv_42', agent_id: 'agent_7' },
};
