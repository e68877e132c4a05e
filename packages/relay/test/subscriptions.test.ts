import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { api, get, postHook, startReceiver, startTestRelay, subscribe, tempDir, TOKEN, vyoraEvent, type TestRelay } from './support/harness';

let t: TestRelay;

beforeAll(async () => {
  t = await startTestRelay();
});
afterAll(async () => {
  await t.close();
});

describe('/v1/subscriptions', () => {
  test('create, list, get, delete: the attach/detach lifecycle', async () => {
    const created = await api(t.url, 'POST', '/v1/subscriptions', {
      target_url: 'http://127.0.0.1:9/make',
      events: ['vyora.call_completed', 'aila.*'],
      headers: { 'x-make-apikey': 'make-key-123' },
    });
    expect(created.status).toBe(201);
    const id = get(created.body, 'id') as string;
    expect(id).toMatch(/^sub_/);
    expect(get(created.body, 'secret')).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    expect(get(created.body, 'target_url')).toBe('http://127.0.0.1:9/make');
    expect(get(created.body, 'events')).toEqual(['vyora.call_completed', 'aila.*']);
    expect(Date.parse(get(created.body, 'created_at') as string)).not.toBeNaN();
    // Header values can be credentials: they are never echoed back.
    expect(get(created.body, 'headers')).toEqual({ 'x-make-apikey': '********' });
    expect(created.text).not.toContain('make-key-123');

    const list = await api(t.url, 'GET', '/v1/subscriptions');
    expect(list.status).toBe(200);
    const listed = (get(list.body, 'data') as unknown[]).find((s) => get(s, 'id') === id);
    expect(listed).toBeDefined();
    expect(get(listed, 'secret')).toBeUndefined();

    const one = await api(t.url, 'GET', `/v1/subscriptions/${id}`);
    expect(one.status).toBe(200);
    expect(get(one.body, 'secret')).toBe(get(created.body, 'secret'));
    expect(get(one.body, 'status')).toBe('active');

    const del = await api(t.url, 'DELETE', `/v1/subscriptions/${id}`);
    expect(del.status).toBe(204);
    expect((await api(t.url, 'GET', `/v1/subscriptions/${id}`)).status).toBe(404);
    expect((await api(t.url, 'DELETE', `/v1/subscriptions/${id}`)).status).toBe(404);
  });

  test('events default to ["*"]', async () => {
    const created = await api(t.url, 'POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/all' });
    expect(created.status).toBe(201);
    expect(get(created.body, 'events')).toEqual(['*']);
  });

  test('invalid bodies are refused 400 with every field named', async () => {
    const res = await api(t.url, 'POST', '/v1/subscriptions', {
      target_url: 'ftp://example.com/x',
      events: ['vyora.call_exploded', 'nobody.thing', 42],
      headers: { 'content-type': 'text/plain', 'bad header': 'x', 'x-ok': 'line\nbreak' },
    });
    expect(res.status).toBe(400);
    expect(get(res.body, 'error.code')).toBe('validation_error');
    const fields = (get(res.body, 'error.details') as Array<{ field: string }>).map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['events.0', 'events.1', 'events.2', 'headers.content-type', 'headers.bad header', 'headers.x-ok']),
    );
    expect(JSON.stringify(res.body)).toContain('vyora.call_completed');

    const scheme = await api(t.url, 'POST', '/v1/subscriptions', { target_url: 'ftp://example.com/x' });
    expect(scheme.status).toBe(400);
    expect(get(scheme.body, 'error.message')).toContain('http or https');

    const unknownField = await api(t.url, 'POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/', url: 'x' });
    expect(unknownField.status).toBe(400);
    expect(get(unknownField.body, 'error.details')).toEqual([expect.objectContaining({ field: 'url' })]);

    const missing = await api(t.url, 'POST', '/v1/subscriptions', {});
    expect(get(missing.body, 'error.details')).toEqual([expect.objectContaining({ field: 'target_url' })]);
  });

  test('a header value node could not send is refused 400 naming the header; Latin-1 and tabs are delivered', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['x-euro', 'café€', /Latin-1/],
      ['x-emoji', 'ok 🏠', /Latin-1/],
      ['x-control', 'a\x01b', /control character/],
      ['x-del', 'a\x7fb', /control character/],
      ['x-c1', 'a\u0085b', /control character/],
      ['x-newline', 'a\r\nx-injected: 1', /control character/],
      ['x-long', 'x'.repeat(4097), /at most 4096/],
    ];
    for (const [name, value, why] of cases) {
      const res = await api(t.url, 'POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/h', headers: { [name]: value } });
      expect(res.status).toBe(400);
      expect(get(res.body, 'error.details')).toEqual([{ field: `headers.${name}`, message: expect.stringMatching(why) }]);
    }
    const nonString = await api(t.url, 'POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/h', headers: { 'x-n': 5 } });
    expect(get(nonString.body, 'error.details')).toEqual([{ field: 'headers.x-n', message: expect.stringMatching(/string/) }]);

    // What is accepted must be deliverable: the receiver gets it byte for byte.
    const receiver = await startReceiver();
    try {
      const value = 'café\tÿ ~ key=1;x ';
      await subscribe(t.url, receiver.url, ['vyora.call_started'], { 'x-latin': value, 'x-max': 'v'.repeat(4096) });
      expect((await postHook(t.url, 'vyora', vyoraEvent('call_started'))).status).toBe(200);
      const [got] = await receiver.waitFor(1);
      // HTTP drops leading and trailing whitespace of a field value.
      expect(got?.headers['x-latin']).toBe(value.trim());
      expect(got?.headers['x-max']).toHaveLength(4096);
    } finally {
      await receiver.close();
    }
  });

  test('malformed JSON and a wrong content type on /v1 answer 400 and 415', async () => {
    const bad = await fetch(`${t.url}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"target_url":',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'malformed_json' } });
    const text = await fetch(`${t.url}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/xml' },
      body: '<x/>',
    });
    expect(text.status).toBe(415);
    await text.text();
  });

  test('cursor pagination walks every subscription once', async () => {
    for (let i = 0; i < 5; i++) await api(t.url, 'POST', '/v1/subscriptions', { target_url: `http://127.0.0.1:9/page${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof api>> = await api(t.url, 'GET', `/v1/subscriptions?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      const data = get(page.body, 'data') as unknown[];
      expect(data.length).toBeLessThanOrEqual(2);
      seen.push(...data.map((s) => get(s, 'id') as string));
      cursor = get(page.body, 'next_cursor') as string | null;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    const bad = await api(t.url, 'GET', '/v1/subscriptions?cursor=garbage');
    expect(bad.status).toBe(400);
    expect(get(bad.body, 'error.code')).toBe('invalid_cursor');
  });
});

