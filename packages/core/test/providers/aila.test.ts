import { inspect } from 'node:util';
import nock from 'nock';
import { aila, createClient } from '@callbridge/core';
import {
  answer,
  bearerAuth,
  checkOperation,
  errorShape,
  expectInvalid,
  fixture,
  providerError,
  testClient,
  type OperationCase,
} from './helpers';

const KEY = 'aila_key_8Hq2Lw0pZ';
const ORIGIN = 'https://api.aila.com';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const ok = (data: unknown, meta?: unknown): Record<string, unknown> => ({ success: true, data, ...(meta ? { meta } : {}) });
const callsPage = fixture('aila', 'calls.list') as { data: Array<Record<string, unknown>> };
const oneCall = callsPage.data[0] as Record<string, unknown>;
const contact = { id: 'ct_77xy', name: 'Maria Lopez', email: 'maria.lopez@example.com' };
const webhook = { id: 'wh_3kd92', url: 'https://hooks.example.com/aila', events: ['call.completed'], active: true };
const upload = (n: number): Array<Record<string, unknown>> =>
  Array.from({ length: n }, (_, i) => ({ recording_url: `https://storage.example.com/recordings/${i}.mp3` }));

const cases: OperationCase[] = [
  {
    title: 'calls.list returns the whole envelope, meta included',
    op: 'calls.list',
    input: {},
    method: 'GET',
    path: '/v1/calls',
    reply: callsPage,
  },
  {
    title: 'calls.list with every documented filter',
    op: 'calls.list',
    input: { start_date: '2025-03-01T00:00:00Z', end_date: '2025-03-31T23:59:59Z', user_id: 'usr_12ab', limit: 100, offset: 200 },
    method: 'GET',
    path: '/v1/calls',
    query: { start_date: '2025-03-01T00:00:00Z', end_date: '2025-03-31T23:59:59Z', user_id: 'usr_12ab', limit: '100', offset: '200' },
    reply: callsPage,
  },
  {
    title: 'calls.get unwraps the envelope to the call',
    op: 'calls.get',
    input: { call_id: 'call_8f3k2m' },
    method: 'GET',
    path: '/v1/calls/call_8f3k2m',
    reply: ok(oneCall),
    result: oneCall,
  },
  {
    title: 'calls.upload sends the recording and forwards unlisted metadata (passthrough)',
    op: 'calls.upload',
    input: {
      recording_url: 'https://storage.example.com/r.mp3',
      user_id: 'usr_12ab',
      direction: 'inbound',
      started_at: '2025-03-04T16:20:00Z',
      duration_seconds: 412,
      metadata: { loan_number: 'LN-20931' },
      language: 'es',
    },
    method: 'POST',
    path: '/v1/calls/upload',
    body: {
      recording_url: 'https://storage.example.com/r.mp3',
      user_id: 'usr_12ab',
      direction: 'inbound',
      started_at: '2025-03-04T16:20:00Z',
      duration_seconds: 412,
      metadata: { loan_number: 'LN-20931' },
      language: 'es',
    },
    reply: ok({ id: 'call_9h4n1p', status: 'queued' }),
    result: { id: 'call_9h4n1p', status: 'queued' },
  },
  {
    title: 'calls.batchUpload with one call',
    op: 'calls.batchUpload',
    input: { calls: upload(1) },
    method: 'POST',
    path: '/v1/calls/batch-upload',
    body: { calls: upload(1) },
    reply: ok({ batch_id: 'b1', accepted: 1 }),
    result: { batch_id: 'b1', accepted: 1 },
  },
  {
    title: 'calls.batchUpload with 100 calls, items keeping their extra keys',
    op: 'calls.batchUpload',
    input: { calls: upload(100).map((c) => ({ ...c, external_id: 'x' })) },
    method: 'POST',
    path: '/v1/calls/batch-upload',
    body: { calls: upload(100).map((c) => ({ ...c, external_id: 'x' })) },
    reply: ok({ batch_id: 'b2', accepted: 100 }),
    result: { batch_id: 'b2', accepted: 100 },
  },
  {
    op: 'calls.quality',
    input: { call_id: 'call_8f3k2m' },
    method: 'GET',
    path: '/v1/calls/call_8f3k2m/quality',
    reply: aila.operations['calls.quality'].sample,
    result: (aila.operations['calls.quality'].sample as { data: unknown }).data,
  },
  {
    op: 'contacts.list',
    input: { limit: 20, offset: 40, search: 'lopez' },
    method: 'GET',
    path: '/v1/contacts',
    query: { limit: '20', offset: '40', search: 'lopez' },
    reply: ok([contact], { page: 3, limit: 20, total: 41 }),
  },
  { op: 'contacts.get', input: { contact_id: 'ct_77xy' }, method: 'GET', path: '/v1/contacts/ct_77xy', reply: ok(contact), result: contact },
  {
    op: 'contacts.update',
    input: { contact_id: 'ct_77xy', company: 'Lone Star Lending LLC', loan_officer: 'usr_12ab' },
    method: 'PATCH',
    path: '/v1/contacts/ct_77xy',
    body: { company: 'Lone Star Lending LLC', loan_officer: 'usr_12ab' },
    reply: ok(contact),
    result: contact,
  },
  {
    title: 'analytics.teamMetrics sends user_ids comma-separated',
    op: 'analytics.teamMetrics',
    input: { start_date: '2025-03-01', end_date: '2025-03-31', user_ids: ['usr_12ab', 'usr_34cd'] },
    method: 'GET',
    path: '/v1/analytics/team-metrics',
    query: { start_date: '2025-03-01', end_date: '2025-03-31', user_ids: 'usr_12ab,usr_34cd' },
    reply: ok({ members: [] }),
    result: { members: [] },
  },
  {
    op: 'webhooks.create',
    input: { organization_id: 'org_5tq81', url: 'https://hooks.example.com/aila', events: ['call.completed', 'test.ping'] },
    method: 'POST',
    path: '/v1/organizations/org_5tq81/webhooks',
    body: { url: 'https://hooks.example.com/aila', events: ['call.completed', 'test.ping'] },
    reply: ok(webhook),
    result: webhook,
  },
  {
    title: 'webhooks.list returns the array inside the envelope',
    op: 'webhooks.list',
    input: { organization_id: 'org_5tq81' },
    method: 'GET',
    path: '/v1/organizations/org_5tq81/webhooks',
    reply: ok([webhook]),
    result: [webhook],
  },
  {
    op: 'webhooks.delete',
    input: { organization_id: 'org_5tq81', webhook_id: 'wh_3kd92' },
    method: 'DELETE',
    path: '/v1/organizations/org_5tq81/webhooks/wh_3kd92',
    reply: ok({ id: 'wh_3kd92', deleted: true }),
    result: { id: 'wh_3kd92', deleted: true },
  },
];

