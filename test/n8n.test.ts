import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signWebhook, standardWebhookHeaders } from '../packages/core/src';
import { callsOfBothKinds } from './support/calls';
import { postingWorkflow, prepareN8n, startN8n, type N8nServer, type PreparedN8n } from './support/n8n';
import { startParts, RELAY_TOKEN, type Parts } from './support/parts';
import { json, startReceiver, type Received, type Receiver } from './support/receiver';
import { at, relayApi, type RelayApi } from './support/relay-api';
import { journey } from './support/steps';

/**
 * Journey 2, a real n8n: n8n 2.8.4 (the live test's install) runs as a server with the
 * Vyora Trigger in relay mode and the Aila Trigger in workflows that post what they receive
 * to a local receiver. Activating them (through n8n's REST API, as the editor's toggle does)
 * must subscribe at the relay and register with the sandbox's Aila; a call then starts
 * executions carrying the call's data; forged deliveries posted straight to n8n's webhook
 * URLs start nothing; deactivating removes the subscription and the Aila registration. A
 * filtered trigger runs only for the calls its filters describe. Finally n8n is stopped
 * with one workflow still active, to show what shutdown does to registrations, and started
 * again, to show that the trigger finds its subscription rather than making another.
 */

const VYORA = 'cbJourneyVyora01';
const AILA = 'cbJourneyAila001';
const STARTED = 'cbJourneyStart01';
const FILTERED = 'cbJourneyFilter1';
/** Each trigger's webhookId, so its webhook URL is known before n8n starts. */
const hookId = (workflow: string): string => `${workflow}-hook`;
const CRED = { relay: { id: 'cbJourneyRelay01', name: 'Relay' }, aila: { id: 'cbJourneyAilaKey', name: 'Aila sandbox' } };
const CHOSEN = ['Interested', 'Callback Requested'];
const MIN_SECONDS = 30;

