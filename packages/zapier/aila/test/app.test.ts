import { signWebhook } from '@callbridge/core';
import nock from 'nock';
import app from '../src/index';
import { labels, rejection, runner, useNock, zapierHeaders } from '../../common/test-support/harness';

/**
 * The Aila app against a mocked Aila API: authentication, creates and searches through
 * Aila's `{success, data, meta}` envelope, polling triggers, errors, throttling, and the
 * instant triggers that register webhooks with Aila and verify its HMAC signatures.
 */

const API = 'https://api.aila.com/v1';
const KEY = 'aila_key_0123456789abcdef';
const SECRET = 'aila_signing_secret_0123';
const authData = { api_key: KEY };
const hookAuth = { api_key: KEY, organization_id: 'org_5tq81' };

const run = runner(app);

const ok = (data: unknown, meta?: Record<string, unknown>): Record<string, unknown> => ({ success: true, data, ...(meta ? { meta } : {}) });
const callA = { id: 'call_a', user_id: 'usr_1', status: 'processed', started_at: '2025-03-01T09:00:00Z' };
const callB = { id: 'call_b', user_id: 'usr_1', status: 'processed', started_at: '2025-03-04T16:20:00Z' };
const callC = { id: 'call_c', user_id: 'usr_2', status: 'queued', started_at: '2025-03-02T10:00:00Z' };

