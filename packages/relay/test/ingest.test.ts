import { signWebhook } from '@callbridge/core';
import { api, get, postHook, startTestRelay, VYORA_SECRET, vyoraEvent, type TestRelay } from './support/harness';

let t: TestRelay;

beforeAll(async () => {
  t = await startTestRelay({ RELAY_MAX_BODY_BYTES: '4kb', AYRA_WEBHOOK_SECRET: undefined });
});
afterAll(async () => {
  await t.close();
});

describe('POST /hooks/<provider>', () => {
  test('a validly signed event is stored and answered 200 {received, id}', async () => {
    const body = vyoraEvent('call_completed');
    const res = await postHook(t.url, 'vyora', body);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body as object)).toEqual(['received', 'id']);
    expect(get(res.body, 'received')).toBe(true);
    const id = get(res.body, 'id') as string;
    expect(id).toMatch(/^evt_[0-9a-z]{26}$/);
    expect(res.headers.get('x-request-id')).toBeTruthy();

    const stored = await api(t.url, 'GET', `/v1/events/${id}`);
    expect(stored.status).toBe(200);
    expect(get(stored.body, 'type')).toBe('vyora.call_completed');
    expect(get(stored.body, 'provider')).toBe('vyora');
    expect(get(stored.body, 'created_at')).toBe('2026-05-24T10:31:00Z');
    expect(get(stored.body, 'data')).toEqual(JSON.parse(body));
  });

  test('a tampered body is refused 401 and not stored', async () => {
    const body = vyoraEvent('call_completed');
    const sig = signWebhook('vyora', { rawBody: body, secret: VYORA_SECRET });
    const tampered = body.replace('"completed"', '"failed"');
    const before = await api(t.url, 'GET', '/v1/events?limit=100');
    const res = await postHook(t.url, 'vyora', tampered, { sign: false, headers: { [sig.header]: sig.value } });
    expect(res.status).toBe(401);
    expect(get(res.body, 'error.code')).toBe('signature_mismatch');
    const after = await api(t.url, 'GET', '/v1/events?limit=100');
    expect((get(after.body, 'data') as unknown[]).length).toBe((get(before.body, 'data') as unknown[]).length);
  });

  test('a signature made with another secret is refused 401', async () => {
    const res = await postHook(t.url, 'vyora', vyoraEvent(), { secret: 'some-other-secret-value' });
    expect(res.status).toBe(401);
    expect(get(res.body, 'error.code')).toBe('signature_mismatch');
  });

  test('a missing signature header is refused 401', async () => {
    const res = await postHook(t.url, 'vyora', vyoraEvent(), { sign: false });
    expect(res.status).toBe(401);
    expect(get(res.body, 'error.code')).toBe('missing_signature');
  });

  test('a body over the cap is refused 413, by declared length and when streamed', async () => {
    const big = vyoraEvent('call_completed', { transcript: 'x'.repeat(5000) });
    const declared = await postHook(t.url, 'vyora', big);
    expect(declared.status).toBe(413);
    expect(get(declared.body, 'error.code')).toBe('payload_too_large');

    // Chunked, with no content-length: the cap is enforced while reading.
    const chunks = [big.slice(0, 3000), big.slice(3000)];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
        controller.close();
      },
    });
    const sig = signWebhook('vyora', { rawBody: big, secret: VYORA_SECRET });
    const res = await fetch(`${t.url}/hooks/vyora`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [sig.header]: sig.value },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    await res.text();
  });

  test('a wrong content type is refused 415', async () => {
    const res = await postHook(t.url, 'vyora', vyoraEvent(), { headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
    expect(get(res.body, 'error.code')).toBe('unsupported_media_type');
    const form = await postHook(t.url, 'vyora', vyoraEvent(), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
  });

  test('application/json with a charset is accepted', async () => {
    const res = await postHook(t.url, 'vyora', vyoraEvent(), { headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(res.status).toBe(200);
  });

  test('malformed JSON, correctly signed, is refused 400 and names the reason', async () => {
    const res = await postHook(t.url, 'vyora', '{"event":"call_completed",');
    expect(res.status).toBe(400);
    expect(get(res.body, 'error.code')).toBe('malformed_json');
    const notObject = await postHook(t.url, 'vyora', '[1,2]');
    expect(notObject.status).toBe(400);
    expect(get(notObject.body, 'error.code')).toBe('not_an_object');
    const unknown = await postHook(t.url, 'vyora', vyoraEvent('call_exploded'));
    expect(unknown.status).toBe(400);
    expect(get(unknown.body, 'error.code')).toBe('unknown_event');
  });

  test('the signed body decides the event type: a header that disagrees is refused 400 event_mismatch', async () => {
    const body = vyoraEvent('call_started');
    const before = await api(t.url, 'GET', '/v1/events?limit=100');
    // One captured signed body re-posted under each other event name: none of it is stored.
    for (const other of ['call_completed', 'all_processing_completed']) {
      const res = await postHook(t.url, 'vyora', body, { headers: { 'x-vyora-event': other } });
      expect(res.status).toBe(400);
      expect(get(res.body, 'error.code')).toBe('event_mismatch');
      expect(get(res.body, 'error.message')).toContain(`says "${other}" but the signed body.event says "call_started"`);
    }
    const after = await api(t.url, 'GET', '/v1/events?limit=100');
    expect((get(after.body, 'data') as unknown[]).length).toBe((get(before.body, 'data') as unknown[]).length);
    const agreeing = await postHook(t.url, 'vyora', body, { headers: { 'x-vyora-event': 'call_started' } });
    expect(agreeing.status).toBe(200);
    const stored = await api(t.url, 'GET', `/v1/events/${String(get(agreeing.body, 'id'))}`);
    expect(get(stored.body, 'type')).toBe('vyora.call_started');
    const aila = await postHook(t.url, 'aila', JSON.stringify({ id: 'evt_aila_mismatch', event: 'call.completed', data: {} }), {
      headers: { 'x-aila-event': 'task.created' },
    });
    expect(aila.status).toBe(400);
    expect(get(aila.body, 'error.code')).toBe('event_mismatch');
  });

  test('a duplicate provider event answers 200 with the first id and is stored once', async () => {
    const first = JSON.stringify({ event: 'call_completed', call_id: 'dup-call-1', status: 'completed' });
    // The same Vyora event (event name + call_id) with a different body: still a duplicate.
    const again = JSON.stringify({ event: 'call_completed', call_id: 'dup-call-1', status: 'completed', duration_seconds: 3 });
    const a = await postHook(t.url, 'vyora', first);
    const b = await postHook(t.url, 'vyora', again);
    const c = await postHook(t.url, 'vyora', first);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(get(b.body, 'id')).toBe(get(a.body, 'id'));
    expect(get(c.body, 'id')).toBe(get(a.body, 'id'));
    const stored = await api(t.url, 'GET', `/v1/events/${String(get(a.body, 'id'))}`);
    expect(get(stored.body, 'data')).toEqual(JSON.parse(first));
    const metrics = await fetch(`${t.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/relay_events_duplicate_total\{provider="vyora"\} 2/);
  });

  test('concurrent duplicates in one batch are still stored once', async () => {
    const body = JSON.stringify({ event: 'call_started', call_id: 'dup-burst', status: 'in_progress' });
    const results = await Promise.all(Array.from({ length: 20 }, () => postHook(t.url, 'vyora', body)));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(results.map((r) => get(r.body, 'id'))).size).toBe(1);
    const list = await api(t.url, 'GET', '/v1/events?type=vyora.call_started&limit=100');
    const ids = (get(list.body, 'data') as unknown[]).map((e) => get(e, 'id'));
    expect(ids.filter((id) => id === get(results[0]?.body, 'id'))).toHaveLength(1);
  });

  test('a provider without a configured secret answers 401 saying so', async () => {
    const res = await postHook(t.url, 'ayra', JSON.stringify({ id: 'evt_1', event: 'call.ended', data: {} }), { secret: 'whatever-secret' });
    expect(res.status).toBe(401);
    expect(get(res.body, 'error.code')).toBe('webhook_secret_not_configured');
    expect(get(res.body, 'error.message')).toContain('AYRA_WEBHOOK_SECRET');
    expect(t.logs.join('')).toContain('AYRA_WEBHOOK_SECRET is not set');
  });

  test('an unknown provider, or one without webhooks, answers 404', async () => {
    const res = await fetch(`${t.url}/hooks/nobody`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(404);
    await res.text();
    const ayla = await fetch(`${t.url}/hooks/ayla`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(ayla.status).toBe(404);
    expect(await ayla.json()).toMatchObject({ error: { code: 'no_webhooks' } });
  });

  test('GET on a hook path is 405', async () => {
    const res = await fetch(`${t.url}/hooks/vyora`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    await res.text();
  });

  test('Aila events (assumed scheme) are verified and deduplicated by their id', async () => {
    const body = JSON.stringify({ id: 'evt_aila_1', event: 'call.completed', created_at: '2026-01-02T03:04:05Z', data: { call_id: 'c1' } });
    const a = await postHook(t.url, 'aila', body);
    expect(a.status).toBe(200);
    const b = await postHook(t.url, 'aila', JSON.stringify({ id: 'evt_aila_1', event: 'call.completed', data: {} }));
    expect(get(b.body, 'id')).toBe(get(a.body, 'id'));
    const stored = await api(t.url, 'GET', `/v1/events/${String(get(a.body, 'id'))}`);
    expect(get(stored.body, 'type')).toBe('aila.call.completed');
  });

  test('the webhook secret and signatures never reach the logs', async () => {
    await postHook(t.url, 'vyora', vyoraEvent());
    await postHook(t.url, 'vyora', vyoraEvent(), { secret: 'wrong-secret-value' });
    const logs = t.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(VYORA_SECRET);
    expect(logs).not.toMatch(/sha256=[0-9a-f]{64}/);
  });
});
