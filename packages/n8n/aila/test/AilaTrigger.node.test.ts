import { createHmac } from 'node:crypto';
import nock from 'nock';
import { NodeApiError, type IDataObject } from 'n8n-workflow';
import { signWebhook } from '@callbridge/core';
import { deliver, hookContext, runHook, type Credentials, type TriggerSetup } from '../../common/test/contexts';
import { fixture, signatureVectors } from '../../common/test/fixtures';
import { useHttpMocks, useInstantSleep } from '../../common/test/setup';
import { AilaApi } from '../credentials/AilaApi.credentials';
import { AilaTrigger } from '../nodes/AilaTrigger/AilaTrigger.node';

const KEY = 'aila_test_key_123';
const SECRET = 'aila_test_webhook_secret_0001';
const HOOK_URL = 'https://n8n.example.test/webhook/77aa/webhook';
const ORG = '/v1/organizations/org_5tq81/webhooks';
const node = new AilaTrigger();

function credentials(webhookSecret = SECRET): Credentials {
  return { types: [new AilaApi()], data: { ailaApi: { apiKey: KEY, baseUrl: 'https://api.aila.com/v1', webhookSecret } } };
}

function setup(events: string[], staticData: IDataObject = {}, extra: IDataObject = {}, webhookSecret = SECRET): TriggerSetup {
  return { node, credentials: credentials(webhookSecret), parameters: { organization_id: 'org_5tq81', events, ...extra }, staticData, webhookUrl: HOOK_URL };
}

function api() {
  return nock('https://api.aila.com', { reqheaders: { authorization: `Bearer ${KEY}` } });
}

function signed(payload: unknown, secret = SECRET) {
  const body = JSON.stringify(payload);
  const sig = signWebhook('aila', { rawBody: body, secret });
  return { body, headers: { 'content-type': 'application/json', [sig.header]: sig.value } };
}

useHttpMocks();
useInstantSleep();

describe('Aila Trigger webhook lifecycle', () => {
  it('registers its URL for the selected events and keeps the endpoint id', async () => {
    api()
      .post(ORG, { url: HOOK_URL, events: ['call.completed', 'task.created'] })
      .reply(201, { success: true, data: { id: 'wh_1', url: HOOK_URL, events: ['call.completed', 'task.created'], active: true } });
    const s = setup(['call.completed', 'task.created']);
    expect(await runHook(s, 'checkExists')).toBe(false);
    expect(await runHook(s, 'create')).toBe(true);
    expect(s.staticData).toEqual({ webhookId: 'wh_1' });
  });

  it('registers every event when none is selected, and keeps a secret Aila issues', async () => {
    api()
      .post(ORG, { url: HOOK_URL, events: ['call.completed', 'call.data.extracted', 'task.created', 'task.synced', 'mismo.ready', 'test.ping'] })
      .reply(201, { success: true, data: { id: 'wh_2', secret: 'per_endpoint_secret' } });
    const s = setup([]);
    expect(await runHook(s, 'create')).toBe(true);
    expect(s.staticData).toEqual({ webhookId: 'wh_2', webhookSecret: 'per_endpoint_secret' });
  });

  it('checkExists asks Aila whether its endpoint is still registered', async () => {
    api().get(ORG).reply(200, { success: true, data: [{ id: 'wh_1', url: HOOK_URL }] });
    expect(await runHook(setup([], { webhookId: 'wh_1' }), 'checkExists')).toBe(true);

    api().get(ORG).reply(200, { success: true, data: [{ id: 'wh_other', url: HOOK_URL }] });
    expect(await runHook(setup([], { webhookId: 'wh_1' }), 'checkExists')).toBe(false);
  });

  it('registers anew, with a warning in the log, when the endpoints cannot be listed', async () => {
    api().get(ORG).reply(404, { success: false, error: { code: 'NOT_FOUND', message: 'Not found' } });
    const s = setup([], { webhookId: 'wh_1' });
    const { ctx, logs } = hookContext(s);
    const checkExists = node.webhookMethods.default.checkExists;
    expect(await checkExists.call(ctx)).toBe(false);
    expect(logs.map((l) => l.level)).toEqual(['warn']);
  });

  it('removes its endpoint on deactivation, also when Aila already forgot it', async () => {
    api().delete(`${ORG}/wh_1`).reply(200, { success: true, data: { id: 'wh_1', deleted: true } });
    const s = setup([], { webhookId: 'wh_1', webhookSecret: 'x' });
    expect(await runHook(s, 'delete')).toBe(true);
    expect(s.staticData).toEqual({});

    api().delete(`${ORG}/wh_9`).reply(404, { success: false, error: { code: 'NOT_FOUND', message: 'No such webhook' } });
    expect(await runHook(setup([], { webhookId: 'wh_9' }), 'delete')).toBe(true);
  });

  it("raises Aila's refusal to register as a NodeApiError", async () => {
    api().post(ORG).reply(403, { success: false, error: { code: 'FORBIDDEN', message: 'Webhooks need the Enterprise plan' } });
    const err = await runHook(setup(['call.completed']), 'create').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeApiError);
    expect((err as Error).message).toBe('Webhooks need the Enterprise plan');
  });

  it('refuses to register without an organization, naming the field', async () => {
    const s = { ...setup(['call.completed']), parameters: { organization_id: '', events: ['call.completed'] } };
    await expect(runHook(s, 'create')).rejects.toThrow(/organization_id: must not be empty/);
  });
});

