import type { RunningSandbox } from '@callbridge/sandbox';
import { call, start } from './helpers';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await start({ rateLimits: { ayla: false } });
});
afterAll(() => sandbox.close());

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await call(sandbox, 'ayla', 'POST', path, { body });
  expect(res.status).toBe(200);
  return res.body as Record<string, unknown>;
}

const DOC_REQUEST = { sender_id: 'GTBANKNG', msisdn: '+2348031234567', message_type: 'otp', corridor: 'MTN-NG', volume_1h: 1200 };

describe('POST /v1/analyze', () => {
  test("the document's example request gets the document's example answer", async () => {
    const r = await post('/analyze', DOC_REQUEST);
    expect(r).toEqual({
      fraud_score: 0.12,
      action: 'ALLOW',
      signals_fired: ['velocity_nominal', 'corridor_healthy'],
      latency_ms: expect.any(Number),
      request_id: expect.stringMatching(/^req_[0-9A-Z]{16}$/),
    });
    expect(Object.keys(r)).toEqual(['fraud_score', 'action', 'signals_fired', 'latency_ms', 'request_id']);
  });

  test('deterministic: the same input scores the same; each answer has its own request_id', async () => {
    const a = await post('/analyze', DOC_REQUEST);
    const b = await post('/analyze', DOC_REQUEST);
    expect({ ...a, request_id: 'x' }).toEqual({ ...b, request_id: 'x' });
    expect(a['request_id']).not.toBe(b['request_id']);
  });

  test('velocity raises the fraud score, through REVIEW to BLOCK', async () => {
    const scores: Array<[number, unknown, unknown]> = [];
    for (const volume_1h of [100, 5_000, 50_000]) {
      const r = await post('/analyze', { ...DOC_REQUEST, volume_1h, corridor: 'GLO-NG' });
      scores.push([r['fraud_score'] as number, r['action'], (r['signals_fired'] as string[])[0]]);
    }
    expect(scores.map((s) => s[2])).toEqual(['velocity_nominal', 'velocity_elevated', 'velocity_spike']);
    expect(scores[0]?.[0]).toBeLessThan(scores[1]?.[0] as number);
    expect(scores[1]?.[0]).toBeLessThan(scores[2]?.[0] as number);
    expect(scores.map((s) => s[1])).toEqual(['ALLOW', 'REVIEW', 'BLOCK']);
  });

  test('a corridor in another country than the number, bait words and odd characters are flagged', async () => {
    const r = await post('/analyze', { sender_id: 'WIN-CASH!', msisdn: '+254712345678', message_type: 'promotional', corridor: 'MTN-NG' });
    expect(r['signals_fired']).toEqual(expect.arrayContaining(['corridor_mismatch', 'sender_format_suspicious', 'sender_bait_words']));
    expect(r['action']).toBe('BLOCK');
    expect(r['fraud_score']).toBeLessThanOrEqual(1);
  });
});

describe('POST /v1/sender/verify', () => {
  test("a bank's registered brand passes all three layers, as the document shows", async () => {
    const r = await post('/sender/verify', { sender_id: 'GTBANKNG', country_code: 'NG', organisation_type: 'bank' });
    expect(r).toEqual({
      decision: 'APPROVE',
      confidence: 0.97,
      layers_passed: 3,
      reasoning: 'Licensed financial institution. Registry match confirmed.',
      latency_ms: expect.any(Number),
      request_id: expect.stringMatching(/^req_/),
    });
    expect(r['latency_ms']).toBeGreaterThanOrEqual(150);
  });

  test('impersonation, bait words and unregistered senders get REJECT or REVIEW with a reason', async () => {
    const impersonation = await post('/sender/verify', { sender_id: 'GTBANKNG', country_code: 'NG', organisation_type: 'fintech' });
    expect(impersonation).toMatchObject({ decision: 'REJECT', layers_passed: 1, reasoning: expect.stringContaining('impersonation') });
    const bait = await post('/sender/verify', { sender_id: 'FREEPRIZE', country_code: 'NG' });
    expect(bait).toMatchObject({ decision: 'REJECT', layers_passed: 0, reasoning: expect.stringContaining('FREE') });
    const unknown = await post('/sender/verify', { sender_id: 'ACMESHOP', country_code: 'GH', organisation_type: 'other' });
    expect(unknown).toMatchObject({ decision: 'REVIEW', layers_passed: 2, reasoning: expect.stringContaining('ACMESHOP') });
    const elsewhere = await post('/sender/verify', { sender_id: 'GTBANKNG', country_code: 'KE', organisation_type: 'bank' });
    expect(elsewhere['decision']).toBe('REVIEW');
  });
});

describe('POST /v1/channel/decide', () => {
  test('a healthy SMS route is kept, with the document\'s failover chain', async () => {
    const r = await post('/channel/decide', { message_type: 'otp', msisdn: '+2348031234567' });
    expect(r).toEqual({
      primary_channel: 'sms',
      route_score: 0.94,
      action: 'MAINTAIN',
      failover_chain: ['whatsapp', 'email', 'voice'],
      sla_risk: 'LOW',
      latency_ms: expect.any(Number),
      request_id: expect.stringMatching(/^req_/),
    });
  });

  test('allowed_channels restricts the answer; a weak route under high urgency degrades', async () => {
    const noSms = await post('/channel/decide', { message_type: 'transactional', msisdn: '+2348031234567', allowed_channels: ['email', 'whatsapp'] });
    expect(noSms).toMatchObject({ primary_channel: 'whatsapp', failover_chain: ['email'] });
    // Ghana's best SMS corridor scores 0.93; Kenya 0.95; an unmonitored country gets a cautious 0.85.
    const unmonitored = await post('/channel/decide', { message_type: 'alert', msisdn: '+33612345678', urgency: 'high' });
    expect(unmonitored).toMatchObject({ primary_channel: 'sms', action: 'DEGRADE', sla_risk: 'HIGH' });
  });
});

describe('GET /v1/carriers/health', () => {
  test("the document's corridors, filtered by country and score", async () => {
    const ng = await call(sandbox, 'ayla', 'GET', '/carriers/health?country=NG');
    const corridors = (ng.body as { corridors: Array<Record<string, unknown>> }).corridors;
    expect(corridors.slice(0, 2)).toEqual([
      { id: 'MTN-NG', composite_score: 0.96, dlr_1h: 0.97, sla_risk: 'LOW' },
      { id: 'GLO-NG', composite_score: 0.71, sla_risk: 'HIGH' },
    ]);
    expect(corridors.every((c) => String(c['id']).endsWith('-NG'))).toBe(true);
    const strong = (await call(sandbox, 'ayla', 'GET', '/carriers/health?min_score=0.9')).body as { corridors: Array<{ composite_score: number }> };
    expect(strong.corridors.length).toBeGreaterThan(0);
    expect(strong.corridors.every((c) => c.composite_score >= 0.9)).toBe(true);
    expect(ng.body).toMatchObject({ request_id: expect.stringMatching(/^req_/), latency_ms: expect.any(Number) });
    expect(ng.headers['x-request-id']).toBe((ng.body as { request_id: string }).request_id);
  });
});
