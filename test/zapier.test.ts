import vyoraApp from '../packages/zapier/vyora/src/index';
import ailaApp from '../packages/zapier/aila/src/index';
import { rejection, runner, zapierHeaders } from '../packages/zapier/common/test-support/zapier';
import { callsOfBothKinds } from './support/calls';
import { startParts, RELAY_TOKEN, type Parts } from './support/parts';
import { json, startReceiver, type Received, type Receiver } from './support/receiver';
import { at, relayApi } from './support/relay-api';
import { journey } from './support/steps';

/**
 * Journey 3, Zapier: the Vyora app's instant trigger driven through createAppTester as
 * Zapier drives it. Turning the Zap on subscribes its hook URL at the running relay; a call
 * made with the app's own Trigger Call action is delivered to that URL; perform gets the
 * delivery's raw body and headers, as Zapier hands them over, and accepts it, refuses a forged
 * copy; turning the Zap off removes the subscription. The Aila app's instant trigger
 * registers its hook URL with the sandbox's Aila and removes it again.
 */

const CHOSEN = ['Interested'];

/** Stands in for Zapier's hook URL: headers in the form Zapier gives perform. */
function hookBundle(r: Received, subscribeData: unknown): Record<string, unknown> {
  return { subscribeData, rawRequest: { headers: zapierHeaders(r.headers), content: r.body } };
}

