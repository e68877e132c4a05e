import type { RunningSandbox } from '@callbridge/sandbox';
import { call, clientFor, request, start } from './helpers';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await start({ timings: { ringMs: 60_000, processingMs: 60_000 } });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

test('the documented call has its transcript, analysis and quality checklist', async () => {
  const aila = clientFor(sandbox, 'aila');
  expect(await aila.call('calls.get', { call_id: 'call_8f3k2m' })).toMatchObject({
    id: 'call_8f3k2m',
    status: 'processed',
    transcript: [{ speaker: 'agent', text: 'Hi Maria, this is Sam from Lone Star Lending.', start_seconds: 0 }, expect.any(Object)],
    analysis: { sentiment: 'positive' },
    quality: { overall_score: 86 },
  });
  expect(await aila.call('calls.quality', { call_id: 'call_8f3k2m' })).toMatchObject({ overall_score: 86, checklist: expect.arrayContaining([{ item: 'Gave the required rate-lock disclosure', passed: false, score: 0 }]) });
});

test('an upload is queued, then processing, then processed; quality exists only once processed', async () => {
  const aila = clientFor(sandbox, 'aila');
  const up = (await aila.call('calls.upload', { recording_url: 'https://s.example/r.mp3', user_id: 'usr_34cd', direction: 'inbound', custom_field: 'kept' })) as { id: string };
  expect(await aila.call('calls.get', { call_id: up.id })).toMatchObject({ status: 'queued', transcript: null, analysis: null, quality: null, custom_field: 'kept' });
  const early = await call(sandbox, 'aila', 'GET', `/calls/${up.id}/quality`);
  expect(early).toMatchObject({ status: 404, body: { success: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('queued') } } });
  expect((await request(`${sandbox.url}/_sandbox/aila/calls/${up.id}/advance`, { method: 'POST', body: { to: 'processing' } })).body).toEqual({ advanced: true, remaining: ['processed'] });
  expect(await aila.call('calls.get', { call_id: up.id })).toMatchObject({ status: 'processing' });
  sandbox.calls.fastForward();
  expect(await aila.call('calls.get', { call_id: up.id })).toMatchObject({ status: 'processed', user_id: 'usr_34cd', quality: { overall_score: expect.any(Number) } });
});

test('a recording that cannot be processed ends failed', async () => {
  const aila = clientFor(sandbox, 'aila');
  const up = (await aila.call('calls.upload', { recording_url: 'https://s.example/corrupt.mp3' })) as { id: string };
  sandbox.calls.fastForward();
  expect(await aila.call('calls.get', { call_id: up.id })).toMatchObject({ status: 'failed', analysis: null });
});

test('a batch accepts the valid calls and reports the rest by field', async () => {
  const res = await call(sandbox, 'aila', 'POST', '/calls/batch-upload', {
    body: { calls: [{ recording_url: 'https://s.example/a.mp3' }, { recording_url: 'not-a-url' }, { recording_url: 'https://s.example/b.mp3', duration_seconds: 30 }] },
  });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({
    success: true,
    data: {
      batch_id: expect.stringMatching(/^batch_/),
      accepted: 2,
      rejected: 1,
      calls: [{ status: 'queued', recording_url: 'https://s.example/a.mp3' }, { status: 'queued', recording_url: 'https://s.example/b.mp3' }],
      errors: [{ index: 1, field: 'calls.1.recording_url', message: expect.stringContaining('http(s) URL') }],
    },
  });
  expect((await call(sandbox, 'aila', 'GET', '/calls?limit=1')).body).toMatchObject({ meta: { total: 152 } });
});

test('contacts update keeps what was not sent; team metrics add up per member', async () => {
  const aila = clientFor(sandbox, 'aila');
  const before = (await aila.call('contacts.get', { contact_id: 'ct_77xy' })) as Record<string, unknown>;
  const after = (await aila.call('contacts.update', { contact_id: 'ct_77xy', company: 'Lone Star Lending LLC' })) as Record<string, unknown>;
  expect(after).toEqual({ ...before, company: 'Lone Star Lending LLC', updated_at: expect.any(String) });

  const metrics = (await aila.call('analytics.teamMetrics', { user_ids: ['usr_12ab', 'usr_34cd'] })) as { members: Array<Record<string, number | string>> };
  expect(metrics.members.map((m) => m['user_id'])).toEqual(['usr_12ab', 'usr_34cd']);
  const sam = (await call(sandbox, 'aila', 'GET', '/calls?user_id=usr_12ab&limit=100')).body as { data: Array<{ status: string; duration_seconds: number }> };
  const processed = sam.data.filter((c) => c.status === 'processed');
  expect(metrics.members[0]).toMatchObject({ name: 'Sam Carter', calls: processed.length, talk_time_seconds: processed.reduce((s, c) => s + c.duration_seconds, 0) });
});