describe('requests and responses', () => {
  test.each(cases.map((c) => [c.title ?? c.op, c] as const))('%s', async (_title, c) => {
    await checkOperation(aila, KEY, bearerAuth(KEY), c);
  });

  test('every operation is exercised', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(Object.keys(aila.operations)));
  });

  test('a success body without the envelope is returned as is', async () => {
    answer(ORIGIN, 'GET', 200, { id: 'ct_1', name: 'Bare' });
    const { client } = testClient(aila, KEY);
    await expect(client.call('contacts.get', { contact_id: 'ct_1' })).resolves.toEqual({ id: 'ct_1', name: 'Bare' });
  });
});

describe('pagination', () => {
  test('listAll walks limit/offset up to meta.total', async () => {
    const first = answer(ORIGIN, 'GET', 200, ok([{ id: 'c1' }, { id: 'c2' }], { page: 1, limit: 2, total: 3 }));
    const second = answer(ORIGIN, 'GET', 200, ok([{ id: 'c3' }], { page: 2, limit: 2, total: 3 }));
    const { client } = testClient(aila, KEY);
    const all = await client.listAll('calls.list', { user_id: 'usr_12ab', limit: 2 });
    expect(all).toEqual([{ id: 'c1' }, { id: 'c2' }, { id: 'c3' }]);
    expect(first.seen[0]?.query).toEqual({ user_id: 'usr_12ab', limit: '2', offset: '0' });
    expect(second.seen[0]?.query).toEqual({ user_id: 'usr_12ab', limit: '1', offset: '2' });
  });

  test('a short page is the last, as the document\'s loop stops (no second request)', async () => {
    const first = answer(ORIGIN, 'GET', 200, ok([{ id: 'c1' }], { total: 99 }));
    const { client } = testClient(aila, KEY);
    const all = await client.listAll('calls.list', { limit: 50 });
    expect(all).toEqual([{ id: 'c1' }]);
    expect(first.seen).toHaveLength(1);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('rate limit headers', () => {
  test('X-RateLimit-Remaining 0 holds the next request until X-RateLimit-Reset', async () => {
    let now = 1_750_000_000_000;
    const sleeps: number[] = [];
    const client = createClient(aila, {
      apiKey: KEY,
      retry: { maxAttempts: 1 },
      clock: { now: () => now },
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    });
    nock(ORIGIN)
      .get('/v1/contacts/ct_1')
      .reply(200, ok(contact), { 'X-RateLimit-Limit': '1000', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Math.floor(now / 1000) + 20) })
      .get('/v1/contacts/ct_1')
      .reply(200, ok(contact));
    await client.call('contacts.get', { contact_id: 'ct_1' });
    expect(sleeps).toEqual([]);
    await client.call('contacts.get', { contact_id: 'ct_1' });
    expect(sleeps).toEqual([20_000]);
  });
});

describe('validation before the network', () => {
  test.each([
    ['calls.batchUpload', { calls: [] }, 'calls', /at least 1/],
    ['calls.batchUpload', { calls: upload(101) }, 'calls', /at most 100/],
    ['calls.batchUpload', {}, 'calls', /required/],
    ['calls.batchUpload', { calls: [...upload(3), { recording_url: 'not a url' }] }, 'calls.3.recording_url', /http\(s\) URL/],
    ['calls.batchUpload', { calls: [{ user_id: 'usr_12ab' }] }, 'calls.0.recording_url', /required/],
    ['calls.batchUpload', { calls: [{ recording_url: 'https://x.example/a.mp3', phone_number: '555-0100' }] }, 'calls.0.phone_number', /E\.164/],
    ['calls.batchUpload', { calls: upload(1), notify: true }, 'notify', /not a field/],
    ['calls.upload', {}, 'recording_url', /required/],
    ['calls.upload', { recording_url: 'ftp://files.example.com/a.mp3' }, 'recording_url', /http\(s\) URL/],
    ['calls.upload', { recording_url: 'https://x.example/a.mp3', direction: 'sideways' }, 'direction', /inbound, outbound/],
    ['calls.upload', { recording_url: 'https://x.example/a.mp3', started_at: 'March 4th' }, 'started_at', /ISO 8601/],
    ['calls.upload', { recording_url: 'https://x.example/a.mp3', duration_seconds: -1 }, 'duration_seconds', /at least 0/],
    ['calls.list', { start_date: '2025/03/01' }, 'start_date', /ISO 8601/],
    ['calls.list', { end_date: '2025-13-01' }, 'end_date', /ISO 8601/],
    ['calls.list', { start_date: '2025-03-31', end_date: '2025-03-01' }, 'end_date', /earlier than start_date/],
    ['calls.list', { limit: 0 }, 'limit', /at least 1/],
    ['calls.list', { limit: 101 }, 'limit', /at most 100/],
    ['calls.list', { offset: -5 }, 'offset', /at least 0/],
    ['calls.list', { page: 2 }, 'page', /not a field/],
    ['calls.get', { call_id: 'call/1' }, 'call_id', /"\/"/],
    ['calls.quality', { call_id: 'x#y' }, 'call_id', /"#"/],
    ['contacts.get', { contact_id: 'ct/77' }, 'contact_id', /"\/"/],
    ['contacts.update', { contact_id: 'ct_77xy' }, '(input)', /at least one field/],
    ['contacts.update', { contact_id: 'ct_77xy', phone: '5125550142' }, 'phone', /E\.164/],
    ['contacts.list', { limit: 101 }, 'limit', /at most 100/],
    ['analytics.teamMetrics', { user_ids: ['usr_1', 'usr_2,usr_3'] }, 'user_ids.1', /without commas/],
    ['analytics.teamMetrics', { user_ids: [] }, 'user_ids', /at least 1/],
    ['analytics.teamMetrics', { start_date: 'last month' }, 'start_date', /ISO 8601/],
    ['webhooks.create', { organization_id: 'org_1', url: 'https://h.example', events: ['call.finished'] }, 'events.0', /call\.completed/],
    ['webhooks.create', { organization_id: 'org_1', url: 'https://h.example', events: [] }, 'events', /at least 1/],
    ['webhooks.create', { organization_id: 'org_1', url: 'https://h.example', events: ['test.ping', 'test.ping'] }, 'events.1', /twice/],
    ['webhooks.create', { organization_id: 'org_1', url: 'hooks.example.com', events: ['test.ping'] }, 'url', /http\(s\) URL/],
    ['webhooks.create', { organization_id: 'org/1', url: 'https://h.example', events: ['test.ping'] }, 'organization_id', /"\/"/],
    ['webhooks.list', {}, 'organization_id', /required/],
    ['webhooks.delete', { organization_id: 'org_1', webhook_id: 'wh/../x' }, 'webhook_id', /"\/"/],
  ] as const)('%s %j is refused on %s', async (op, input, fieldName, rule) => {
    await expectInvalid(aila, op, input, fieldName, rule);
  });
});

describe('errors', () => {
  test('{success:false, error:{…}} becomes a CallbridgeError with its details', async () => {
    const err = await providerError(aila, 'calls.list', { start_date: '2025-03-01' }, 400, fixture('aila', 'error.validation'));
    expect(errorShape(err)).toEqual({
      provider: 'aila',
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'Invalid date format',
      details: { field: 'start_date', expected: 'ISO 8601 format' },
      requestId: null,
      retryable: false,
    });
  });

  test('a 429 is retryable and carries the wait from X-RateLimit-Reset', async () => {
    const err = await providerError(
      aila,
      'calls.get',
      { call_id: 'c1' },
      429,
      { success: false, error: { code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded' } },
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30', 'x-request-id': 'req_a_9' },
    );
    expect(errorShape(err)).toEqual({
      provider: 'aila',
      status: 429,
      code: 'RATE_LIMIT_EXCEEDED',
      message: 'Rate limit exceeded',
      details: null,
      requestId: 'req_a_9',
      retryable: true,
    });
    expect(err.retryAfterMs).toBe(30_000);
  });

  test('403 without a body gets a status-derived code', async () => {
    const err = await providerError(aila, 'contacts.list', {}, 403, '');
    expect(errorShape(err)).toMatchObject({ status: 403, code: 'forbidden', message: 'HTTP 403', retryable: false });
  });

  test('the API key never shows in the client or its errors', async () => {
    const err = await providerError(aila, 'calls.list', {}, 401, { success: false, error: { code: 'UNAUTHORIZED', message: 'Invalid API key' } }, {}, KEY);
    const client = createClient(aila, { apiKey: KEY });
    for (const text of [JSON.stringify(client), String(client), inspect(client, { depth: 10, showHidden: true }), JSON.stringify(err), inspect(err), err.message]) {
      expect(text).not.toContain(KEY);
    }
  });
});

test('webhooks: the documented events, a closed set, an assumed HMAC scheme', () => {
  expect(aila.webhooks).toMatchObject({
    documented: false,
    open: false,
    idField: 'id',
    timestampField: 'created_at',
    eventHeader: 'x-aila-event',
    signature: { header: 'x-aila-signature', prefix: 'sha256=', encoding: 'hex', algorithm: 'sha256' },
  });
  expect(aila.webhooks?.events).toEqual(['call.completed', 'call.data.extracted', 'task.created', 'task.synced', 'mismo.ready', 'test.ping']);
  const createEvents = aila.operations['webhooks.create'].fields.events.meta.choices;
  expect(createEvents).toEqual(aila.webhooks?.events);
  for (const name of ['webhook.call.completed', 'webhook.test.ping']) {
    const body = fixture('aila', name) as { event: string; id: string; created_at: string };
    expect(aila.webhooks?.events).toContain(body.event);
    expect(body.id).toMatch(/^evt_/);
    expect(Number.isNaN(Date.parse(body.created_at))).toBe(false);
  }
});
