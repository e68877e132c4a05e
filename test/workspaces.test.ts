import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vyoraApp from '../packages/zapier/vyora/src/index';
import { runner } from '../packages/zapier/common/test-support/zapier';
import { postingWorkflow, prepareN8n, startN8n, type N8nServer } from './support/n8n';
import { startParts, RELAY_TOKEN, type Parts } from './support/parts';
import { json, startReceiver, type Receiver } from './support/receiver';
import { at, relayApi, type RelayApi } from './support/relay-api';
import { journey } from './support/steps';

/**
 * Journey 6, two client workspaces in one relay, as an agency runs it: two Vyora workspaces
 * in the sandbox, a relay source for each (its own hook URL, secret and API key), a token
 * scoped to each source, and each client's n8n workflow (Vyora Trigger in relay mode) holding
 * only its client's token. Each workflow must run for its own client's calls only; a token
 * must not see or act on the other client's subscriptions, calls or sources. A Zap on one
 * client's connection, with that client's token, subscribes and lists for that client only.
 */

interface Client {
  name: string;
  workspace: string;
  source: string;
  token: string;
  api: RelayApi;
  workflow: string;
  calls: string[];
}

describe("journey 6: two client workspaces, each client's n8n trigger with its own scoped token", () => {
  const j = journey('workspaces');
  const zap = runner(vyoraApp);
  let work = '';
  let parts: Parts | undefined;
  let rx: Receiver | undefined;
  let n8n: N8nServer | undefined;

  afterAll(async () => {
    await n8n?.stop();
    await rx?.close();
    await parts?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("each client's workflow runs for its own calls only", async () => {
    work = mkdtempSync(join(tmpdir(), 'callbridge-journey-ws-'));
    const prepared = await j.step('install n8n (once, cached) and pack the four n8n packages', () => prepareN8n());
    parts = await j.step('start the sandbox and a relay wired to it', () => startParts());
    const { sandbox, relayUrl } = parts;
    const admin = relayApi(relayUrl, RELAY_TOKEN);
    rx = await startReceiver();
    const receiver = rx;
    const vyora = sandbox.vyora;

    const clients = await j.step('two Vyora workspaces, a relay source and a scoped token for each', async () => {
      const out: Client[] = [];
      for (const name of ['Client A', 'Client B']) {
        const ws = vyora.addWorkspace({ name });
        const source = await admin.must('POST', '/v1/sources', { provider: 'vyora', name, webhook_secret: ws.webhookSecret, api_key: ws.apiKey, base_url: sandbox.urls.vyora }, 201);
        expect(source).toMatchObject({ id: expect.stringMatching(/^src_/), hook_url: `${relayUrl}/hooks/vyora/${String(source['id'])}`, has_api_key: true, has_webhook_secret: true });
        vyora.setWebhook({ url: String(source['hook_url']) }, ws.id);
        const token = await admin.must('POST', '/v1/tokens', { name, sources: [source['id']] }, 201);
        expect(token['token']).toMatch(/^cbr_/);
        out.push({ name, workspace: ws.id, source: String(source['id']), token: String(token['token']), api: relayApi(relayUrl, String(token['token'])), workflow: `cbJourneyWs${name.slice(-1)}0001`, calls: [] });
      }
      return out;
    });

    n8n = await j.step("start n8n with one workflow per client, each with its client's token", () =>
      startN8n({
        prepared,
        home: join(work, 'home'),
        credentials: clients.map((c) => ({ id: `${c.workflow}cr`, name: `Relay for ${c.name}`, type: 'vyoraRelayApi', data: { relayUrl, apiToken: c.token } })),
        workflows: clients.map((c) =>
          postingWorkflow(
            c.workflow,
            { type: 'CUSTOM.vyoraTrigger', webhookId: `${c.workflow}-hook`, parameters: { mode: 'relay', events: [] }, credentials: { vyoraRelayApi: { id: `${c.workflow}cr`, name: `Relay for ${c.name}` } } },
            `${receiver.url}/n8n/${c.workflow}`,
          ),
        ),
      }),
    );
    const server = n8n;

    await j.step("activate both: each subscription is limited to its client's source", async () => {
      for (const c of clients) await server.activate(c.workflow);
      for (const c of clients) {
        const mine = await c.api.must('GET', '/v1/subscriptions', undefined, 200);
        expect((mine['data'] as Array<Record<string, unknown>>).map((s) => [s['target_url'], s['sources']])).toEqual([[server.webhookUrl(`${c.workflow}-hook`), [c.source]]]);
      }
    });

    await j.step("each client triggers a call with its own token through the relay's action route", async () => {
      for (const c of clients) {
        const made = await c.api.must('POST', `/v1/actions/vyora/calls.trigger?source=${c.source}`, { phone_number: '+919876543210', agent_name: 'Home Loan Agent' }, 200);
        c.calls.push(String(made['call_id']));
      }
    });

    const other = await j.step("a call in the environment's default workspace belongs to neither client", async () => {
      const made = await admin.must('POST', '/v1/actions/vyora/calls.trigger', { phone_number: '+919876543212', agent_name: 'Home Loan Agent' }, 200);
      return String(made['call_id']);
    });

    await j.step('the calls run their course in their workspaces', async () => {
      for (const id of [...clients.flatMap((c) => c.calls), other]) sandbox.calls.advance(id, 'processed');
      expect(await sandbox.settle(5_000)).toBe(true);
    });

    await j.step("each client's workflow ran for its own call's three events, and only those", async () => {
      for (const c of clients) {
        const posts = await receiver.waitForCount((r) => r.path === `/n8n/${c.workflow}`, 3, `${c.name}'s executions`);
        for (const p of posts) expect([c.name, at(json(p), 'data.call_id'), at(json(p), 'source')]).toEqual([c.name, c.calls[0], c.source]);
      }
      // Every delivery the relay made is one of the above: none strayed to the other client.
      for (const c of clients) {
        const deliveries = await c.api.must('GET', '/v1/deliveries', undefined, 200);
        expect((deliveries['data'] as unknown[]).length).toBe(3);
        expect(await server.executions(c.workflow)).toBe(3);
      }
      expect(receiver.received.filter((r) => r.body.includes(other))).toEqual([]);
    });

    await j.step("a client's token neither sees nor acts on the other's subscriptions, calls, events or sources", async () => {
      const [a, b] = clients as [Client, Client];
      const bSubs = await b.api.must('GET', '/v1/subscriptions', undefined, 200);
      const bSub = String((bSubs['data'] as Array<Record<string, unknown>>)[0]?.['id']);
      expect((await a.api.request('GET', `/v1/subscriptions/${bSub}`)).status).toBe(404);
      expect((await a.api.request('DELETE', `/v1/subscriptions/${bSub}`)).status).toBe(404);
      expect((await a.api.request('POST', `/v1/actions/vyora/calls.get?source=${b.source}`, { call_id: b.calls[0] })).status).toBe(404);
      const aEvents = await a.api.must('GET', `/v1/events?source=${b.source}`, undefined, 200);
      expect(aEvents['data']).toEqual([]);
      expect((await a.api.request('GET', '/v1/sources')).status).toBe(403);
      expect((await a.api.request('POST', '/v1/tokens', { name: 'escalate', sources: [b.source] })).status).toBe(403);
    });

    await j.step("a Zap on client A's connection (its scoped token) subscribes for client A and lists client A's events only", async () => {
      const [a] = clients as [Client, Client];
      const authData = { api_key: 'unused-for-relay-calls', relay_url: relayUrl, relay_token: a.token };
      const trigger = 'triggers.all_processing_completed.operation';
      const sub = (await zap(`${trigger}.performSubscribe`, { authData, targetUrl: `${receiver.url}/zapier/a` })) as { id: string };
      expect(await a.api.must('GET', `/v1/subscriptions/${sub.id}`, undefined, 200)).toMatchObject({ sources: [a.source] });
      const listed = (await zap(`${trigger}.performList`, { authData })) as Array<Record<string, unknown>>;
      expect(listed.map((e) => [at(e, 'data.call_id'), e['source']])).toEqual([[a.calls[0], a.source]]);
      await expect(zap(`${trigger}.performUnsubscribe`, { authData, subscribeData: sub })).resolves.toEqual({ id: sub.id, deleted: true });
    });

    await j.step('deactivating each workflow removes its subscription, with its own token', async () => {
      for (const c of clients) {
        await server.deactivate(c.workflow);
        expect((await c.api.must('GET', '/v1/subscriptions', undefined, 200))['data']).toEqual([]);
      }
    });
  });
});
