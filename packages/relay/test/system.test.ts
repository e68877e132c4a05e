import pino from 'pino';
import { loadRelayConfig } from '../src';
import { buildApp } from '../src/http/app';
import { authDeps } from './support/app-deps';
import { EventBus } from '../src/ingest/event-bus';
import { RelayMetrics } from '../src/metrics';
import { StorageHealth } from '../src/storage/health-monitor';
import type { RelayStorage } from '../src/storage/types';
import { api, eventually, get, postHook, startReceiver, startTestRelay, subscribe, TOKEN, vyoraEvent, type TestRelay } from './support/harness';

let t: TestRelay;
beforeAll(async () => {
  t = await startTestRelay();
});
afterAll(async () => {
  await t.close();
});

describe('/healthz, /metrics, /openapi.json, /v1/events', () => {
  test('/healthz reports storage and the queue', async () => {
    const res = await api(t.url, 'GET', '/healthz', undefined, { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', storage: 'sqlite', pending: 0, dead: 0 });
  });

  test('/metrics counts events, deliveries and latency in Prometheus text', async () => {
    const r = await startReceiver();
    try {
      await subscribe(t.url, r.url, ['vyora.call_completed']);
      await postHook(t.url, 'vyora', vyoraEvent('call_completed'));
      await postHook(t.url, 'vyora', vyoraEvent('call_completed'));
      await postHook(t.url, 'vyora', 'not json');
      await r.waitFor(2);
      const text = await eventually(async () => {
        const m = await fetch(`${t.url}/metrics`).then((x) => x.text());
        return /relay_deliveries_total\{outcome="success"\} 2/.test(m) ? m : undefined;
      });
      expect(text).toContain('relay_events_received_total{provider="vyora",type="vyora.call_completed"} 2');
      expect(text).toContain('relay_webhooks_rejected_total{provider="vyora",reason="malformed_json"} 1');
      expect(text).toContain('# TYPE relay_delivery_latency_seconds histogram');
      expect(text).toMatch(/relay_delivery_latency_seconds_count 2/);
      expect(text).toMatch(/relay_queue_depth 0/);
      expect(text).toMatch(/relay_dead_deliveries 0/);
    } finally {
      await r.close();
    }
  });

  test('/openapi.json documents every route, with action inputs from core', async () => {
    const res = await api(t.url, 'GET', '/openapi.json', undefined, { token: null });
    expect(res.status).toBe(200);
    expect(get(res.body, 'openapi')).toBe('3.1.0');
    const paths = Object.keys(get(res.body, 'paths') as object);
    for (const p of ['/hooks/{provider}', '/v1/subscriptions', '/v1/subscriptions/{id}', '/v1/events', '/v1/events/{id}', '/v1/events/{id}/replay', '/v1/deliveries', '/v1/deliveries/replay', '/healthz', '/metrics', '/openapi.json']) {
      expect(paths).toContain(p);
    }
    expect(paths).toContain('/v1/actions/vyora/calls.trigger');
    expect(paths).toContain('/v1/actions/ayla/sender.verify');
    const pathMap = get(res.body, 'paths') as Record<string, unknown>;
    const content = get(pathMap['/v1/actions/vyora/calls.trigger'], 'post.requestBody.content') as Record<string, unknown>;
    const trigger = get(content['application/json'], 'schema');
    expect(get(trigger, 'properties.phone_number.pattern')).toBeDefined();
    expect(get(trigger, 'required')).toEqual(['phone_number']);
  });

  test('/v1/events filters by provider and type and pages with a cursor, newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(get((await postHook(t.url, 'vyora', vyoraEvent('call_started'))).body, 'id') as string);
    await postHook(t.url, 'aila', JSON.stringify({ id: 'evt_ail_9', event: 'test.ping', data: {} }));
    const p1 = await api(t.url, 'GET', '/v1/events?type=vyora.call_started&limit=2');
    expect((get(p1.body, 'data') as unknown[]).map((e) => get(e, 'id'))).toEqual([ids[2], ids[1]]);
    const cursor = get(p1.body, 'next_cursor') as string;
    expect(cursor).toBeTruthy();
    const p2 = await api(t.url, 'GET', `/v1/events?type=vyora.call_started&limit=2&cursor=${cursor}`);
    expect((get(p2.body, 'data') as unknown[]).map((e) => get(e, 'id'))).toEqual([ids[0]]);
    expect(get(p2.body, 'next_cursor')).toBeNull();
    const aila = await api(t.url, 'GET', '/v1/events?provider=aila');
    expect((get(aila.body, 'data') as unknown[]).map((e) => get(e, 'type'))).toEqual(['aila.test.ping']);
    expect((await api(t.url, 'GET', '/v1/events?limit=0')).status).toBe(400);
    expect((await api(t.url, 'GET', '/v1/events/evt_missing')).status).toBe(404);
  });

  test('unknown routes answer 404 in the error shape', async () => {
    const res = await api(t.url, 'GET', '/nowhere', undefined, { token: null });
    expect(res.status).toBe(404);
    expect(get(res.body, 'error.code')).toBe('not_found');
  });
});

describe('graceful shutdown', () => {
  test('finishes an in-flight delivery and records it before closing', async () => {
    const r = await startReceiver(() => ({ status: 200, delayMs: 300 }));
    const own = await startTestRelay();
    try {
      await subscribe(own.url, r.url, ['*']);
      const id = get((await postHook(own.url, 'vyora', vyoraEvent())).body, 'id') as string;
      await r.waitFor(1);
      await own.relay.close();
      expect(own.relay.metrics.deliveries.get({ outcome: 'success' })).toBe(1);
      // The result reached storage: a restart finds the delivery done and sends nothing.
      const again = await startTestRelay({}, own.dir);
      const detail = await api(again.url, 'GET', `/v1/events/${id}`);
      expect((get(detail.body, 'deliveries') as unknown[]).map((d) => get(d, 'state'))).toEqual(['succeeded']);
      await new Promise((res) => setTimeout(res, 200));
      expect(r.received).toHaveLength(1);
      await again.close();
    } finally {
      await own.close();
      await r.close();
    }
  });
});

describe('/healthz when storage fails', () => {
  test('answers 503 naming the storage error', async () => {
    const failing = {
      kind: 'sqlite',
      health: async () => {
        throw new Error('disk I/O error');
      },
      stats: async () => {
        throw new Error('disk I/O error');
      },
    } as unknown as RelayStorage;
    const config = loadRelayConfig({ RELAY_API_TOKEN: TOKEN });
    const logger = pino({ level: 'silent' });
    const health = new StorageHealth(failing, { logger, clock: { now: () => Date.now() } });
    const app = buildApp({
      config,
      storage: health.storage,
      health,
      ...authDeps(failing, config, TOKEN),
      metrics: new RelayMetrics(),
      logger,
      clock: { now: () => Date.now() },
        bus: new EventBus(),
      hookHandler: () => undefined,
      inFlightDeliveries: () => 0,
      isClosing: () => false,
    });
    try {
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', storage: 'sqlite', error: 'disk I/O error' });
      const metrics = await fetch(`${url}/metrics`).then((r) => r.text());
      expect(metrics).toContain('relay_storage_up 0');
    } finally {
      await app.close();
    }
  });
});
