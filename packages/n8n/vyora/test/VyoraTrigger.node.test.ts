import nock from 'nock';
import { NodeApiError, type IDataObject } from 'n8n-workflow';
import { signWebhook, standardWebhookHeaders } from '@callbridge/core';
import { deliver, runHook, type Credentials, type TriggerSetup } from '../../common/test/contexts';
import { fixture, signatureVectors } from '../../common/test/fixtures';
import { useHttpMocks } from '../../common/test/setup';
import { VyoraApi } from '../credentials/VyoraApi.credentials';
import { VyoraRelayApi } from '../credentials/VyoraRelayApi.credentials';
import { VyoraTrigger } from '../nodes/VyoraTrigger/VyoraTrigger.node';

const SECRET = 'vyora_test_webhook_secret_0001';
const RELAY = 'http://127.0.0.1:8080';
const TOKEN = 'relay_token_abc';
const HOOK_URL = 'https://n8n.example.test/webhook/5f1c/webhook';
const RELAY_SECRET = 'whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY';

const node = new VyoraTrigger();

function credentials(webhookSecret = SECRET): Credentials {
  return {
    types: [new VyoraApi(), new VyoraRelayApi()],
    data: {
      vyoraApi: { apiKey: 'vya_test_key', baseUrl: 'https://api.vyora.ai', webhookSecret },
      vyoraRelayApi: { relayUrl: `${RELAY}/`, apiToken: TOKEN },
    },
  };
}

function direct(events: string[], webhookSecret = SECRET, staticData: IDataObject = {}): TriggerSetup {
  return { node, credentials: credentials(webhookSecret), parameters: { mode: 'direct', events }, staticData, webhookUrl: HOOK_URL };
}

function relay(events: string[], staticData: IDataObject = {}, filters?: IDataObject): TriggerSetup {
  return { node, credentials: credentials(), parameters: { mode: 'relay', events, ...(filters ? { filters } : {}) }, staticData, webhookUrl: HOOK_URL };
}

function relayApi() {
  return nock(RELAY, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
}

function signed(payload: unknown, event: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(payload);
  const sig = signWebhook('vyora', { rawBody: body, secret: SECRET });
  return { body, headers: { 'content-type': 'application/json', 'x-vyora-event': event, [sig.header]: sig.value } };
}

useHttpMocks();

describe('Vyora Trigger, direct mode', () => {
  const payload = fixture<Record<string, unknown>>('vyora', 'webhook.call_completed');

  it('starts the workflow with the event envelope for a correctly signed delivery', async () => {
    const { result, response } = await deliver(direct(['call_completed']), signed(payload, 'call_completed'));
    expect(response.status).toBeUndefined();
    const item = result.workflowData?.[0]?.[0];
    expect(item?.json).toMatchObject({ type: 'vyora.call_completed', provider: 'vyora', event: 'call_completed', data: payload });
    expect(item?.json['id']).toMatch(/^evt_/);
  });

  it.each(signatureVectors('vyora').map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const { result, response } = await deliver(direct(['call_started', 'call_completed'], v.secret), { body: v.body, headers: v.headers });
    if (v.valid) {
      expect(result.workflowData?.[0]).toHaveLength(1);
    } else {
      expect(response).toEqual({ status: 401, body: { error: 'invalid_signature', reason: v.reason } });
      expect(result).toEqual({ noWebhookResponse: true });
    }
  });

  it('checks the signature over the raw bytes, not re-serialized JSON', async () => {
    const body = `{ "event": "call_completed",\n  "call_id": "abc123xyz" }`;
    const sig = signWebhook('vyora', { rawBody: body, secret: SECRET });
    const ok = await deliver(direct(['call_completed']), { body, headers: { [sig.header]: sig.value, 'x-vyora-event': 'call_completed' } });
    expect(ok.result.workflowData?.[0]?.[0]?.json['data']).toEqual({ event: 'call_completed', call_id: 'abc123xyz' });
  });

  it('refuses a delivery whose raw body n8n did not keep', async () => {
    const { response, result } = await deliver(direct(['call_completed']), { ...signed(payload, 'call_completed'), withoutRawBody: true });
    expect(response.status).toBe(401);
    expect(result.workflowData).toBeUndefined();
  });

  it('acknowledges events the workflow did not select without starting it', async () => {
    const started = { ...payload, event: 'call_started' };
    const { result, response } = await deliver(direct(['call_completed']), signed(started, 'call_started'));
    expect(response.status).toBeUndefined();
    expect(result).toEqual({ webhookResponse: { received: true, ignored: 'vyora.call_started' } });
  });

  it('answers 400 to a signed body that is not JSON', async () => {
    const body = 'not json';
    const sig = signWebhook('vyora', { rawBody: body, secret: SECRET });
    const { response } = await deliver(direct([]), { body, headers: { [sig.header]: sig.value, 'x-vyora-event': 'call_completed' } });
    expect(response.status).toBe(400);
  });

  it('has nothing to register: the webhook methods touch no network', async () => {
    const setup = direct(['call_completed']);
    expect(await runHook(setup, 'checkExists')).toBe(true);
    expect(await runHook(setup, 'create')).toBe(true);
    expect(await runHook(setup, 'delete')).toBe(true);
    expect(setup.staticData).toEqual({});
  });
});

