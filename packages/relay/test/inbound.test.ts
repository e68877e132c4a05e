import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { signWebhook } from '@callbridge/core';
import { admissionHeaders, admitWebhook, ingestInbound, type InboundWebhook } from '../src/ingest/admit';
import { packInbound, unpackInbound } from '../src/storage/inbound-wire';
import { ThreadedSqliteStorage } from '../src/storage/threaded';
import type { IngestResult, NewEvent } from '../src/storage/types';
import { tempDir, VYORA_SECRET, vyoraEvent } from './support/harness';

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
  test('reads only the signature and event headers', () => {
    expect(admissionHeaders('vyora')).toEqual(['x-vyora-signature', 'x-vyora-event']);
  });

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
      return events.map((e, i) => ({ id: e.id, duplicate: i === 1, deliveries: 0 }));
    };
    const good = [vyoraEvent(), vyoraEvent()];
    const out = await ingestInbound([inbound(good[0] as string), tampered(vyoraEvent()), inbound(good[1] as string)], { vyora: VYORA_SECRET }, ingest);
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
    const out = await ingestInbound([tampered(vyoraEvent())], { vyora: VYORA_SECRET }, async () => {
      called += 1;
      return [];
    });
    expect(called).toBe(0);
    expect(out[0]).toMatchObject({ stored: false, status: 401 });
    await expect(
      ingestInbound([inbound(vyoraEvent())], { vyora: VYORA_SECRET }, async () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
  });
});

describe('the batch sent to the SQLite thread', () => {
  test('carries each body and the headers admission reads, and nothing of the socket chunk around them', () => {
    const bodies = [vyoraEvent(), vyoraEvent('call_started')];
    // Request bodies arrive as views into larger socket buffers.
    const chunk = Buffer.from(`HTTP-ish preamble ${bodies[0]} and ${bodies[1]} trailing bytes`.padEnd(8192, '.'));
    const views = bodies.map((b) => {
      const at = chunk.indexOf(b);
      return chunk.subarray(at, at + Buffer.byteLength(b));
    });
    const batch: InboundWebhook[] = [
      { ...inbound(bodies[0] as string), body: views[0] as Buffer },
      { ...inbound(bodies[1] as string, { sign: false, event: 'call_started' }), body: views[1] as Buffer, receivedAt: 42 },
    ];
    const packed = packInbound(batch);
    expect(packed.bodies.byteLength).toBe(bodies.reduce((n, b) => n + Buffer.byteLength(b), 0));
    const back = unpackInbound(structuredClone(packed));
    expect(back.map((w) => Buffer.from(w.body).toString())).toEqual(bodies);
    expect(back[0]?.headers).toEqual(batch[0]?.headers);
    expect(back[1]?.headers).toEqual({ 'x-vyora-event': 'call_started' });
    expect(back.map((w) => [w.provider, w.receivedAt])).toEqual([
      ['vyora', 1_700_000_000_000],
      ['vyora', 42],
    ]);
  });
});

// The threads run compiled code: these run once `tsc -b` has built dist.
const DIST = join(__dirname, '..', 'dist', 'storage');
const WORKER = join(DIST, 'sqlite-worker.js');
const CHECKPOINTER = join(DIST, 'sqlite-checkpointer.js');
const threaded = existsSync(WORKER) && existsSync(CHECKPOINTER) ? test : test.skip;

describe('the SQLite thread admits webhooks itself', () => {
  threaded('stored, refused and duplicate webhooks in one batch each get their own outcome', async () => {
    const dir = tempDir();
    const t = new ThreadedSqliteStorage(WORKER, join(dir.dir, 'relay.db'), { webhookSecrets: { vyora: VYORA_SECRET } });
    try {
      await t.ready();
      const body = vyoraEvent();
      const out = await t.ingestInbound([inbound(body), tampered(vyoraEvent()), inbound(body), inbound('[]')]);
      expect(out.map((o) => (o.stored ? `stored${o.duplicate ? ' duplicate' : ''}` : `${o.status} ${o.code}`))).toEqual([
        'stored',
        '401 signature_mismatch',
        'stored duplicate',
        '400 not_an_object',
      ]);
      const first = out[0];
      if (!first?.stored) throw new Error('not stored');
      expect(first.type).toBe('vyora.call_completed');
      const stored = await t.getEvent(first.id);
      expect(JSON.parse(stored?.data ?? 'null')).toEqual(JSON.parse(body));
      expect((await t.listEvents({ limit: 10 })).items).toHaveLength(1);
    } finally {
      await t.close();
      dir.remove();
    }
  });
});

describe('WAL checkpoints run in their own thread', () => {
  async function walGrowth(checkpointer: boolean): Promise<{ dbBytes: number; walBytes: number }> {
    const dir = tempDir();
    const path = join(dir.dir, 'relay.db');
    const t = new ThreadedSqliteStorage(WORKER, path, {
      webhookSecrets: { vyora: VYORA_SECRET },
      ...(checkpointer ? { checkpointer: { file: CHECKPOINTER, restartPages: 64, intervalMs: 10 } } : {}),
    });
    try {
      await t.ready();
      const before = statSync(path).size;
      // About 16 WAL pages a round, 320 in all: far past the 64-page restart point, short of
      // SQLite's own 1000; the pauses give the checkpointer its turns.
      for (let round = 0; round < 20; round++) {
        await t.ingestInbound(Array.from({ length: 40 }, () => inbound(vyoraEvent())));
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { dbBytes: statSync(path).size - before, walBytes: statSync(`${path}-wal`).size };
    } finally {
      await t.close();
      dir.remove();
    }
  }

  threaded('the checkpointer copies committed pages into the database file and rewinds the WAL', async () => {
    const without = await walGrowth(false);
    const withIt = await walGrowth(true);
    // Without it nothing reaches the database file below SQLite's 1000-page threshold.
    expect(without.dbBytes).toBe(0);
    expect(withIt.dbBytes).toBeGreaterThan(64 * 1024);
    // Rewound, the WAL is reused from its start instead of growing with every commit.
    expect(withIt.walBytes).toBeLessThan(without.walBytes / 2);
  });
});
