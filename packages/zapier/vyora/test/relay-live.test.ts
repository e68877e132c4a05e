import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signWebhook } from '@callbridge/core';
import { loadRelayConfig, startRelay, type RunningRelay } from '@callbridge/relay';
import pino from 'pino';
import app from '../src/index';
import { rejection, runner, zapierHeaders } from '../../common/test-support/zapier';

/**
 * The whole instant-trigger lifecycle against a running relay: a Zap turning on subscribes
 * its hook URL, a signed Vyora webhook reaches the relay and is delivered to that URL, the
 * trigger accepts the delivery as Zapier would hand it over and refuses a tampered copy,
 * Zapier's test lists the event, and turning the Zap off removes the subscription.
 */

const TOKEN = 'zapier-live-relay-token-0123456789';
const VYORA_SECRET = 'vyora_live_test_webhook_secret_01';
const KEY = 'vya_live_test_key_0123456789';

interface Delivery {
  headers: Record<string, string>;
  body: string;
}


describe('Vyora instant triggers against a running relay', () => {
  const run = runner(app);
  const trigger = 'triggers.call_completed.operation';
  const deliveries: Delivery[] = [];
  let relay: RunningRelay;
  let receiver: http.Server;
  let targetUrl: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zapier-relay-'));
    relay = await startRelay(
      loadRelayConfig({
        RELAY_DATABASE_URL: `sqlite:${join(dir, 'relay.db')}`,
        RELAY_HOST: '127.0.0.1',
        RELAY_PORT: '0',
        RELAY_API_TOKEN: TOKEN,
        RELAY_RETRY_SCHEDULE: '0.1s,0.2s',
        RELAY_ALLOW_PRIVATE_TARGETS: 'true',
        VYORA_WEBHOOK_SECRET: VYORA_SECRET,
      }),
      { logger: pino({ level: 'silent' }) },
    );
    // Stands in for Zapier's hook URL: records each delivery exactly as it arrived.
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        deliveries.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success"}');
      });
    });
    await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
    targetUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/standard/1/abc`;
  });

  afterAll(async () => {
    await relay?.close();
    await new Promise<void>((ok) => (receiver ? receiver.close(() => ok()) : ok()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function sendVyoraWebhook(callId: string): Promise<number> {
    const body = JSON.stringify({ event: 'call_completed', call_id: callId, status: 'completed', duration_seconds: 47, timestamp: '2026-05-24T10:31:15Z' });
    const sig = signWebhook('vyora', { rawBody: body, secret: VYORA_SECRET });
    const res = await fetch(`${relay.url}/hooks/vyora`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-vyora-event': 'call_completed', [sig.header]: sig.value },
      body,
    });
    return res.status;
  }

  async function nextDelivery(count: number, timeoutMs = 5_000): Promise<Delivery> {
    const until = Date.now() + timeoutMs;
    while (deliveries.length < count) {
      if (Date.now() > until) throw new Error(`no delivery ${count} within ${timeoutMs} ms`);
      await new Promise((ok) => setTimeout(ok, 20));
    }
    return deliveries[count - 1] as Delivery;
  }

  async function relayGet(path: string): Promise<number> {
    const res = await fetch(`${relay.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await res.arrayBuffer();
    return res.status;
  }

  it('subscribes, receives a signed delivery, rejects a forged one, lists, and unsubscribes', async () => {
    const authData = { api_key: KEY, relay_url: relay.url, relay_token: TOKEN };

    const sub = (await run(`${trigger}.performSubscribe`, { authData, targetUrl })) as { id: string; secret: string };
    expect(sub.id).toMatch(/^sub_/);
    expect(sub.secret).toMatch(/^whsec_/);
    expect(await relayGet(`/v1/subscriptions/${sub.id}`)).toBe(200);

    expect(await sendVyoraWebhook('live_call_1')).toBe(200);
    const delivery = await nextDelivery(1);
    const hook = { subscribeData: sub, rawRequest: { headers: zapierHeaders(delivery.headers), content: delivery.body } };
    const items = (await run(`${trigger}.perform`, hook)) as Array<Record<string, unknown>>;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'vyora.call_completed', provider: 'vyora', source: 'default', created_at: '2026-05-24T10:31:15Z', data: { call_id: 'live_call_1' } });
    expect(items[0]?.['id']).toBe(delivery.headers['webhook-id']);

    const forged = await rejection(() =>
      run(`${trigger}.perform`, { ...hook, rawRequest: { ...hook.rawRequest, content: delivery.body.replace('live_call_1', 'forged_call') } }),
    );
    expect(forged.code).toBe('signature_mismatch');

    const listed = (await run(`${trigger}.performList`, { authData })) as Array<Record<string, unknown>>;
    expect(listed.map((e) => e['id'])).toContain(items[0]?.['id']);
    // The delivery's fields, `source` included once the relay's event listing carries it.
    const row = (await (await fetch(`${relay.url}/v1/events?limit=1`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { data: Array<Record<string, unknown>> };
    const withSource = typeof row.data[0]?.['source'] === 'string' ? ['source'] : [];
    expect(Object.keys(listed[0] ?? {}).sort()).toEqual(['created_at', 'data', 'id', 'provider', ...withSource, 'type']);

    await expect(run(`${trigger}.performUnsubscribe`, { authData, subscribeData: sub })).resolves.toEqual({ id: sub.id, deleted: true });
    expect(await relayGet(`/v1/subscriptions/${sub.id}`)).toBe(404);

    // With the Zap off, a new event is stored by the relay but delivered to no one.
    expect(await sendVyoraWebhook('live_call_2')).toBe(200);
    await new Promise((ok) => setTimeout(ok, 300));
    expect(deliveries).toHaveLength(1);
  });
});