describe('journey 2: the Vyora and Aila triggers inside a running n8n', () => {
  const j = journey('n8n');
  const sent: Record<string, string[]> = {};
  let work = '';
  let parts: Parts | undefined;
  let rx: Receiver | undefined;
  let n8n: N8nServer | undefined;
  let api: RelayApi;
  let subs: Record<string, string> = {};

  const postsOf = (workflow: string): Received[] => (rx?.received ?? []).filter((r) => r.path === `/n8n/${workflow}`);
  const ailaEndpoints = async (): Promise<Array<Record<string, unknown>>> => {
    const sb = (parts as Parts).sandbox;
    const res = await fetch(`${sb.urls.aila}/organizations/${sb.aila.organizationId}/webhooks`, { headers: { authorization: `Bearer ${sb.keys.aila}` } });
    return ((await res.json()) as { data: Array<Record<string, unknown>> }).data;
  };
  const triggerCall = async (): Promise<string> => {
    const body = await api.must('POST', '/v1/actions/vyora/calls.trigger', { phone_number: '+919876543210', agent_name: 'Home Loan Agent', custom_args: { name: 'Rahul Sharma' } }, 200);
    return String(body['call_id']);
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'callbridge-journey-n8n-'));
    const prepared: PreparedN8n = await j.step('install n8n (once, cached) and pack the four n8n packages', () => prepareN8n());
    parts = await j.step('start the sandbox and a relay wired to it', () => startParts());
    api = relayApi(parts.relayUrl, RELAY_TOKEN);
    rx = await startReceiver();
    const post = (name: string): string => `${(rx as Receiver).url}/n8n/${name}`;
    const relayTrigger = (id: string, parameters: Record<string, unknown>) =>
      postingWorkflow(id, { type: 'CUSTOM.vyoraTrigger', webhookId: hookId(id), parameters: { mode: 'relay', ...parameters }, credentials: { vyoraRelayApi: CRED.relay } }, post(id));
    const workflows = [
      relayTrigger(VYORA, { events: ['call_completed', 'all_processing_completed'] }),
      relayTrigger(STARTED, { events: ['call_started'] }),
      postingWorkflow(
        AILA,
        { type: 'CUSTOM.ailaTrigger', webhookId: hookId(AILA), parameters: { organization_id: parts.sandbox.aila.organizationId, events: ['call.completed'], options: {} }, credentials: { ailaApi: CRED.aila } },
        post(AILA),
      ),
      relayTrigger(FILTERED, { events: ['all_processing_completed'], filters: { classifications: CHOSEN.join(', '), min_duration_seconds: MIN_SECONDS } }),
    ];
    const credentials = [
      { id: CRED.relay.id, name: CRED.relay.name, type: 'vyoraRelayApi', data: { relayUrl: parts.relayUrl, apiToken: RELAY_TOKEN } },
      { id: CRED.aila.id, name: CRED.aila.name, type: 'ailaApi', data: { apiKey: parts.sandbox.keys.aila, baseUrl: parts.sandbox.urls.aila, webhookSecret: '' } },
    ];
    n8n = await j.step(`import ${workflows.length} workflows and start n8n ${prepared.version} headless`, () =>
      startN8n({ prepared, home: join(work, 'home'), credentials, workflows }),
    );
  }, 600_000);

  afterAll(async () => {
    await n8n?.stop();
    await rx?.close();
    await parts?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("activation subscribes each Vyora Trigger at the relay and registers the Aila Trigger with the sandbox's Aila", async () => {
    const server = n8n as N8nServer;
    for (const id of [VYORA, STARTED, AILA]) await j.step(`activate ${id} through n8n's REST API`, () => server.activate(id));

    subs = await j.step('the relay holds one subscription per Vyora Trigger, to its webhook URL, for its events', async () => {
      const listed = await api.must('GET', '/v1/subscriptions', undefined, 200);
      const byTarget = new Map((listed['data'] as Array<Record<string, unknown>>).map((s) => [s['target_url'], s]));
      const found: Record<string, string> = {};
      const expectSub = (id: string, events: string[], filter?: unknown): void => {
        const sub = byTarget.get(server.webhookUrl(hookId(id)));
        expect([id, sub?.['events']]).toEqual([id, events]);
        if (filter !== undefined) expect(sub?.['filter']).toEqual(filter);
        found[id] = String(sub?.['id']);
      };
      expectSub(VYORA, ['vyora.all_processing_completed', 'vyora.call_completed']);
      expectSub(STARTED, ['vyora.call_started']);
      expect(byTarget.size).toBe(Object.keys(found).length);
      return found;
    });

    await j.step("the sandbox's Aila holds an endpoint for the Aila Trigger's webhook URL", async () => {
      expect(await ailaEndpoints()).toEqual([expect.objectContaining({ url: server.webhookUrl(hookId(AILA)), events: ['call.completed'], active: true })]);
    });
  });

  it("a Vyora call and an Aila upload start executions whose output carries the call's data", async () => {
    const server = n8n as N8nServer;
    const receiver = rx as Receiver;
    const sb = (parts as Parts).sandbox;
    const callId = await j.step('trigger a Vyora call through the relay', triggerCall);
    sent['vyora'] = [callId];

    await j.step('call_started runs the call_started workflow only', async () => {
      sb.calls.advance(callId, 'in_progress');
      const r = await receiver.waitFor((x) => x.path === `/n8n/${STARTED}` && x.body.includes(callId), 'the call_started execution');
      expect(json(r)).toMatchObject({ type: 'vyora.call_started', provider: 'vyora', event: 'call_started', data: { call_id: callId, status: 'in_progress' } });
    });

    await j.step('call_completed runs the Vyora workflow with the call and its duration', async () => {
      sb.calls.advance(callId, 'completed');
      const r = await receiver.waitFor((x) => x.path === `/n8n/${VYORA}` && x.body.includes('"call_completed"'), 'the call_completed execution');
      expect(json(r)).toMatchObject({ type: 'vyora.call_completed', event: 'call_completed', data: { call_id: callId, status: 'completed', duration_seconds: expect.any(Number) } });
    });

    await j.step('all_processing_completed runs it again with the analysis', async () => {
      sb.calls.advance(callId, 'processed');
      const r = await receiver.waitFor((x) => x.path === `/n8n/${VYORA}` && x.body.includes('"all_processing_completed"'), 'the analysis execution');
      const call = await api.must('POST', '/v1/actions/vyora/calls.get', { call_id: callId }, 200);
      expect(at(json(r), 'data.analysis')).toEqual(call['analysis']);
      expect(at(json(r), 'id')).toMatch(/^evt_/);
    });

    await j.step("an Aila upload is processed; Aila's call.completed runs the Aila workflow", async () => {
      const upload = await api.must('POST', '/v1/actions/aila/calls.upload', { recording_url: 'https://storage.example.com/recordings/n8n-journey.mp3' }, 200);
      const ailaCall = String(upload['id']);
      sent['aila'] = [ailaCall];
      sb.calls.fastForward();
      const r = await receiver.waitFor((x) => x.path === `/n8n/${AILA}` && x.body.includes(ailaCall), 'the Aila execution');
      expect(json(r)).toMatchObject({ type: 'aila.call.completed', provider: 'aila', event: 'call.completed', data: { data: { call_id: ailaCall, status: 'processed' } } });
    });

    await j.step("n8n's execution list agrees: one execution per post", async () => {
      for (const id of [VYORA, STARTED, AILA]) expect([id, await server.executions(id)]).toEqual([id, postsOf(id).length]);
      expect(postsOf(VYORA)).toHaveLength(2);
    });
  });

  it("forged deliveries posted straight to n8n's webhook URLs are refused and start nothing", async () => {
    const server = n8n as N8nServer;
    const before = { vyora: await server.executions(VYORA), aila: await server.executions(AILA) };

    await j.step('a relay-shaped delivery signed with another secret: 401 from the Vyora Trigger', async () => {
      const body = JSON.stringify({ id: 'evt_forged000000000000000000', type: 'vyora.call_completed', provider: 'vyora', source: 'default', created_at: new Date().toISOString(), data: { call_id: 'forged_call' } });
      const headers = standardWebhookHeaders({ id: 'evt_forged000000000000000000', timestamp: Math.floor(Date.now() / 1000), body, secret: 'whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY' });
      const res = await fetch(server.webhookUrl(hookId(VYORA)), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      expect([res.status, await res.json()]).toEqual([401, { error: 'invalid_signature', reason: 'signature_mismatch' }]);
    });

    await j.step('an Aila-shaped webhook signed with a guessed secret: 401 from the Aila Trigger', async () => {
      const body = JSON.stringify({ id: 'evt_forged', event: 'call.completed', created_at: new Date().toISOString(), data: { call_id: 'call_forged' } });
      const sig = signWebhook('aila', { rawBody: body, secret: 'not-the-endpoint-secret' });
      const res = await fetch(server.webhookUrl(hookId(AILA)), { method: 'POST', headers: { 'content-type': 'application/json', [sig.header]: sig.value }, body });
      expect(res.status).toBe(401);
    });

    await j.step('no execution started and nothing forged was posted on', async () => {
      expect({ vyora: await server.executions(VYORA), aila: await server.executions(AILA) }).toEqual(before);
      expect((rx as Receiver).received.filter((r) => r.body.includes('forged'))).toEqual([]);
    });
  });

  it(
    'a filtered Vyora Trigger runs only for the calls its filters describe',
    async () => {
      const sb = (parts as Parts).sandbox;
      const receiver = rx as Receiver;
      const server = n8n as N8nServer;
      await j.step(`activate ${FILTERED}: its subscription carries the filter its fields describe`, async () => {
        await server.activate(FILTERED);
        const listed = await api.must('GET', '/v1/subscriptions', undefined, 200);
        const sub = (listed['data'] as Array<Record<string, unknown>>).find((x) => x['target_url'] === server.webhookUrl(hookId(FILTERED)));
        expect(sub).toMatchObject({
          events: ['vyora.all_processing_completed'],
          filter: { 'data.analysis.classification': { $in: CHOSEN }, 'data.duration_seconds': { $gte: MIN_SECONDS } },
        });
        subs[FILTERED] = String(sub?.['id']);
      });
      const outcome = await j.step(`make calls until one meets the filters (${CHOSEN.join(' or ')}, at least ${MIN_SECONDS} s) and one does not`, () =>
        callsOfBothKinds(api, sb, { classifications: CHOSEN, minDurationSeconds: MIN_SECONDS }),
      );
      j.note(`${outcome.length} calls: ${outcome.map((c) => `${c.classification}, ${c.durationSeconds} s${c.meets ? '' : ' (filtered out)'}`).join('; ')}`);
      await j.step('the unfiltered workflow ran for every one of them', async () => {
        await receiver.waitForCount((r) => r.path === `/n8n/${VYORA}` && r.body.includes('"all_processing_completed"') && outcome.some((c) => r.body.includes(c.id)), outcome.length, 'the unfiltered executions');
      });
      await j.step('the filtered workflow ran for exactly the calls that meet its filters', async () => {
        const wanted = outcome.filter((c) => c.meets).map((c) => c.id).sort();
        const posts = await receiver.waitForCount((r) => r.path === `/n8n/${FILTERED}`, wanted.length, 'the filtered executions');
        expect(posts.map((r) => String(at(json(r), 'data.call_id'))).sort()).toEqual(wanted);
        const deliveries = await api.must('GET', `/v1/deliveries?subscription_id=${subs[FILTERED] ?? ''}`, undefined, 200);
        expect((deliveries['data'] as unknown[]).length).toBe(wanted.length);
      });
    },
  );

  it('deactivation removes the subscription and the Aila registration; stopping n8n leaves an active workflow registered, found again at the next start', async () => {
    const server = n8n as N8nServer;
    const toDeactivate = [VYORA, AILA, FILTERED];
    for (const id of toDeactivate) await j.step(`deactivate ${id} through n8n's REST API`, () => server.deactivate(id));

    await j.step("the relay no longer has the deactivated workflows' subscriptions", async () => {
      for (const id of toDeactivate.filter((w) => w !== AILA)) expect([id, (await api.request('GET', `/v1/subscriptions/${subs[id] ?? ''}`)).status]).toEqual([id, 404]);
      expect((await api.request('GET', `/v1/subscriptions/${subs[STARTED] ?? ''}`)).status).toBe(200);
    });

    await j.step("the sandbox's Aila no longer has the Aila Trigger's endpoint", async () => {
      expect(await ailaEndpoints()).toEqual([]);
    });

    await j.step('stop n8n (SIGTERM) with the call_started workflow still active', async () => {
      expect(await server.stop()).toBe(0);
    });

    await j.step("finding: n8n's shutdown calls no trigger's delete; the active workflow's subscription stays", async () => {
      expect((await api.request('GET', `/v1/subscriptions/${subs[STARTED] ?? ''}`)).status).toBe(200);
      j.note('n8n 2.8.4 removes registrations only when a workflow is deactivated (REST API or editor), not when n8n stops');
    });

    await j.step('start n8n again: the trigger finds its subscription (checkExists) instead of making a second one', async () => {
      await server.restart();
      const listed = await api.must('GET', '/v1/subscriptions', undefined, 200);
      expect((listed['data'] as Array<Record<string, unknown>>).map((x) => x['id'])).toEqual([subs[STARTED]]);
    });

    await j.step('and the next call_started runs the workflow again', async () => {
      const callId = await triggerCall();
      (parts as Parts).sandbox.calls.advance(callId, 'in_progress');
      await (rx as Receiver).waitFor((x) => x.path === `/n8n/${STARTED}` && x.body.includes(callId), 'the call_started execution after the restart');
    });
  });
});
