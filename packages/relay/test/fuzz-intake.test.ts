import http from 'node:http';
import { providers, signWebhook, type ProviderSpec } from '@callbridge/core';
import fc from 'fast-check';
import { errorCode, fuzzRuns, fuzzTimeout, send, type RawAnswer, type RawRequest } from './support/fuzz';
import { AILA_SECRET, api, startTestRelay, VYORA_SECRET, type TestRelay } from './support/harness';

/**
 * Property-based fuzzing of `POST /hooks/<provider>`: random paths (percent-encodings
 * included), methods, content types, headers, signatures, bodies of every shape, size and
 * depth, sent as concurrent batches that always include one valid signed event. Per request:
 * a 2xx only for a correctly signed JSON POST to a provider the relay has a secret for, a
 * 4xx with a named error code otherwise, never a 5xx (no storage failure happens here);
 * every valid event gets 200 and is stored, whatever its batch held; the relay stays up.
 *
 * `npm test` runs a bounded number of batches; CALLBRIDGE_FUZZ_RUNS=2000 runs more.
 */
const RUNS = fuzzRuns(100);
// Room for bodies nested past the depth at which JSON.stringify overflows (about 5,000).
const MAX_BODY = 16 * 1024;
const SECRETS: Record<string, string> = { vyora: VYORA_SECRET, aila: AILA_SECRET };
const registry = providers as Partial<Record<string, ProviderSpec>>;
const eventsOf = (p: string): readonly string[] => registry[p]?.webhooks?.events ?? [];

type Signature = 'correct' | 'wrong_secret' | 'garbage' | 'missing' | 'tampered';
type EventHeader = 'none' | 'agree' | 'disagree' | 'garbage';
type Body =
  | { kind: 'event'; provider: string; event: string; extra: unknown }
  | { kind: 'json'; value: unknown }
  | { kind: 'nested'; depth: number }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'oversize'; size: number }
  | { kind: 'text'; text: string };

interface Case {
  method: string;
  name: string;
  query: string;
  contentType: string | undefined;
  body: Body;
  signature: Signature;
  eventHeader: EventHeader;
  extra: Record<string, string>;
  chunked: boolean;
}

let serial = 0;
const unique = (): string => `${process.pid}-${(serial += 1)}-${Math.random().toString(36).slice(2, 8)}`;

function eventJson(provider: string, event: string, extra: unknown): Record<string, unknown> {
  if (provider === 'vyora') return { event, call_id: `fz-${unique()}`, status: 'completed', extra };
  return { id: `evt_fz_${unique()}`, event, created_at: '2026-05-24T11:00:00Z', data: { extra } };
}

function bodyBytes(b: Body): Uint8Array {
  switch (b.kind) {
    case 'event':
      return Buffer.from(JSON.stringify(eventJson(b.provider, b.event, b.extra)));
    case 'json':
      return Buffer.from(JSON.stringify(b.value) ?? 'null');
    case 'nested':
      return Buffer.from(`{"event":"call_completed","call_id":"fz-${unique()}","x":${'['.repeat(b.depth)}${']'.repeat(b.depth)}}`);
    case 'bytes':
      return b.bytes;
    case 'oversize':
      return Buffer.from(JSON.stringify({ event: 'call_completed', call_id: `fz-${unique()}`, pad: 'x'.repeat(b.size) }));
    case 'text':
      return Buffer.from(b.text);
  }
}

/** The provider a hook path names once decoded, or null when it does not decode. */
function decodedName(name: string): string | null {
  try {
    return decodeURIComponent(name);
  } catch {
    return null;
  }
}

/** The body's `event` field when it is a JSON object naming one. */
function eventField(body: Uint8Array): string | undefined {
  try {
    const v = JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
    const e = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)['event'] : undefined;
    return typeof e === 'string' && e.length > 0 ? e : undefined;
  } catch {
    return undefined;
  }
}