describe('Aila Trigger deliveries', () => {
  const payload = fixture<Record<string, unknown>>('aila', 'webhook.call.completed');

  it('starts the workflow with the event for a correctly signed delivery', async () => {
    const { result } = await deliver(setup(['call.completed'], { webhookId: 'wh_1' }), signed(payload));
    expect(result.workflowData?.[0]?.[0]?.json).toMatchObject({
      type: 'aila.call.completed',
      provider: 'aila',
      event: 'call.completed',
      created_at: '2025-03-04T16:29:40Z',
      data: payload,
    });
  });

  it.each(signatureVectors('aila').map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const { result, response } = await deliver(setup([], {}, {}, v.secret), { body: v.body, headers: v.headers });
    if (v.valid) expect(result.workflowData?.[0]).toHaveLength(1);
    else expect(response).toEqual({ status: 401, body: { error: 'invalid_signature', reason: v.reason } });
  });

  it('verifies with the secret Aila issued for the endpoint rather than the credential', async () => {
    const state = { webhookId: 'wh_2', webhookSecret: 'per_endpoint_secret' };
    const good = await deliver(setup([], state), signed(payload, 'per_endpoint_secret'));
    expect(good.result.workflowData).toBeDefined();
    const old = await deliver(setup([], state), signed(payload, SECRET));
    expect(old.response.status).toBe(401);
  });

  it('filters by event', async () => {
    const ping = { id: 'evt_ping', event: 'test.ping', created_at: '2025-03-04T16:29:40Z', data: {} };
    const { result } = await deliver(setup(['call.completed']), signed(ping));
    expect(result).toEqual({ webhookResponse: { received: true, ignored: 'aila.test.ping' } });
  });

  it('follows the signature scheme set in Options, since Aila does not document it', async () => {
    const body = JSON.stringify(payload);
    const sig = createHmac('sha256', SECRET).update(body).digest('base64');
    const options = { options: { signatureHeader: 'X-Signature', signaturePrefix: '', signatureEncoding: 'base64' } };
    const custom = await deliver(setup([], {}, options), { body, headers: { 'x-signature': sig } });
    expect(custom.result.workflowData?.[0]).toHaveLength(1);
    const defaults = await deliver(setup([]), { body, headers: { 'x-signature': sig } });
    expect(defaults.response).toEqual({ status: 401, body: { error: 'invalid_signature', reason: 'missing_signature' } });
  });
});