describe('Vyora Trigger, relay mode', () => {
  it('subscribes its URL on activation and keeps the issued secret', async () => {
    relayApi()
      .post('/v1/subscriptions', { target_url: HOOK_URL, events: ['vyora.all_processing_completed', 'vyora.call_completed'] })
      .reply(201, { id: 'sub_1', secret: RELAY_SECRET, target_url: HOOK_URL, events: [], created_at: '2026-05-24T10:00:00Z' });
    const setup = relay(['call_completed', 'all_processing_completed']);
    expect(await runHook(setup, 'checkExists')).toBe(false);
    expect(await runHook(setup, 'create')).toBe(true);
    expect(setup.staticData).toEqual({ relaySubscriptionId: 'sub_1', relaySecret: RELAY_SECRET });
  });

  it('lets a workflow select no event (every event): n8n refuses to publish an empty required parameter', () => {
    const events = node.description.properties.find((p) => p.name === 'events');
    expect(events?.default).toEqual([]);
    expect(events?.required).toBeFalsy();
  });

  it('subscribes to every Vyora event when none is selected', async () => {
    relayApi()
      .post('/v1/subscriptions', { target_url: HOOK_URL, events: ['vyora.all_processing_completed', 'vyora.call_completed', 'vyora.call_started'] })
      .reply(201, { id: 'sub_2', secret: RELAY_SECRET });
    expect(await runHook(relay([]), 'create')).toBe(true);
  });

  it('finds its live subscription, and forgets one the relay no longer has', async () => {
    const state = { relaySubscriptionId: 'sub_1', relaySecret: RELAY_SECRET };
    relayApi().get('/v1/subscriptions/sub_1').reply(200, { id: 'sub_1', target_url: HOOK_URL, events: ['vyora.call_completed'] });
    expect(await runHook(relay(['call_completed'], { ...state }), 'checkExists')).toBe(true);

    const gone = { ...state };
    relayApi().get('/v1/subscriptions/sub_1').reply(404, { error: { code: 'not_found', message: 'no such subscription' } });
    expect(await runHook(relay(['call_completed'], gone), 'checkExists')).toBe(false);
    expect(gone).toEqual({});
  });

  it('replaces a subscription whose events no longer match the selection', async () => {
    const state: IDataObject = { relaySubscriptionId: 'sub_1', relaySecret: RELAY_SECRET };
    relayApi().get('/v1/subscriptions/sub_1').reply(200, { id: 'sub_1', target_url: HOOK_URL, events: ['vyora.call_started'] });
    relayApi().delete('/v1/subscriptions/sub_1').reply(204);
    expect(await runHook(relay(['call_completed'], state), 'checkExists')).toBe(false);
    expect(state).toEqual({});
  });

  it('unsubscribes on deactivation, also when the relay already forgot it', async () => {
    const state: IDataObject = { relaySubscriptionId: 'sub_1', relaySecret: RELAY_SECRET };
    relayApi().delete('/v1/subscriptions/sub_1').reply(204);
    expect(await runHook(relay([], state), 'delete')).toBe(true);
    expect(state).toEqual({});

    const stale: IDataObject = { relaySubscriptionId: 'sub_9', relaySecret: RELAY_SECRET };
    relayApi().delete('/v1/subscriptions/sub_9').reply(404, { error: { code: 'not_found', message: 'gone' } });
    expect(await runHook(relay([], stale), 'delete')).toBe(true);
  });

  describe('filters', () => {
    const wanted = { 'data.analysis.classification': { $in: ['Interested', 'Callback Requested'] }, 'data.duration_seconds': { $gte: 30 } };

    it("subscribes with the relay filter its filter fields ask for", async () => {
      relayApi()
        .post('/v1/subscriptions', { target_url: HOOK_URL, events: ['vyora.all_processing_completed'], filter: wanted })
        .reply(201, { id: 'sub_f', secret: RELAY_SECRET, filter: wanted });
      const setup = relay(['all_processing_completed'], {}, { classifications: 'Interested, Callback Requested', min_duration_seconds: 30 });
      expect(await runHook(setup, 'create')).toBe(true);
      expect(setup.staticData).toEqual({ relaySubscriptionId: 'sub_f', relaySecret: RELAY_SECRET });
    });

    it('sends no filter when the fields are left empty', async () => {
      relayApi()
        .post('/v1/subscriptions', (body: Record<string, unknown>) => !('filter' in body))
        .reply(201, { id: 'sub_n', secret: RELAY_SECRET });
      expect(await runHook(relay(['call_completed'], {}, { classifications: ' ', min_duration_seconds: 0 }), 'create')).toBe(true);
    });

    it('refuses a bad value by its label before asking the relay anything', async () => {
      const err = await runHook(relay(['call_completed'], {}, { min_duration_seconds: -5 }), 'create').catch((e: unknown) => e);
      expect((err as Error).message).toBe('Filters: Minimum Duration (Seconds) must be a number of at least 0 (got -5)');
    });

    it('keeps a subscription with the same filter, in whatever key order the relay returns it', async () => {
      const state = { relaySubscriptionId: 'sub_f', relaySecret: RELAY_SECRET };
      const reordered = { 'data.duration_seconds': { $gte: 30 }, 'data.analysis.classification': { $in: ['Interested', 'Callback Requested'] } };
      relayApi().get('/v1/subscriptions/sub_f').reply(200, { id: 'sub_f', target_url: HOOK_URL, events: ['vyora.all_processing_completed'], filter: reordered });
      const setup = relay(['all_processing_completed'], state, { classifications: 'Interested,Callback Requested', min_duration_seconds: 30 });
      expect(await runHook(setup, 'checkExists')).toBe(true);
    });

    it('replaces a subscription whose filter is not the one the fields ask for', async () => {
      const state: IDataObject = { relaySubscriptionId: 'sub_f', relaySecret: RELAY_SECRET };
      relayApi().get('/v1/subscriptions/sub_f').reply(200, { id: 'sub_f', target_url: HOOK_URL, events: ['vyora.all_processing_completed'], filter: null });
      relayApi().delete('/v1/subscriptions/sub_f').reply(204);
      expect(await runHook(relay(['all_processing_completed'], state, { min_duration_seconds: 30 }), 'checkExists')).toBe(false);
      expect(state).toEqual({});
    });

    it('offers the fields in relay mode only', () => {
      const prop = node.description.properties.find((p) => p.name === 'filters');
      expect(prop?.displayOptions).toEqual({ show: { mode: ['relay'] } });
      expect((prop?.options ?? []).map((o) => o.name)).toEqual(['min_duration_seconds', 'classifications']);
    });
  });

  it("raises the relay's refusal as a NodeApiError", async () => {
    relayApi().post('/v1/subscriptions').reply(401, { error: { code: 'unauthorized', message: 'bad token' } });
    const err = await runHook(relay(['call_completed']), 'create').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeApiError);
    expect((err as Error).message).toBe('The relay refused to create the subscription: bad token');
  });

  describe('deliveries', () => {
    const state = (): IDataObject => ({ relaySubscriptionId: 'sub_1', relaySecret: RELAY_SECRET });
    const envelope = {
      id: 'evt_01JVYORA0000000000000000AA',
      type: 'vyora.call_completed',
      provider: 'vyora',
      created_at: '2026-05-24T10:31:15Z',
      data: fixture('vyora', 'webhook.call_completed'),
    };
    const sign = (body: string, secret = RELAY_SECRET, timestamp = Math.floor(Date.now() / 1000)) =>
      standardWebhookHeaders({ id: envelope.id, timestamp, body, secret });

    it('accepts a Standard Webhooks delivery signed with the subscription secret', async () => {
      const body = JSON.stringify(envelope);
      const { result } = await deliver(relay(['call_completed'], state()), { body, headers: sign(body) });
      expect(result.workflowData?.[0]?.[0]?.json).toEqual({ ...envelope, event: 'call_completed' });
    });

    it('refuses forgeries, stale timestamps and deliveries before any subscription', async () => {
      const body = JSON.stringify(envelope);
      const forged = await deliver(relay([], state()), { body, headers: sign(body, 'whsec_yMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f') });
      expect(forged.response).toEqual({ status: 401, body: { error: 'invalid_signature', reason: 'signature_mismatch' } });

      const stale = await deliver(relay([], state()), { body, headers: sign(body, RELAY_SECRET, Math.floor(Date.now() / 1000) - 3600) });
      expect(stale.response.body).toEqual({ error: 'invalid_signature', reason: 'timestamp_out_of_tolerance' });

      const tampered = await deliver(relay([], state()), { body: body.replace('completed', 'started'), headers: sign(body) });
      expect(tampered.response.status).toBe(401);

      const unsubscribed = await deliver(relay([], {}), { body, headers: sign(body) });
      expect(unsubscribed.response.body).toEqual({ error: 'invalid_signature', reason: 'no_secret' });
      for (const r of [forged, stale, tampered, unsubscribed]) expect(r.result.workflowData).toBeUndefined();
    });

    it("passes on the relay source the event came from, and a test delivery's flag", async () => {
      const body = JSON.stringify({ ...envelope, source: 'src_clientA', test: true });
      const { result } = await deliver(relay(['call_completed'], state()), { body, headers: sign(body) });
      expect(result.workflowData?.[0]?.[0]?.json).toEqual({ ...envelope, event: 'call_completed', source: 'src_clientA', test: true });
    });

    it('filters by event', async () => {
      const body = JSON.stringify({ ...envelope, type: 'vyora.call_started' });
      const { result } = await deliver(relay(['call_completed'], state()), { body, headers: sign(body) });
      expect(result).toEqual({ webhookResponse: { received: true, ignored: 'vyora.call_started' } });
    });
  });
});
