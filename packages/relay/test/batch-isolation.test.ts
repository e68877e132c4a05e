import { get, postHook, api, startTestRelay, vyoraEvent, type TestRelay } from './support/harness';

/**
 * One poisonous webhook in a group-commit batch: before, a signed body nested ~5,000 deep
 * made admission throw, and every webhook committed with it got 503 (bad signatures too).
 */
let t: TestRelay;
beforeAll(async () => {
  t = await startTestRelay();
});
afterAll(async () => {
  await t.close();
});

test('valid webhooks sent in the same tick as a deeply nested one are stored; bad signatures still get 401', async () => {
  const deep = JSON.stringify({ event: 'call_completed', call_id: 'poison' }).replace(/}$/, `,"x":${'['.repeat(5000)}${']'.repeat(5000)}}`);
  const valid = Array.from({ length: 30 }, () => vyoraEvent());
  const [poison, ...rest] = await Promise.all([
    postHook(t.url, 'vyora', deep),
    ...valid.map((b) => postHook(t.url, 'vyora', b)),
    ...Array.from({ length: 5 }, () => postHook(t.url, 'vyora', vyoraEvent(), { secret: 'not-the-secret' })),
  ]);
  expect(poison?.status).toBe(400);
  expect(get(poison?.body, 'error.code')).toBe('too_deeply_nested');
  const good = rest.slice(0, 30);
  const forged = rest.slice(30);
  expect(good.map((r) => r.status)).toEqual(valid.map(() => 200));
  expect(forged.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
  for (const r of good) {
    const stored = await api(t.url, 'GET', `/v1/events/${String(get(r.body, 'id'))}`);
    expect(stored.status).toBe(200);
  }
});

test('RELAY_MAX_JSON_DEPTH sets the limit', async () => {
  const own = await startTestRelay({ RELAY_MAX_JSON_DEPTH: '3' });
  try {
    const within = await postHook(own.url, 'vyora', vyoraEvent('call_completed', { a: { b: [1] } }));
    expect(within.status).toBe(200);
    const over = await postHook(own.url, 'vyora', vyoraEvent('call_completed', { a: { b: [[1]] } }));
    expect(over.status).toBe(400);
    expect(get(over.body, 'error')).toEqual({ code: 'too_deeply_nested', message: 'body: objects and arrays may nest at most 3 levels deep' });
  } finally {
    await own.close();
  }
});