describe('Aila Zapier app', () => {
  useNock();

  it('offers the steps Aila users look for', () => {
    expect(labels(app)).toMatchObject({
      'creates.contacts_update': 'Update Contact',
      'searches.calls_list': 'Find Call',
      'searches.calls_get': 'Find Call by ID',
      'searches.contacts_list': 'Find Contact',
      'searches.calls_quality': 'Get Call Quality',
      'triggers.calls_list': 'New Call',
      'triggers.contacts_list': 'New Contact',
      'triggers.call_completed': 'Call Completed',
    });
  });

  describe('authentication', () => {
    it('tests the key as a bearer token with one call and labels the connection', async () => {
      nock(API, { reqheaders: { authorization: `Bearer ${KEY}` } })
        .get('/calls')
        .query({ limit: '1' })
        .reply(200, ok([callA], { page: 1, limit: 1, total: 150 }));
      const result = await run('authentication.test', { authData });
      await expect(run('authentication.connectionLabel', { authData, inputData: result })).resolves.toBe('Aila · 150 calls');
    });

    it('turns a 401 into an authentication error', async () => {
      nock(API).get('/calls').query(true).reply(401, { success: false, error: { code: 'UNAUTHORIZED', message: 'Invalid API key' } });
      const err = await rejection(() => run('authentication.test', { authData }));
      expect(err.name).toBe('ExpiredAuthError');
      expect(err.message).toContain('Invalid API key');
      expect(err.message).not.toContain(KEY);
    });
  });

  describe('creates', () => {
    it('Upload Call Recording sends metadata line items as an object and returns the queued call', async () => {
      let sent: unknown;
      nock(API)
        .post('/calls/upload', (b: unknown) => {
          sent = b;
          return true;
        })
        .reply(201, ok({ id: 'call_9h4n1p', status: 'queued', created_at: '2025-03-04T16:31:00Z' }));
      const result = await run('creates.calls_upload.operation.perform', {
        authData,
        inputData: {
          recording_url: 'https://storage.example.com/r.mp3',
          direction: 'outbound',
          duration_seconds: '412',
          metadata: [{ metadata_key: 'loan_number', metadata_value: 'LN-20931' }],
        },
      });
      expect(sent).toEqual({ recording_url: 'https://storage.example.com/r.mp3', direction: 'outbound', duration_seconds: 412, metadata: { loan_number: 'LN-20931' } });
      expect(result).toEqual({ id: 'call_9h4n1p', status: 'queued', created_at: '2025-03-04T16:31:00Z' });
    });

    it('Upload Calls in Batch reads the calls as JSON and names a bad item', async () => {
      const err = await rejection(() =>
        run('creates.calls_batch_upload.operation.perform', { authData, inputData: { calls: '[{"recording_url":"ftp://nope"}]' } }),
      );
      expect(err.code).toBe('validation_error');
      expect(err.message).toContain('Calls (calls.0.recording_url) must be an http(s) URL');
      const notJson = await rejection(() => run('creates.calls_batch_upload.operation.perform', { authData, inputData: { calls: '[{' } }));
      expect(notJson.message).toContain('Calls (calls) must be valid JSON');
    });

    it('Update Contact sends only what changes and names the rule when nothing does', async () => {
      nock(API).patch('/contacts/ct_77xy', { company: 'Lone Star Lending LLC' }).reply(200, ok({ id: 'ct_77xy', company: 'Lone Star Lending LLC' }));
      await expect(run('creates.contacts_update.operation.perform', { authData, inputData: { contact_id: 'ct_77xy', company: 'Lone Star Lending LLC' } })).resolves.toEqual({
        id: 'ct_77xy',
        company: 'Lone Star Lending LLC',
      });
      const err = await rejection(() => run('creates.contacts_update.operation.perform', { authData, inputData: { contact_id: 'ct_77xy', name: '' } }));
      expect(err.message).toContain('give at least one field to change');
    });

    it("keeps Aila's error code and message", async () => {
      nock(API)
        .get('/calls')
        .query(true)
        .reply(400, { success: false, error: { code: 'VALIDATION_ERROR', message: 'Invalid date format', details: { field: 'start_date', expected: 'ISO 8601 format' } } });
      const err = await rejection(() => run('searches.calls_list.operation.perform', { authData, inputData: { start_date: '2025-03-01' } }));
      expect(err).toMatchObject({ code: 'VALIDATION_ERROR', status: 400 });
      expect(err.message).toContain('Invalid date format (Start Date (start_date): expected ISO 8601 format)');
    });
  });

  describe('searches', () => {
    it('Find Call by ID unwraps the envelope', async () => {
      nock(API).get('/calls/call_b').reply(200, ok({ ...callB, quality: { overall_score: 86 } }));
      await expect(run('searches.calls_get.operation.perform', { authData, inputData: { call_id: 'call_b' } })).resolves.toEqual([{ ...callB, quality: { overall_score: 86 } }]);
    });

    it('Find Call lists with the filters given', async () => {
      nock(API).get('/calls').query({ user_id: 'usr_1', limit: '5' }).reply(200, ok([callA, callB], { total: 2 }));
      await expect(run('searches.calls_list.operation.perform', { authData, inputData: { user_id: 'usr_1', limit: 5 } })).resolves.toEqual([callA, callB]);
    });

    it('Get Call Quality keys the result by the call', async () => {
      nock(API).get('/calls/call_b/quality').reply(200, ok({ call_id: 'call_b', overall_score: 86, checklist: [] }));
      await expect(run('searches.calls_quality.operation.perform', { authData, inputData: { call_id: 'call_b' } })).resolves.toEqual([
        { id: 'call_b', call_id: 'call_b', overall_score: 86, checklist: [] },
      ]);
    });

    it('team metrics sends user ids comma-separated', async () => {
      nock(API).get('/analytics/team-metrics').query({ user_ids: 'usr_1,usr_2' }).reply(200, ok({ members: [] }));
      const result = (await run('searches.analytics_team_metrics.operation.perform', { authData, inputData: { user_ids: ['usr_1', 'usr_2'] } })) as unknown[];
      expect(result).toHaveLength(1);
    });
  });

  describe('polling triggers', () => {
    it('New Call returns the page newest first and each call once', async () => {
      nock(API).get('/calls').query({ limit: '100', offset: '0' }).reply(200, ok([callA, callB, callC, callA], { total: 3 }));
      const result = (await run('triggers.calls_list.operation.perform', { authData, inputData: {} })) as Array<{ id: string }>;
      expect(result.map((c) => c.id)).toEqual(['call_b', 'call_c', 'call_a']);
    });

    it('New Contact fills the contact dropdown of Upload Call Recording', async () => {
      const fields = app.creates.calls_upload?.operation.inputFields as Array<{ key: string; dynamic?: string }>;
      expect(fields.find((f) => f.key === 'contact_id')?.dynamic).toBe('contacts_list.id.name');
      nock(API).get('/contacts').query({ limit: '100', offset: '0' }).reply(200, ok([{ id: 'ct_1', name: 'Maria Lopez' }]));
      await expect(run('triggers.contacts_list.operation.perform', { authData, meta: { isFillingDynamicDropdown: true, page: 0 } })).resolves.toEqual([
        { id: 'ct_1', name: 'Maria Lopez' },
      ]);
    });
  });

  describe('throttling', () => {
    it("waits as long as Aila's X-RateLimit-Reset says, via Zapier", async () => {
      const reset = Math.floor(Date.now() / 1000) + 120;
      nock(API).get('/calls/call_b').reply(429, { success: false, error: { code: 'RATE_LIMITED', message: 'Rate limit exceeded' } }, { 'x-ratelimit-reset': String(reset), 'x-ratelimit-remaining': '0' });
      const err = await rejection(() => run('searches.calls_get.operation.perform', { authData, inputData: { call_id: 'call_b' } }));
      expect(err.name).toBe('ThrottledError');
      expect(err.delay).toBeGreaterThanOrEqual(118);
      expect(err.delay).toBeLessThanOrEqual(121);
    });
  });

  describe('instant triggers (Aila webhooks)', () => {
    const trigger = 'triggers.call_completed.operation';
    const targetUrl = 'https://hooks.zapier.com/hooks/standard/1/abc/';
    const payload = { id: 'evt_2f9c1a7b5e', event: 'call.completed', created_at: '2025-03-04T16:29:40Z', data: { call_id: 'call_8f3k2m', status: 'processed' } };
    const signed = (body: string, secret = SECRET): Record<string, string> => {
      const sig = signWebhook('aila', { rawBody: body, secret });
      return zapierHeaders({ 'content-type': 'application/json', 'x-aila-event': 'call.completed', [sig.header]: sig.value });
    };

    it('has a trigger for every documented event', () => {
      expect(Object.keys(app.triggers).filter((k) => !k.endsWith('_list')).sort()).toEqual(
        ['call_completed', 'call_data_extracted', 'mismo_ready', 'task_created', 'task_synced', 'test_ping'].sort(),
      );
    });

    it('asks for the organization before registering a webhook', async () => {
      const err = await rejection(() => run(`${trigger}.performSubscribe`, { authData, targetUrl }));
      expect(err.message).toContain('fill in Organization ID');
    });

    it('registers the hook URL for its one event and keeps a secret Aila returns', async () => {
      nock(API, { reqheaders: { authorization: `Bearer ${KEY}` } })
        .post('/organizations/org_5tq81/webhooks', { url: targetUrl, events: ['call.completed'] })
        .reply(201, ok({ id: 'wh_1', url: targetUrl, events: ['call.completed'], active: true, secret: SECRET, created_at: '2025-03-01T12:00:00Z' }));
      await expect(run(`${trigger}.performSubscribe`, { authData: hookAuth, targetUrl })).resolves.toEqual({ id: 'wh_1', owner: 'org_5tq81', secret: SECRET });
    });

    it('takes the registration back when no secret could verify its deliveries', async () => {
      nock(API)
        .post('/organizations/org_5tq81/webhooks')
        .reply(201, ok({ id: 'wh_2', url: targetUrl, events: ['call.completed'], active: true }))
        .delete('/organizations/org_5tq81/webhooks/wh_2')
        .reply(200, ok({ id: 'wh_2', deleted: true }));
      const err = await rejection(() => run(`${trigger}.performSubscribe`, { authData: hookAuth, targetUrl }));
      expect(err.code).toBe('no_secret');
      expect(err.message).toContain('Webhook Signing Secret');
    });

    it('unsubscribes, treating an endpoint already gone as unsubscribed', async () => {
      nock(API)
        .delete('/organizations/org_5tq81/webhooks/wh_1')
        .reply(200, ok({ id: 'wh_1', deleted: true }))
        .delete('/organizations/org_5tq81/webhooks/wh_9')
        .reply(404, { success: false, error: { code: 'NOT_FOUND', message: 'No such webhook' } });
      await expect(run(`${trigger}.performUnsubscribe`, { authData: hookAuth, subscribeData: { id: 'wh_1', owner: 'org_5tq81' } })).resolves.toEqual({ id: 'wh_1', deleted: true });
      await expect(run(`${trigger}.performUnsubscribe`, { authData: hookAuth, subscribeData: { id: 'wh_9', owner: 'org_5tq81' } })).resolves.toEqual({ id: 'wh_9', deleted: false });
    });

    it('accepts a webhook signed with the returned secret, or with the connection secret', async () => {
      const body = JSON.stringify(payload);
      await expect(run(`${trigger}.perform`, { subscribeData: { id: 'wh_1', secret: SECRET }, rawRequest: { headers: signed(body), content: body } })).resolves.toEqual([payload]);
      await expect(
        run(`${trigger}.perform`, { authData: { ...hookAuth, webhook_secret: SECRET }, subscribeData: { id: 'wh_1' }, rawRequest: { headers: signed(body), content: body } }),
      ).resolves.toEqual([payload]);
    });

    it('rejects a forged webhook', async () => {
      const body = JSON.stringify(payload);
      const forged = await rejection(() =>
        run(`${trigger}.perform`, { subscribeData: { secret: SECRET }, rawRequest: { headers: signed(body, 'someone-elses-secret'), content: body } }),
      );
      expect(forged).toMatchObject({ code: 'signature_mismatch', status: 401 });
      const altered = await rejection(() =>
        run(`${trigger}.perform`, { subscribeData: { secret: SECRET }, rawRequest: { headers: signed(body), content: body.replace('processed', 'failed') } }),
      );
      expect(altered.code).toBe('signature_mismatch');
    });

    it('ignores a signed webhook for another event', async () => {
      const ping = JSON.stringify({ id: 'evt_0a1b', event: 'test.ping', created_at: '2025-03-01T12:00:05Z', data: {} });
      const sig = signWebhook('aila', { rawBody: ping, secret: SECRET });
      await expect(run(`${trigger}.perform`, { subscribeData: { secret: SECRET }, rawRequest: { headers: zapierHeaders({ [sig.header]: sig.value }), content: ping } })).resolves.toEqual([]);
    });

    it('lists recently completed calls in the shape of the webhook', async () => {
      nock(API).get('/calls').query({ limit: '10' }).reply(200, ok([callA, callC, callB]));
      const result = (await run(`${trigger}.performList`, { authData })) as Array<Record<string, unknown>>;
      expect(result).toEqual([
        { id: 'call.completed:call_b', event: 'call.completed', created_at: callB.started_at, data: { call_id: 'call_b', user_id: 'usr_1', status: 'processed', started_at: callB.started_at } },
        { id: 'call.completed:call_a', event: 'call.completed', created_at: callA.started_at, data: { call_id: 'call_a', user_id: 'usr_1', status: 'processed', started_at: callA.started_at } },
      ]);
      expect(Object.keys(result[0] ?? {}).sort()).toEqual(Object.keys(payload).sort());
    });

    it('falls back to the sample for events no API lists', async () => {
      const ping = 'triggers.test_ping.operation';
      await expect(run(`${ping}.performList`, { authData })).resolves.toEqual([]);
    });
  });
});
