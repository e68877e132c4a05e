import { createHmac, randomBytes } from 'node:crypto';
import { buildSampleEvent } from '@callbridge/sandbox';
import { PROOF_HEADER } from '@callbridge/make';
import { api, get, postHook, startReceiver, startTestRelay, TOKEN, vyoraEvent, type Receiver, type TestRelay } from '../../../relay/test/support/harness';
import { component, loadApp, type LoadedApp } from './support/app';
import { evaluate, evaluateString, substituteRequest, type Scope, type SubstitutedRequest } from './support/narrow-iml';

/**
 * The instant triggers' attach and detach against a real relay: the substituted attach
 * request (narrow substitution, not Make's IML engine) creates a subscription for the one
 * event type, with the proof header; an event then reaches the hook URL with that header and
 * passes the webhook's check; detach deletes the subscription.
 */

async function send(req: SubstitutedRequest): Promise<{ status: number; body: unknown }> {
  const qs = new URLSearchParams(req.query).toString();
  const res = await fetch(`${req.url}${qs ? `?${qs}` : ''}`, {
    method: req.method,
    headers: { ...req.headers, ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

interface WebhookCode {
  attach: { url: string; response: { data: Record<string, string> } } & Record<string, unknown>;
  detach: Record<string, unknown>;
  communication: { condition: string; output: unknown };
}

let relay: TestRelay;
let hook: Receiver;

beforeAll(async () => {
  relay = await startTestRelay();
  hook = await startReceiver();
});

afterAll(async () => {
  await hook.close();
  await relay.close();
});

function scopeFor(webhookUrl: string, parameters: Record<string, unknown> = {}): Scope {
  return { parameters, connection: { relay_url: relay.url, relay_token: TOKEN, api_key: 'unused', base_url: 'https://unused.example' }, webhook: { url: webhookUrl } };
}

/** Attach as Make would run it; returns the stored webhook data (attach's response.data). */
async function attach(app: LoadedApp, webhookId: string, webhookUrl: string, parameters: Record<string, unknown> = {}): Promise<{ status: number; body: unknown; data: Record<string, unknown> }> {
  const code = component(app, 'webhook', webhookId).code as unknown as WebhookCode;
  const scope = scopeFor(webhookUrl, parameters);
  const res = await send(substituteRequest(code.attach, scope));
  const data = res.status === 201 ? (evaluate(code.attach.response.data, { ...scope, body: res.body }) as Record<string, unknown>) : {};
  return { ...res, data };
}

async function detach(app: LoadedApp, webhookId: string, webhookUrl: string, data: Record<string, unknown>): Promise<number> {
  const code = component(app, 'webhook', webhookId).code as unknown as WebhookCode;
  const scope = scopeFor(webhookUrl);
  return (await send(substituteRequest(code.detach, { ...scope, webhook: { url: webhookUrl, ...data } }))).status;
}

describe.each([
  ['vyora', 'call-completed', 'vyora.call_completed', () => vyoraEvent('call_completed')],
  // Aila deduplicates by its event id: each post gets its own, or only the first is delivered.
  ['aila', 'call-completed', 'aila.call.completed', () => JSON.stringify({ ...(JSON.parse(buildSampleEvent('aila', 'call.completed').body) as object), id: `evt_${randomBytes(6).toString('hex')}` })],
] as const)('%s trigger %s through the relay', (provider, webhookId, type, rawEvent) => {
  const app = loadApp(provider);

  it('attach subscribes the hook URL to the one event type with the proof header; an event arrives with it and passes the check; detach unsubscribes', async () => {
    const target = `${hook.url}/${provider}/${webhookId}`;
    const attached = await attach(app, webhookId, target);
    expect(attached.status).toBe(201);
    const id = attached.data['subscription_id'] as string;
    expect(id).toMatch(/^sub_/);
    expect(attached.data['proof']).toBe(createHmac('sha256', TOKEN).update(target).digest('hex'));

    const stored = await api(relay.url, 'GET', `/v1/subscriptions/${id}`);
    expect(stored.status).toBe(200);
    expect(get(stored.body, 'events')).toEqual([type]);
    expect(get(stored.body, 'target_url')).toBe(target);
    expect(Object.keys(get(stored.body, 'headers') as object)).toEqual([PROOF_HEADER]);

    const before = hook.received.length;
    expect((await postHook(relay.url, provider, rawEvent())).status).toBe(200);
    const [delivery] = (await hook.waitFor(before + 1)).slice(before);
    expect(delivery?.url).toBe(`/${provider}/${webhookId}`);
    expect(delivery?.headers[PROOF_HEADER]).toBe(attached.data['proof']);

    // The webhook's communication, with the stored data and the delivery's headers and body.
    const code = component(app, 'webhook', webhookId).code as unknown as WebhookCode;
    const deliveryBody = JSON.parse(delivery?.body ?? 'null') as Record<string, unknown>;
    const incoming = { headers: delivery?.headers ?? {}, body: deliveryBody, webhook: attached.data, connection: { relay_token: TOKEN } };
    expect(evaluateString(code.communication.condition, incoming)).toBe(true);
    expect(evaluateString(code.communication.condition, { ...incoming, headers: { ...incoming.headers, [PROOF_HEADER]: 'forged' } })).toBe(false);
    expect(evaluate(code.communication.output, incoming)).toEqual(deliveryBody);
    expect(deliveryBody['type']).toBe(type);

    expect(await detach(app, webhookId, target, attached.data)).toBe(204);
    expect((await api(relay.url, 'GET', `/v1/subscriptions/${id}`)).status).toBe(404);
  });

  it('a wrong relay token is refused by the relay and creates nothing', async () => {
    const code = component(app, 'webhook', webhookId).code as unknown as WebhookCode;
    const scope = scopeFor(`${hook.url}/refused`);
    const res = await send(substituteRequest(code.attach, { ...scope, connection: { ...(scope['connection'] as object), relay_token: 'not-the-token' } }));
    expect(res.status).toBe(401);
    const all = await api(relay.url, 'GET', '/v1/subscriptions');
    expect((get(all.body, 'data') as Array<{ target_url: string }>).some((s) => s.target_url.endsWith('/refused'))).toBe(false);
  });

  it('attach passes the webhook\'s filter and sources on to the subscription, and the relay applies them', async () => {
    // A filter no event can match: the relay then delivers nothing to this hook URL.
    const filter = { 'data.never_present': { $exists: true } };
    const target = `${hook.url}/${provider}/filtered`;
    const attached = await attach(app, webhookId, target, { filter, sources: ['default'] });
    expect(attached.status).toBe(201);
    const stored = await api(relay.url, 'GET', `/v1/subscriptions/${attached.data['subscription_id'] as string}`);
    expect(get(stored.body, 'filter')).toEqual(filter);
    expect(get(stored.body, 'sources')).toEqual(['default']);

    // The unfiltered webhook beside it gets the event; the filtered one never does.
    const open = await attach(app, webhookId, `${hook.url}/${provider}/open`);
    const before = hook.received.length;
    expect((await postHook(relay.url, provider, rawEvent())).status).toBe(200);
    const [delivery] = (await hook.waitFor(before + 1)).slice(before);
    expect(delivery?.url).toBe(`/${provider}/open`);
    const deliveries = await api(relay.url, 'GET', `/v1/deliveries?subscription_id=${attached.data['subscription_id'] as string}`);
    expect(get(deliveries.body, 'data')).toEqual([]);
    expect(await detach(app, webhookId, target, attached.data)).toBe(204);
    expect(await detach(app, webhookId, `${hook.url}/${provider}/open`, open.data)).toBe(204);
  });

  it('the connection test proves the relay token: 200 with it, an error without it', async () => {
    const requests = component(app, 'connection', 'api-key').code['communication'] as Array<Record<string, unknown>>;
    const relayCheck = requests[1] as Record<string, unknown>;
    const ok = await send(substituteRequest(relayCheck, { parameters: { relay_url: relay.url, relay_token: TOKEN } }));
    expect(ok.status).toBe(200);
    const bad = await send(substituteRequest(relayCheck, { parameters: { relay_url: relay.url, relay_token: 'wrong' } }));
    expect(bad.status).toBe(401);
  });
});
