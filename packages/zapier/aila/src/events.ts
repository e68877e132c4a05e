import type { Bundle, ZObject } from 'zapier-platform-core';
import { clientFor } from '../../common/src/client';
import { getPath, type ProviderSpec } from '../../common/src/core';
import { zapierErrors } from '../../common/src/errors';
import { isItem, newestFirstUnique, type Item } from '../../common/src/output';
import type { EventTrigger } from '../../common/src/triggers/events';

/**
 * Aila's six documented webhook events as instant triggers: what Zapier shows for each. Their
 * sample bodies are core's (`webhooks.samples` in Aila's provider spec). Only call.completed
 * has an API that lists what it is about (calls.list), so only it returns real recent items
 * when a Zap is tested; the others fall back to their samples.
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
      recent: (z, bundle) => recentCompletedCalls(spec, z, bundle),
    },
    {
      event: 'call.data.extracted',
      label: 'Call Data Extracted',
      noun: 'Call Data',
      description: 'Triggers instantly when Aila pulls structured data out of a call transcript.',
    },
    {
      event: 'task.created',
      label: 'Task Created',
      noun: 'Task',
      description: 'Triggers instantly when Aila creates a follow-up task from a call.',
    },
    {
      event: 'task.synced',
      label: 'Task Synced',
      noun: 'Task',
      description: 'Triggers instantly when Aila pushes a task to your connected CRM.',
    },
    {
      event: 'mismo.ready',
      label: 'MISMO File Ready',
      noun: 'MISMO File',
      description: 'Triggers instantly when Aila has generated MISMO 3.4 XML for a call (mortgage lending).',
    },
    {
      event: 'test.ping',
      label: 'Test Ping',
      noun: 'Ping',
      description: 'Triggers instantly when Aila sends a test delivery to check the webhook.',
    },
  ];
}
