import { CallbridgeError, normalizeWebhook, verifyWebhook } from '@callbridge/core';
import { AILA_ORGANIZATION_ID, type RunningSandbox } from '@callbridge/sandbox';
import { call, clientFor, rejection, start, startReceiver, type Receiver } from './helpers';

function events(received: Array<{ headers: Record<string, string> }>): string[] {
  return received.map((r) => r.headers['x-aila-event'] ?? '?');
}

describe('Aila webhooks: registered with POST /organizations/{organizationId}/webhooks and delivered signed', () => {
  let sandbox: RunningSandbox;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    sandbox = await start();
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });
  beforeEach(() => {
    sandbox.reset();
    receiver.received.length = 0;
  });

  test('registering through core returns a secret; test.ping arrives at once; an upload raises the call events', async () => {
    const client = clientFor(sandbox, 'aila');
    const hook = (await client.call('webhooks.create', {
      organization_id: sandbox.aila.organizationId,
      url: receiver.url,
      events: ['test.ping', 'call.completed', 'call.data.extracted'],
    })) as { id: string; secret: string; url: string; events: string[]; active: boolean };
    expect(hook).toMatchObject({ id: expect.stringMatching(/^wh_/), url: receiver.url, active: true, events: ['test.ping', 'call.completed', 'call.data.extracted'] });
    expect(hook.secret).toMatch(/^whsec_[0-9a-f]{32}$/);

    const [ping] = await receiver.waitFor(1);
    expect(events([ping as never])).toEqual(['test.ping']);

    const upload = (await client.call('calls.upload', { recording_url: 'https://storage.example.com/r/new.mp3', user_id: 'usr_12ab', contact_id: 'ct_77xy' })) as Record<string, unknown>;
    expect(upload).toMatchObject({ id: expect.stringMatching(/^call_/), status: 'queued', recording_url: 'https://storage.example.com/r/new.mp3' });

    const got = await receiver.waitFor(3);
    // Events are posted concurrently, as providers do: their order is not guaranteed.
    expect(events(got).sort()).toEqual(['call.completed', 'call.data.extracted', 'test.ping']);
    for (const r of got) {
      expect(r.headers['user-agent']).toBe('Aila-Webhooks/1.0');
      expect(r.headers['x-aila-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifyWebhook('aila', { rawBody: r.body, headers: r.headers, secret: hook.secret })).toEqual({ ok: true });
      expect(verifyWebhook('aila', { rawBody: r.body, headers: r.headers, secret: 'whsec_wrong' }).ok).toBe(false);
      const body = JSON.parse(r.body) as Record<string, unknown>;
      expect(body).toEqual({ id: expect.stringMatching(/^evt_[0-9a-f]{10}$/), event: r.headers['x-aila-event'], created_at: expect.any(String), data: expect.any(Object) });
      const normalized = normalizeWebhook('aila', { rawBody: r.body, headers: r.headers });
      expect(normalized.dedupeKey).toBe(body['id']);
    }
    const completed = got.find((r) => r.headers['x-aila-event'] === 'call.completed');
    expect(JSON.parse(completed?.body ?? '{}').data).toEqual({ call_id: upload['id'], user_id: 'usr_12ab', contact_id: 'ct_77xy', status: 'processed', duration_seconds: expect.any(Number) });

    // Processing is over: the call now has what GET /calls/{id} documents.
    const detail = (await client.call('calls.get', { call_id: String(upload['id']) })) as Record<string, unknown>;
    expect(detail).toMatchObject({ status: 'processed', analysis: { summary: expect.any(String) }, quality: { overall_score: expect.any(Number) } });
    expect(await client.call('calls.quality', { call_id: String(upload['id']) })).toMatchObject({ call_id: upload['id'], checklist: expect.any(Array) });
  });

  test('each endpoint gets only its events; listing and deleting endpoints', async () => {
    const client = clientFor(sandbox, 'aila');
    const org = AILA_ORGANIZATION_ID;
    const tasks = (await client.call('webhooks.create', { organization_id: org, url: receiver.url, events: ['mismo.ready'] })) as { id: string; secret: string };
    const listed = (await client.call('webhooks.list', { organization_id: org })) as Array<Record<string, unknown>>;
    expect(listed).toEqual([{ id: tasks.id, url: receiver.url, events: ['mismo.ready'], active: true, created_at: expect.any(String) }]);

    // A loan number in the metadata makes processing produce MISMO XML.
    await client.call('calls.upload', { recording_url: 'https://storage.example.com/r/loan.mp3', metadata: { loan_number: 'LN-55555' } });
    await client.call('calls.upload', { recording_url: 'https://storage.example.com/r/plain.mp3' });
    sandbox.calls.fastForward();
    await sandbox.settle();
    expect(events(receiver.received)).toEqual(['mismo.ready']);
    expect(JSON.parse(receiver.received[0]?.body ?? '{}').data).toMatchObject({ loan_number: 'LN-55555', mismo_version: '3.4' });
    expect(verifyWebhook('aila', { rawBody: receiver.received[0]?.body ?? '', headers: receiver.received[0]?.headers ?? {}, secret: tasks.secret }).ok).toBe(true);

    expect(await client.call('webhooks.delete', { organization_id: org, webhook_id: tasks.id })).toEqual({ id: tasks.id, deleted: true });
    expect(await client.call('webhooks.list', { organization_id: org })).toEqual([]);
    sandbox.aila.emit('mismo.ready', { call_id: 'x' });
    await sandbox.settle();
    expect(receiver.received).toHaveLength(1);
    const gone = await rejection(client.call('webhooks.delete', { organization_id: org, webhook_id: tasks.id }));
    expect(gone).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  test('another organization, a read-only key and bad endpoints are refused with Aila\'s error body', async () => {
    const other = await call(sandbox, 'aila', 'POST', '/organizations/org_other/webhooks', { body: { url: receiver.url, events: ['test.ping'] } });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ success: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('org_other') } });

    const readOnly = await call(sandbox, 'aila', 'POST', `/organizations/${AILA_ORGANIZATION_ID}/webhooks`, {
      key: sandbox.readOnlyKeys.aila,
      body: { url: receiver.url, events: ['test.ping'] },
    });
    expect(readOnly.status).toBe(403);

    const cases: Array<[unknown, string]> = [
      [{ events: ['test.ping'] }, 'url'],
      [{ url: 'not a url', events: ['test.ping'] }, 'url'],
      [{ url: receiver.url }, 'events'],
      [{ url: receiver.url, events: [] }, 'events'],
      [{ url: receiver.url, events: ['call.finished'] }, 'events.0'],
      [{ url: receiver.url, events: ['test.ping', 'test.ping'] }, 'events.1'],
    ];
    for (const [body, field] of cases) {
      const res = await call(sandbox, 'aila', 'POST', `/organizations/${AILA_ORGANIZATION_ID}/webhooks`, { body });
      expect({ field, status: res.status, body: res.body }).toMatchObject({ field, status: 400, body: { success: false, error: { code: 'VALIDATION_ERROR', details: { field } } } });
    }
    const err = await rejection(clientFor(sandbox, 'aila').call('webhooks.list', { organization_id: 'org_nope' }));
    expect(err).toBeInstanceOf(CallbridgeError);
    expect(err).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(receiver.received).toHaveLength(0);
  });

  test('a failing Aila receiver is retried until it takes the event', async () => {
    const flaky = await startReceiver((n) => (n === 1 ? 502 : 200));
    try {
      const hook = (await clientFor(sandbox, 'aila').call('webhooks.create', { organization_id: AILA_ORGANIZATION_ID, url: flaky.url, events: ['test.ping'] })) as { secret: string };
      const got = await flaky.waitFor(2);
      expect(got[0]?.body).toBe(got[1]?.body);
      expect(verifyWebhook('aila', { rawBody: got[1]?.body ?? '', headers: got[1]?.headers ?? {}, secret: hook.secret }).ok).toBe(true);
      await sandbox.settle();
      expect(sandbox.deliveries().at(-1)?.attempts.map((a) => a.status)).toEqual([502, 200]);
    } finally {
      await flaky.close();
    }
  });
});