describe('journey 3: Zapier instant triggers against the running relay and the sandbox', () => {
  const vyora = runner(vyoraApp);
  const aila = runner(ailaApp);
  const j = journey('zapier');
  let parts: Parts | undefined;
  let hooks: Receiver | undefined;
  const saved = { VYORA_BASE_URL: process.env['VYORA_BASE_URL'], AILA_BASE_URL: process.env['AILA_BASE_URL'] };
  const vyoraAuth = (): Record<string, string> => {
    const p = parts as Parts;
    return { api_key: p.sandbox.keys.vyora, relay_url: p.relayUrl, relay_token: RELAY_TOKEN };
  };

  beforeAll(async () => {
    parts = await j.step('start the sandbox and a relay wired to it', () => startParts());
    // What `zapier-platform env:set` would set to point the apps at the sandbox.
    process.env['VYORA_BASE_URL'] = parts.sandbox.urls.vyora;
    process.env['AILA_BASE_URL'] = parts.sandbox.urls.aila;
    hooks = await startReceiver();
  });

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await hooks?.close();
    await parts?.close();
  });

  it('Vyora: turning the Zap on subscribes, a real delivery is accepted, a forged one refused, turning it off unsubscribes', async () => {
    const { sandbox, relayUrl } = parts as Parts;
    const rx = hooks as Receiver;
    const api = relayApi(relayUrl, RELAY_TOKEN);
    const authData = vyoraAuth();
    const trigger = 'triggers.all_processing_completed.operation';
    const targetUrl = `${rx.url}/hooks/standard/1/analysis`;

    const sub = await j.step('turn the Zap on: performSubscribe creates a subscription at the relay', async () => {
      const out = (await vyora(`${trigger}.performSubscribe`, { authData, targetUrl })) as { id: string; secret: string };
      expect(out).toEqual({ id: expect.stringMatching(/^sub_/), secret: expect.stringMatching(/^whsec_/) });
      const stored = await api.must('GET', `/v1/subscriptions/${out.id}`, undefined, 200);
      expect(stored).toMatchObject({ target_url: targetUrl, events: ['vyora.all_processing_completed'], status: 'active' });
      return out;
    });

    const callId = await j.step("make a call with the app's own Trigger Call action", async () => {
      const out = (await vyora('creates.calls_trigger.operation.perform', {
        authData,
        inputData: { phone_number: '+919876543210', agent_name: 'Home Loan Agent', custom_args: { name: 'Rahul Sharma' } },
      })) as Record<string, unknown>;
      expect(out['call_id']).toEqual(expect.any(String));
      return String(out['call_id']);
    });

    const delivery = await j.step('the call runs its course; the relay delivers its analysis to the hook URL', async () => {
      for (const stage of ['in_progress', 'completed', 'processed'] as const) sandbox.calls.advance(callId, stage);
      const r = await rx.waitFor((x) => x.body.includes(callId), `the delivery for ${callId}`);
      expect(json(r)['type']).toBe('vyora.all_processing_completed');
      return r;
    });

    await j.step('perform accepts the delivery as Zapier hands it over: raw body and Http- headers', async () => {
      const items = (await vyora(`${trigger}.perform`, hookBundle(delivery, sub))) as Array<Record<string, unknown>>;
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ id: delivery.headers['webhook-id'], type: 'vyora.all_processing_completed', provider: 'vyora', data: { call_id: callId } });
      const call = await api.must('POST', '/v1/actions/vyora/calls.get', { call_id: callId }, 200);
      expect(at(items[0], 'data.analysis')).toEqual(call['analysis']);
    });

    await j.step('perform refuses a forged copy (body changed after signing)', async () => {
      const forged = { ...delivery, body: delivery.body.replace(callId, 'forged_call') };
      expect((await rejection(() => vyora(`${trigger}.perform`, hookBundle(forged, sub)))).code).toBe('signature_mismatch');
      const other = await rejection(() => vyora(`${trigger}.perform`, hookBundle(delivery, { ...sub, secret: 'whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY' })));
      expect(other.code).toBe('signature_mismatch');
    });

    await j.step('turn the Zap off: performUnsubscribe removes the subscription', async () => {
      await expect(vyora(`${trigger}.performUnsubscribe`, { authData, subscribeData: sub })).resolves.toEqual({ id: sub.id, deleted: true });
      expect((await api.request('GET', `/v1/subscriptions/${sub.id}`)).status).toBe(404);
    });

    await j.step('with the Zap off, a second call reaches the relay and is delivered to no one', async () => {
      const second = (await vyora('creates.calls_trigger.operation.perform', { authData, inputData: { phone_number: '+919876543211', agent_name: 'Home Loan Agent' } })) as Record<string, unknown>;
      sandbox.calls.advance(String(second['call_id']), 'processed');
      expect(await sandbox.settle(5_000)).toBe(true);
      const listed = await api.must('GET', '/v1/events?type=vyora.all_processing_completed', undefined, 200);
      const event = (listed['data'] as Array<Record<string, unknown>>).find((e) => at(e, 'data.call_id') === second['call_id']);
      expect(event).toBeDefined();
      const detail = await api.must('GET', `/v1/events/${String(event?.['id'])}`, undefined, 200);
      expect(detail['deliveries']).toEqual([]);
      expect(rx.received.filter((x) => x.path === new URL(targetUrl).pathname)).toHaveLength(1);
    });
  });

  it("Aila: turning the Zap on registers the hook URL with the sandbox's Aila, a signed delivery is accepted, turning it off removes it", async () => {
    const { sandbox, relayUrl } = parts as Parts;
    const rx = hooks as Receiver;
    const api = relayApi(relayUrl, RELAY_TOKEN);
    const ailaAuth = { api_key: sandbox.keys.aila, organization_id: sandbox.aila.organizationId };
    const ailaTarget = `${rx.url}/hooks/standard/2/aila`;
    const listAila = async (): Promise<Array<Record<string, unknown>>> => {
      const res = await fetch(`${sandbox.urls.aila}/organizations/${sandbox.aila.organizationId}/webhooks`, { headers: { authorization: `Bearer ${sandbox.keys.aila}` } });
      return ((await res.json()) as { data: Array<Record<string, unknown>> }).data;
    };

    const ailaSub = await j.step("Aila: performSubscribe registers the hook URL with the sandbox's Aila", async () => {
      const out = (await aila('triggers.call_completed.operation.performSubscribe', { authData: ailaAuth, targetUrl: ailaTarget })) as Record<string, unknown>;
      expect(out).toMatchObject({ id: expect.any(String), owner: sandbox.aila.organizationId, secret: expect.any(String) });
      expect(await listAila()).toEqual(expect.arrayContaining([expect.objectContaining({ id: out['id'], url: ailaTarget, events: ['call.completed'] })]));
      return out;
    });

    const ailaDelivery = await j.step("Aila: an uploaded call is processed and Aila's call.completed reaches the hook URL", async () => {
      const upload = await api.must('POST', '/v1/actions/aila/calls.upload', { recording_url: 'https://storage.example.com/recordings/journey.mp3' }, 200);
      const ailaCall = String(upload['id']);
      sandbox.calls.fastForward();
      const r = await rx.waitFor((x) => x.path === new URL(ailaTarget).pathname && x.body.includes(ailaCall), `Aila's call.completed for ${ailaCall}`);
      return { r, ailaCall };
    });

    await j.step('Aila: perform accepts the signed delivery and refuses a forged copy', async () => {
      const { r, ailaCall } = ailaDelivery;
      const items = (await aila('triggers.call_completed.operation.perform', { authData: ailaAuth, ...hookBundle(r, ailaSub) })) as Array<Record<string, unknown>>;
      expect(items).toEqual([expect.objectContaining({ event: 'call.completed', data: expect.objectContaining({ call_id: ailaCall, status: 'processed' }) })]);
      const forged = { ...r, body: r.body.replace(ailaCall, 'call_forged') };
      const refused = await rejection(() => aila('triggers.call_completed.operation.perform', { authData: ailaAuth, ...hookBundle(forged, ailaSub) }));
      expect(refused.status).toBe(401);
    });

    await j.step("Aila: performUnsubscribe removes the registration from the sandbox's Aila", async () => {
      await expect(aila('triggers.call_completed.operation.performUnsubscribe', { authData: ailaAuth, subscribeData: ailaSub })).resolves.toEqual({ id: ailaSub['id'], deleted: true });
      expect((await listAila()).map((w) => w['id'])).not.toContain(ailaSub['id']);
    });
  });

  it(
    'Vyora with filter fields: only the calls they describe reach the Zap',
    async () => {
      const { sandbox, relayUrl } = parts as Parts;
      const rx = hooks as Receiver;
      const api = relayApi(relayUrl, RELAY_TOKEN);
      const trigger = 'triggers.all_processing_completed.operation';
      const targetUrl = `${rx.url}/hooks/standard/3/interested`;
      const path = new URL(targetUrl).pathname;

      const sub = await j.step(`turn on a Zap on Analysis Ready with Only Classifications = ${CHOSEN.join(', ')}`, async () => {
        const out = (await vyora(`${trigger}.performSubscribe`, { authData: vyoraAuth(), targetUrl, inputData: { classifications: CHOSEN } })) as { id: string; secret: string };
        const stored = await api.must('GET', `/v1/subscriptions/${out.id}`, undefined, 200);
        expect(stored['filter']).toEqual({ 'data.analysis.classification': { $in: CHOSEN } });
        return out;
      });
      const calls = await j.step('make calls until one is classified so and one is not', () => callsOfBothKinds(api, sandbox, { classifications: CHOSEN }));
      j.note(`${calls.length} calls: ${calls.map((c) => c.classification).join(', ')}`);
      const wanted = calls.filter((c) => c.meets).map((c) => c.id).sort();

      await j.step('the hook URL got exactly those calls, and perform accepts each', async () => {
        const got = await rx.waitForCount((r) => r.path === path, wanted.length, 'the filtered deliveries');
        await sandbox.settle(5_000);
        const listed = await api.must('GET', `/v1/deliveries?subscription_id=${sub.id}`, undefined, 200);
        expect((listed['data'] as unknown[]).length).toBe(wanted.length);
        expect(got.map((r) => String(at(json(r), 'data.call_id'))).sort()).toEqual(wanted);
        for (const r of got) {
          const items = (await vyora(`${trigger}.perform`, hookBundle(r, sub))) as Array<Record<string, unknown>>;
          expect(at(items[0], 'data.analysis.classification')).toBe(CHOSEN[0]);
        }
      });

      await j.step('turning the Zap off removes the filtered subscription', async () => {
        await expect(vyora(`${trigger}.performUnsubscribe`, { authData: vyoraAuth(), subscribeData: sub })).resolves.toEqual({ id: sub.id, deleted: true });
      });
    },
  );
});
