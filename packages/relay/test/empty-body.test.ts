import { api, get, postHook, startTestRelay, vyoraEvent, type TestRelay } from './support/harness';

/**
 * `curl -X POST -H 'content-type: application/json' …/replay` and clients that always send
 * that header send no body for a POST whose fields are all optional. That is no body, not
 * malformed JSON.
 */
let t: TestRelay;
beforeAll(async () => (t = await startTestRelay()));
afterAll(() => t.close());

const emptyJsonPost = (path: string): ReturnType<typeof api> =>
  api(t.url, 'POST', path, undefined, { headers: { 'content-type': 'application/json', 'content-length': '0' } });

describe('a POST with a JSON content type and no body', () => {
  test('replays an event, as it would with {}', async () => {
    const ingest = await postHook(t.url, 'vyora', vyoraEvent());
    const id = get(ingest.body, 'id') as string;
    const r = await emptyJsonPost(`/v1/events/${id}/replay`);
    expect([r.status, r.body]).toEqual([202, { replayed: 0, skipped: 0 }]);
  });

  test('replays deliveries in bulk with the default filter', async () => {
    const r = await emptyJsonPost('/v1/deliveries/replay');
    expect([r.status, r.body]).toEqual([202, { replayed: 0, skipped: 0 }]);
  });

  test('is still refused, naming the body, where a body is required', async () => {
    const r = await emptyJsonPost('/v1/subscriptions');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: 'validation_error', details: [{ field: '(body)' }] } });
  });

  test('a body that is there but not JSON is still malformed', async () => {
    const r = await api(t.url, 'POST', '/v1/deliveries/replay', undefined, { headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(202);
    const bad = await fetch(`${t.url}/v1/deliveries/replay`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token-0123456789', 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'malformed_json' } });
  });
});