describe('auth on /v1', () => {
  test('no token, a wrong token and a malformed header are 401; /healthz needs none', async () => {
    const none = await api(t.url, 'GET', '/v1/subscriptions', undefined, { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await api(t.url, 'GET', '/v1/subscriptions', undefined, { token: `${TOKEN}x` });
    expect(wrong.status).toBe(401);
    const basic = await api(t.url, 'GET', '/v1/events', undefined, { token: null, headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
    const create = await api(t.url, 'POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/' }, { token: 'nope-nope-nope-nope' });
    expect(create.status).toBe(401);
    expect((await api(t.url, 'GET', '/healthz', undefined, { token: null })).status).toBe(200);
  });
});

describe('a newcomer with no configuration', () => {
  test('gets a generated token, stored only as its SHA-256, that survives a restart', async () => {
    const { dir, remove } = tempDir();
    try {
      const first = await startTestRelay({ RELAY_API_TOKEN: undefined }, dir);
      const token = first.relay.adminToken as string;
      expect(token).toMatch(/^cbr_[A-Za-z0-9_-]{40,}$/);
      expect((await api(first.url, 'GET', '/v1/subscriptions', undefined, { token })).status).toBe(200);
      expect((await api(first.url, 'GET', '/v1/subscriptions', undefined, { token: TOKEN })).status).toBe(401);
      expect(first.logs.join('')).not.toContain(token);
      await first.close();

      const db = new DatabaseSync(join(dir, 'relay.db'));
      const rows = db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>;
      db.close();
      const dump = JSON.stringify(rows);
      expect(dump).not.toContain(token);
      expect(dump).toContain(createHash('sha256').update(token).digest('hex'));

      const second = await startTestRelay({ RELAY_API_TOKEN: undefined }, dir);
      expect(second.relay.adminToken).toBeUndefined();
      expect((await api(second.url, 'GET', '/v1/subscriptions', undefined, { token })).status).toBe(200);
      await second.close();
    } finally {
      remove();
    }
  });
});

describe('rate limiting on /v1', () => {
  test('past the per-minute budget answers 429 with Retry-After; hooks are not limited', async () => {
    const limited = await startTestRelay({ RELAY_RATE_LIMIT: '5' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await api(limited.url, 'GET', '/v1/subscriptions')).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toEqual([429, 429]);
      const res = await api(limited.url, 'GET', '/v1/events');
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await api(limited.url, 'GET', '/healthz', undefined, { token: null })).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await postHook(limited.url, 'vyora', vyoraEvent())).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
