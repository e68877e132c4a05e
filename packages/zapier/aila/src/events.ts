import type { Bundle, ZObject } from 'zapier-platform-core';
import { clientFor } from '../../common/src/client';
import { getPath, type ProviderSpec } from '../../common/src/core';
import { zapierErrors } from '../../common/src/errors';
import { isItem, newestFirstUnique, type Item } from '../../common/src/output';
import type { EventTrigger } from '../../common/src/triggers/events';

/**
 * Aila's six documented webhook events as instant triggers. Aila documents only the event
 * names; bodies are `{id, event, created_at, data}` (our assumption, as in core's spec), and
 * the data below is illustrative. Only call.completed has an API that lists what it is about
 * (calls.list), so only it returns real recent items when a Zap is tested; the others fall
 * back to their samples.
 */

function body(event: string, id: string, createdAt: string, data: Item): Item {
  return { id, event, created_at: createdAt, data };
}

/** Processed calls from calls.list in the shape of a call.completed webhook. */
async function recentCompletedCalls(spec: ProviderSpec, z: ZObject, bundle: Bundle): Promise<Item[]> {
  const op = spec.operations['calls.list'];
  if (!op) return [];
  return zapierErrors(z, spec, op, async () => {
    const result = await clientFor(spec, z, bundle).call(op.name, { limit: 10 });
    const calls = getPath(result, 'data');
    const items = (Array.isArray(calls) ? calls : []).filter(isItem).filter((c) => c['status'] === 'processed');
    return newestFirstUnique(
      items.map((c) => {
        const { id, ...rest } = c;
        const createdAt = typeof c['started_at'] === 'string' ? c['started_at'] : new Date().toISOString();
        return body('call.completed', `call.completed:${String(id)}`, createdAt, { call_id: id, ...rest });
      }),
    );
  });
}

export function ailaEvents(spec: ProviderSpec): EventTrigger[] {
  return [
    {
      event: 'call.completed',
      label: 'Call Completed',
      noun: 'Call',
      description: 'Triggers instantly when Aila finishes processing a call.',
      sample: body('call.completed', 'evt_2f9c1a7b5e', '2025-03-04T16:29:40Z', {
        call_id: 'call_8f3k2m',
        user_id: 'usr_12ab',
        contact_id: 'ct_77xy',
        status: 'processed',
        duration_seconds: 412,
      }),
      recent: (z, bundle) => recentCompletedCalls(spec, z, bundle),
    },
    {
      event: 'call.data.extracted',
      label: 'Call Data Extracted',
      noun: 'Call Data',
      description: 'Triggers instantly when Aila pulls structured data out of a call transcript.',
      sample: body('call.data.extracted', 'evt_5d8e2b9c1f', '2025-03-04T16:30:10Z', {
        call_id: 'call_8f3k2m',
        fields: { loan_number: 'LN-20931', rate_lock_expires: '2025-03-20' },
      }),
    },
    {
      event: 'task.created',
      label: 'Task Created',
      noun: 'Task',
      description: 'Triggers instantly when Aila creates a follow-up task from a call.',
      sample: body('task.created', 'evt_7a1c4e6b2d', '2025-03-04T16:30:20Z', {
        task_id: 'task_4k2p9q',
        call_id: 'call_8f3k2m',
        title: 'Send Maria the rate-lock extension form',
        due_at: '2025-03-06T17:00:00Z',
      }),
    },
    {
      event: 'task.synced',
      label: 'Task Synced',
      noun: 'Task',
      description: 'Triggers instantly when Aila pushes a task to your connected CRM.',
      sample: body('task.synced', 'evt_9b3d5f7a1c', '2025-03-04T16:31:00Z', {
        task_id: 'task_4k2p9q',
        crm: 'salesforce',
        crm_record_id: '00T5e00000AbCdE',
      }),
    },
    {
      event: 'mismo.ready',
      label: 'MISMO File Ready',
      noun: 'MISMO File',
      description: 'Triggers instantly when Aila has generated MISMO 3.4 XML for a call (mortgage lending).',
      sample: body('mismo.ready', 'evt_1e6a8c2b4d', '2025-03-04T16:32:00Z', {
        call_id: 'call_8f3k2m',
        mismo_url: 'https://storage.example.com/mismo/call_8f3k2m.xml',
      }),
    },
    {
      event: 'test.ping',
      label: 'Test Ping',
      noun: 'Ping',
      description: 'Triggers instantly when Aila sends a test delivery to check the webhook.',
      sample: body('test.ping', 'evt_0a1b2c3d4e', '2025-03-01T12:00:05Z', {}),
    },
  ];
}
