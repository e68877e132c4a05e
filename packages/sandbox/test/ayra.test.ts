import type { RunningSandbox } from '@callbridge/sandbox';
import { call, clientFor, start } from './helpers';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await start();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

test('an agent through its life: create, get, update, disable, enable, delete', async () => {
  const ayra = clientFor(sandbox, 'ayra');
  const created = (await ayra.call('agents.create', { name: 'Night Shift Agent', voice_platform: 'retell', language: 'es', prompt: 'Be brief.' })) as Record<string, unknown>;
  expect(created).toMatchObject({ id: expect.stringMatching(/^agent_/), name: 'Night Shift Agent', voice_platform: 'retell', language: 'es', status: 'active', prompt: 'Be brief.' });
  const id = String(created['id']);
  // The list shows a summary; the full configuration is on GET.
  const listed = (await ayra.call('agents.list', { search: 'night shift' })) as { data: Array<Record<string, unknown>> };
  expect(listed.data).toEqual([expect.objectContaining({ id })]);
  expect(listed.data[0]).not.toHaveProperty('prompt');
  expect(await ayra.call('agents.get', { agent_id: id })).toMatchObject({ prompt: 'Be brief.' });

  expect(await ayra.call('agents.update', { agent_id: id, name: 'Night Agent' })).toMatchObject({ name: 'Night Agent', language: 'es' });
  expect(await ayra.call('agents.disable', { agent_id: id })).toMatchObject({ status: 'paused' });
  expect(await ayra.call('agents.list', { status: 'paused', search: 'Night Agent' })).toMatchObject({ meta: { total: 1 } });
  expect(await ayra.call('agents.enable', { agent_id: id })).toMatchObject({ status: 'active' });
  expect(await ayra.call('agents.delete', { agent_id: id })).toEqual({ id, deleted: true });
  expect((await call(sandbox, 'ayra', 'GET', `/agents/${id}`)).status).toBe(404);
});

test('contacts: create (the documented example), get, update, search; a repeated Idempotency-Key makes one record', async () => {
  const ayra = clientFor(sandbox, 'ayra');
  const input = { name: 'Jane Smith', email: 'jane.smith@acme.example', phone: '+15555550199', company: 'Acme Corp', tags: ['prospect', 'enterprise'] };
  const first = (await ayra.call('contacts.create', input, { idempotencyKey: 'create-jane-1' })) as Record<string, unknown>;
  const again = (await ayra.call('contacts.create', input, { idempotencyKey: 'create-jane-1' })) as Record<string, unknown>;
  expect(again).toEqual(first);
  expect(first).toMatchObject({ ...input, id: expect.stringMatching(/^contact_/), created_at: expect.any(String) });
  expect(await ayra.call('contacts.list', { search: 'jane.smith@acme' })).toMatchObject({ meta: { total: 1 } });
  const other = (await ayra.call('contacts.create', input, { idempotencyKey: 'create-jane-2' })) as Record<string, unknown>;
  expect(other['id']).not.toBe(first['id']);
  const updated = (await ayra.call('contacts.update', { contact_id: String(first['id']), company: 'Acme Holdings' })) as Record<string, unknown>;
  expect(updated).toMatchObject({ company: 'Acme Holdings', email: input.email });
  expect(await ayra.call('contacts.get', { contact_id: String(first['id']) })).toEqual(updated);
});

test('conversations: newest first, by agent, with transcript on GET', async () => {
  const ayra = clientFor(sandbox, 'ayra');
  const list = (await ayra.call('conversations.list', { agent_id: 'agent_abc123' })) as { data: Array<Record<string, unknown>> };
  expect(list.data[0]).toMatchObject({ id: 'conv_abc123', agent_id: 'agent_abc123' });
  expect(list.data.every((c) => c['agent_id'] === 'agent_abc123')).toBe(true);
  expect(await ayra.call('conversations.get', { conversation_id: 'conv_abc123' })).toMatchObject({
    recording_url: 'https://cdn.ayra.ai/recordings/conv_abc123.mp3',
    transcript: [{ role: 'agent', text: expect.any(String) }, { role: 'user', text: 'I need to move my appointment to Friday.' }],
  });
});

test('workflows run in the background: running, then completed, or failed for a broken one', async () => {
  const ayra = clientFor(sandbox, 'ayra');
  const run = (await ayra.call('workflows.trigger', { workflow_id: 'wf_abc123', data: { contact_id: 'contact_abc123' } })) as Record<string, unknown>;
  expect(run).toMatchObject({ execution_id: expect.stringMatching(/^exec_/), workflow_id: 'wf_abc123', status: 'running' });
  const broken = (await ayra.call('workflows.trigger', { workflow_id: 'wf_brk500' })) as Record<string, unknown>;
  sandbox.calls.fastForward();
  expect(await ayra.call('workflows.status', { workflow_id: 'wf_abc123', execution_id: String(run['execution_id']) })).toMatchObject({
    status: 'completed',
    output: { call_scheduled: true },
    completed_at: expect.any(String),
  });
  expect(await ayra.call('workflows.status', { workflow_id: 'wf_brk500', execution_id: String(broken['execution_id']) })).toMatchObject({
    status: 'failed',
    error: { code: 'crm_connection_failed' },
  });
});

test('analytics count the conversations in the range', async () => {
  const ayra = clientFor(sandbox, 'ayra');
  const all = (await ayra.call('analytics.get', {})) as Record<string, number>;
  expect(all['total_conversations']).toBe(150);
  const jan = (await ayra.call('analytics.get', { start_date: '2025-01-01', end_date: '2025-01-15' })) as Record<string, unknown>;
  expect(jan['total_conversations']).toBeGreaterThan(0);
  expect(jan['total_conversations']).toBeLessThan(150);
  const byAgent = jan['by_agent'] as Array<{ conversations: number }>;
  expect(byAgent.reduce((s, a) => s + a.conversations, 0)).toBe(jan['total_conversations']);
  const one = (await ayra.call('analytics.get', { agent_id: 'agent_abc123' })) as Record<string, unknown>;
  expect(one['by_agent']).toEqual([{ agent_id: 'agent_abc123', conversations: one['total_conversations'] }]);
});