const isJsonType = (ct: string | undefined): boolean => {
  const type = (ct ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
};

const PATH_CHARS = [...'abcdefghijklmnopqrstuvwxyzAYV0123456789%-_.~/?&=+'];
const TOKEN_CHARS = [...'abcdefghijklmnopqrstuvwxyz0123456789-+./;= '];
const VISIBLE = fc.string({ unit: fc.constantFrom(...' !#$%&()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~'), maxLength: 40 });

const nameArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('vyora', 'aila') },
  { weight: 3, arbitrary: fc.constantFrom('ayra', 'ayla', 'nobody', '', 'VYORA', 'vy%6Fra', 'a%69la', '%', '%zz', 'vyora%', '%E0%A4%A', '%C0%AF', '%00', 'vyora/x', '..%2F..') },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...PATH_CHARS), maxLength: 24 }) },
);

const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('event' as const), provider: fc.constantFrom('vyora', 'aila'), event: fc.constant(''), extra: fc.jsonValue({ maxDepth: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('json' as const), value: fc.jsonValue({ maxDepth: 6 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('nested' as const),
      // Around the limit (64), anywhere, and past where a recursive walk overflows the stack.
      depth: fc.oneof(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 60, max: 8000 }), fc.integer({ min: 4500, max: 8000 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 512 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('oversize' as const), size: fc.integer({ min: MAX_BODY - 200, max: MAX_BODY * 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.string({ unit: 'grapheme', maxLength: 60 }) }) },
).chain((b): fc.Arbitrary<Body> =>
  // A known event of the provider most of the time, sometimes one it does not send.
  b.kind === 'event'
    ? fc.oneof(fc.constantFrom(...eventsOf(b.provider)), fc.constantFrom('call_exploded', 'task.deleted', '')).map((event) => ({ ...b, event }))
    : fc.constant(b),
);

const caseArb: fc.Arbitrary<Case> = fc.record({
  method: fc.oneof({ weight: 8, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') }),
  name: nameArb,
  query: fc.oneof(fc.constant(''), fc.string({ unit: fc.constantFrom(...PATH_CHARS), maxLength: 12 }).map((q) => `?${q}`)),
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/cloudevents+json') },
    { weight: 2, arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx') },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 30 }) },
  ),
  body: bodyArb,
  signature: fc.oneof({ weight: 6, arbitrary: fc.constant('correct' as const) }, { weight: 3, arbitrary: fc.constantFrom('wrong_secret' as const, 'garbage' as const, 'missing' as const, 'tampered' as const) }),
  eventHeader: fc.constantFrom('none' as const, 'agree' as const, 'disagree' as const, 'garbage' as const),
  extra: fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,16}$/), VISIBLE, { maxKeys: 3 }),
  chunked: fc.boolean(),
});

interface Built {
  request: RawRequest;
  /** A correctly signed JSON POST to a provider with a secret: the only kind that may get a 2xx. */
  mayPass: boolean;
  /** Everything right: must get 200 and be stored. */
  valid: boolean;
}

function build(c: Case): Built {
  const body = bodyBytes(c.body);
  const decoded = decodedName(c.name);
  const provider = decoded !== null && decoded in SECRETS ? decoded : 'vyora';
  const headers: Record<string, string> = { ...c.extra };
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  const secret = SECRETS[provider] as string;
  const header = `x-${provider}-signature`;
  if (c.signature === 'correct') headers[header] = signWebhook(provider as 'vyora', { rawBody: body, secret }).value;
  else if (c.signature === 'wrong_secret') headers[header] = signWebhook(provider as 'vyora', { rawBody: body, secret: 'not-the-secret' }).value;
  else if (c.signature === 'garbage') headers[header] = 'sha256=zz';
  else if (c.signature === 'tampered') headers[header] = signWebhook(provider as 'vyora', { rawBody: Buffer.concat([body, Buffer.from(' ')]), secret }).value;
  const event = c.body.kind === 'event' ? c.body.event : 'call_completed';
  const known = eventsOf(provider);
  if (c.eventHeader === 'agree') headers[`x-${provider}-event`] = event || 'call_completed';
  else if (c.eventHeader === 'disagree') headers[`x-${provider}-event`] = known.find((e) => e !== event) ?? 'other';
  else if (c.eventHeader === 'garbage') headers[`x-${provider}-event`] = 'garbage';

  // The signed body's event name decides; an event header that disagrees must be refused.
  const sentHeader = headers[`x-${provider}-event`];
  const bodyEvent = eventField(body);
  const conflict = sentHeader !== undefined && bodyEvent !== undefined && sentHeader.trim() !== bodyEvent;
  const mayPass =
    c.method === 'POST' && decoded !== null && decoded in SECRETS && isJsonType(c.contentType) && c.signature === 'correct' && body.length <= MAX_BODY && !conflict;
  const valid =
    mayPass &&
    c.body.kind === 'event' &&
    c.body.provider === decoded &&
    known.includes(c.body.event) &&
    (c.eventHeader === 'none' || (c.eventHeader === 'agree' && c.body.event !== ''));
  return { request: { method: c.method, path: `/hooks/${c.name}${c.query}`, headers, body, chunked: c.chunked }, mayPass, valid };
}

/** The one valid event every batch carries. */
function validEvent(): Built {
  return build({
    method: 'POST',
    name: 'vyora',
    query: '',
    contentType: 'application/json',
    body: { kind: 'event', provider: 'vyora', event: 'call_completed', extra: { batch: true } },
    signature: 'correct',
    eventHeader: 'agree',
    extra: {},
    chunked: false,
  });
}

function checkAnswer(b: Built, a: RawAnswer): void {
  const what = `${b.request.method} ${b.request.path} -> ${a.status} ${a.text.slice(0, 200)}`;
  if (a.status >= 500) throw new Error(`a 5xx without a storage failure: ${what}`);
  if (a.status >= 200 && a.status < 300) {
    if (!b.mayPass) throw new Error(`a 2xx for a request that is not a correctly signed JSON POST: ${what}`);
    if (!/^\{"received":true,"id":"evt_[0-9a-z]{26}"\}$/.test(a.text)) throw new Error(`a 2xx without {received, id}: ${what}`);
  } else if (a.status >= 400 && a.status < 500) {
    if (!/^[a-z][a-z0-9_]*$/.test(errorCode(a) ?? '')) throw new Error(`a 4xx without a named error code: ${what}`);
  } else throw new Error(`an unexpected status: ${what}`);
  if (b.valid && a.status !== 200) throw new Error(`a valid signed event was not accepted: ${what}`);
}

describe('fuzzing the webhook intake', () => {
  let t: TestRelay;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  beforeAll(async () => {
    t = await startTestRelay({ RELAY_MAX_BODY_BYTES: String(MAX_BODY), RELAY_RATE_LIMIT: '0' });
  });
  afterAll(async () => {
    agent.destroy();
    await t.close();
  });

  test(
    `random batches (${RUNS} runs): 2xx only when signed, named 4xx otherwise, no 5xx, the valid event always stored`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(caseArb, { minLength: 1, maxLength: 6 }), fc.nat({ max: 6 }), async (cases, at) => {
          const batch = cases.map(build);
          batch.splice(Math.min(at, batch.length), 0, validEvent());
          // All at once: they are read in the same turn of the event loop and share a commit.
          const answers = await Promise.all(batch.map((b) => send(t.url, b.request, agent)));
          batch.forEach((b, i) => checkAnswer(b, answers[i] as RawAnswer));
          for (const [i, b] of batch.entries()) {
            if (!b.valid) continue;
            const id = (answers[i]?.json as { id: string }).id;
            const stored = await api(t.url, 'GET', `/v1/events/${id}`);
            if (stored.status !== 200) throw new Error(`event ${id}, answered 200, is not stored`);
          }
        }),
        { numRuns: RUNS },
      );
      const health = await api(t.url, 'GET', '/healthz', undefined, { token: null });
      expect(health.status).toBe(200);
    },
    fuzzTimeout(RUNS, 400, 60_000),
  );
});
