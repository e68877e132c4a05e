import { signWebhook } from '@callbridge/core';
import { admitWebhook, ingestInbound, type InboundWebhook } from '../src/ingest/admit';
import type { IngestResult, NewEvent } from '../src/storage/types';
import { VYORA_SECRET, vyoraEvent } from './support/harness';

function inbound(body: string, { sign = true, event = 'call_completed', receivedAt = 1_700_000_000_000 } = {}): InboundWebhook {
  const headers: Record<string, string> = { 'x-vyora-event': event };
  if (sign) headers['x-vyora-signature'] = signWebhook('vyora', { rawBody: body, secret: VYORA_SECRET }).value;
  return { provider: 'vyora', body: Buffer.from(body), headers, receivedAt };
}

function tampered(body: string): InboundWebhook {
  const w = inbound(body);
  return { ...w, body: Buffer.from(body.replace('completed', 'complete_')) };
}

describe('admitWebhook', () => {
  test('a signed event becomes a NewEvent stamped with its receipt time', () => {
    const body = vyoraEvent('call_completed', { timestamp: 'not a time' });
    const a = admitWebhook(inbound(body, { receivedAt: 1_700_000_000_000 }), VYORA_SECRET);
    if (!a.ok) throw new Error(`refused: ${a.message}`);
    expect(a.event).toMatchObject({ provider: 'vyora', type: 'vyora.call_completed', event: 'call_completed', receivedAt: 1_700_000_000_000 });
    expect(a.event.createdAt).toBe(new Date(1_700_000_000_000).toISOString());
    expect(JSON.parse(a.event.data)).toEqual(JSON.parse(body));
    expect(a.event.id).toMatch(/^evt_[0-9a-z]{26}$/);
  });

  test('refusals say why, with the status the provider gets', () => {
    const body = vyoraEvent();
    expect(admitWebhook(tampered(body), VYORA_SECRET)).toMatchObject({ ok: false, status: 401, code: 'signature_mismatch' });
    expect(admitWebhook(inbound(body, { sign: false }), VYORA_SECRET)).toMatchObject({ ok: false, status: 401, code: 'missing_signature' });
    expect(admitWebhook(inbound(body), 'another secret')).toMatchObject({ ok: false, status: 401, code: 'signature_mismatch' });
    expect(admitWebhook(inbound(body), undefined)).toMatchObject({ ok: false, status: 401, code: 'webhook_secret_not_configured' });
    expect(admitWebhook(inbound('{"event":'), VYORA_SECRET)).toMatchObject({ ok: false, status: 400, code: 'malformed_json' });
    expect(admitWebhook(inbound(vyoraEvent('call_exploded'), { event: 'call_exploded' }), VYORA_SECRET)).toMatchObject({
      ok: false,
      status: 400,
      code: 'unknown_event',
    });
  });
});

describe('ingestInbound', () => {
  test('commits only what was admitted, in one call, and answers each webhook in order', async () => {
    const calls: NewEvent[][] = [];
    const ingest = async (events: readonly NewEvent[]): Promise<IngestResult[]> => {
      calls.push([...events]);
      return events.map((e, i) => ({ id: e.id, duplicate: i === 1, deliveries: 0, filtered: 0 }));
    };
    const good = [vyoraEvent(), vyoraEvent()];
    const out = await ingestInbound([inbound(good[0] as string), tampered(vyoraEvent()), inbound(good[1] as string)], { vyora: { webhookSecret: VYORA_SECRET } }, ingest);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.map((e) => JSON.parse(e.data))).toEqual(good.map((b) => JSON.parse(b)));
    expect(out.map((o) => (o.stored ? `stored${o.duplicate ? ' duplicate' : ''}` : `${o.status} ${o.code}`))).toEqual([
      'stored',
      '401 signature_mismatch',
      'stored duplicate',
    ]);
  });

  test('a batch with nothing admitted never reaches storage; a storage failure fails the batch', async () => {
    let called = 0;
    const out = await ingestInbound([tampered(vyoraEvent())], { vyora: { webhookSecret: VYORA_SECRET } }, async () => {
      called += 1;
      return [];
    });
    expect(called).toBe(0);
    expect(out[0]).toMatchObject({ stored: false, status: 401 });
    await expect(
      ingestInbound([inbound(vyoraEvent())], { vyora: { webhookSecret: VYORA_SECRET } }, async () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
  });
});

describe('a webhook that cannot be admitted fails alone', () => {
  const secrets = { vyora: { webhookSecret: VYORA_SECRET } };
  const nested = (levels: number): string => JSON.stringify({ event: 'call_completed', call_id: `deep_${levels}` }).replace(/}$/, `,"x":${'['.repeat(levels)}${']'.repeat(levels)}}`);
  const store = async (events: readonly NewEvent[]): Promise<IngestResult[]> => events.map((e) => ({ id: e.id, duplicate: false, deliveries: 0, filtered: 0 }));

  test('a signed body nested 5,000 deep is refused 400 too_deeply_nested; its batch neighbours are stored', async () => {
    const good = [vyoraEvent(), vyoraEvent()];
    const out = await ingestInbound(
      [inbound(good[0] as string), inbound(nested(5000)), tampered(vyoraEvent()), inbound(good[1] as string)],
      secrets,
      store,
    );
    expect(out.map((o) => (o.stored ? 'stored' : `${o.status} ${o.code}`))).toEqual(['stored', '400 too_deeply_nested', '401 signature_mismatch', 'stored']);
    expect(out[1]).toMatchObject({ message: expect.stringContaining('64') });
  });

  test('the depth limit is exact: 64 levels pass, 65 do not, and it can be set', async () => {
    // nested(n) puts n arrays inside the top-level object: n + 1 levels in all.
    const out = await ingestInbound([inbound(nested(63)), inbound(nested(64))], secrets, store);
    expect(out.map((o) => (o.stored ? 'stored' : o.code))).toEqual(['stored', 'too_deeply_nested']);
    const tight = await ingestInbound([inbound(nested(2)), inbound(nested(3))], secrets, store, { maxJsonDepth: 3 });
    expect(tight.map((o) => (o.stored ? 'stored' : o.code))).toEqual(['stored', 'too_deeply_nested']);
  });

  test('brackets inside strings do not count', async () => {
    const body = JSON.stringify({ event: 'call_completed', call_id: 'brackets', transcript: '['.repeat(500) + '\\"{'.repeat(100) });
    const out = await ingestInbound([inbound(body)], secrets, store);
    expect(out[0]).toMatchObject({ stored: true });
  });

  test('an unexpected admission failure answers 400 for that webhook and never reaches its neighbours', async () => {
    // A receipt time that is no number makes normalization throw a plain Error, not a payload error.
    const broken = { ...inbound(vyoraEvent()), receivedAt: Number.NaN };
    const out = await ingestInbound([inbound(vyoraEvent()), broken, inbound(vyoraEvent())], secrets, store);
    expect(out.map((o) => (o.stored ? 'stored' : `${o.status} ${o.code}`))).toEqual(['stored', '400 unprocessable_webhook', 'stored']);
  });
});
