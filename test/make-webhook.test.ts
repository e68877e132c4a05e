import { relayFilter, vyora } from '../packages/core/src';
import { callsOfBothKinds } from './support/calls';
import { startParts, RELAY_TOKEN, type Parts } from './support/parts';
import { json, startReceiver, type Received, type Receiver } from './support/receiver';
import { at, relayApi } from './support/relay-api';
import { journey } from './support/steps';

/**
 * Journey 4, a Make-style webhook: what a Make scenario's Custom webhook sees. The
 * subscription carries Make's `x-make-apikey` header and a filter; the relay's test delivery
 * (what "Redetermine data structure" is fed) arrives first with the provider documents' sample;
 * then real calls: only those meeting the filter are delivered, each with the header, as a
 * plain JSON object whose structure the test delivery already showed.
 */

const MAKE_KEY = 'make-webhook-api-key-0123456789';
const MIN_SECONDS = 30;
const TOP_LEVEL = ['created_at', 'data', 'id', 'provider', 'source', 'type'];

/** Every key path of a JSON value, arrays as `[]`: the structure Make learns from a sample. */
function structure(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => structure(v, `${prefix}[]`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${k}` : k;
      out.add(path);
      structure(v, path, out);
    }
  }
  return out;
}

describe('journey 4: a Make-style custom webhook with an API key header and a filter', () => {
  let parts: Parts | undefined;
  let rx: Receiver | undefined;

  afterAll(async () => {
    await rx?.close();
    await parts?.close();
  });

  it("gets the test delivery's structure first, then only the calls that meet the filter, each with the key", async () => {
    const j = journey('make');
    parts = await j.step('start the sandbox and a relay wired to it', () => startParts());
    const { sandbox, relayUrl } = parts;
    const api = relayApi(relayUrl, RELAY_TOKEN);
    // Make answers 401 to a custom webhook request without its API key.
    rx = await startReceiver((r) => (r.headers['x-make-apikey'] === MAKE_KEY ? { status: 200, body: 'Accepted' } : { status: 401, body: 'Unauthorized' }));
    const receiver = rx;
    const built = relayFilter(vyora, { min_duration_seconds: MIN_SECONDS });
    if (!built.ok || !built.filter) throw new Error('core built no filter');
    const filter = built.filter;

    const sub = await j.step("subscribe the webhook with Make's x-make-apikey header and a filter", async () => {
      const body = await api.must(
        'POST',
        '/v1/subscriptions',
        { target_url: `${receiver.url}/make/hook`, events: ['vyora.all_processing_completed'], headers: { 'x-make-apikey': MAKE_KEY }, filter, description: 'Make: calls of 30 s or more' },
        201,
      );
      expect(body).toMatchObject({ headers: { 'x-make-apikey': '********' }, filter, status: 'active' });
      return String(body['id']);
    });

    const sample = await j.step('send the test delivery that Make determines the data structure from', async () => {
      const accepted = await api.must('POST', `/v1/subscriptions/${sub}/test`, { type: 'vyora.all_processing_completed' }, 202);
      expect(accepted).toEqual({ event_id: expect.stringMatching(/^evt_/), delivery_id: expect.any(Number) });
      const r = await receiver.waitFor((x) => x.body.includes('"test":true'), 'the test delivery');
      const body = json(r);
      expect(body).toMatchObject({ id: accepted['event_id'], type: 'vyora.all_processing_completed', provider: 'vyora', test: true });
      expect(r.headers['x-make-apikey']).toBe(MAKE_KEY);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      return body;
    });

    const calls = await j.step(`make calls until one lasts ${MIN_SECONDS} s or more and one does not`, () => callsOfBothKinds(api, sandbox, { minDurationSeconds: MIN_SECONDS }));
    j.note(`${calls.length} calls: ${calls.map((c) => `${c.durationSeconds} s${c.meets ? '' : ' (filtered out)'}`).join(', ')}`);
    const wanted = calls.filter((c) => c.meets).map((c) => c.id).sort();

    const deliveries = await j.step('only the calls that meet the filter are delivered, each with the key', async () => {
      const real = (r: Received): boolean => !r.body.includes('"test":true');
      const got = await receiver.waitForCount(real, wanted.length, 'the filtered deliveries');
      await sandbox.settle(5_000);
      const listed = await api.must('GET', `/v1/deliveries?subscription_id=${sub}`, undefined, 200);
      expect((listed['data'] as Array<Record<string, unknown>>).map((d) => d['state'])).toEqual(new Array(wanted.length + 1).fill('succeeded'));
      expect(got.map((r) => String(at(json(r), 'data.call_id'))).sort()).toEqual(wanted);
      for (const r of got) expect(r.headers['x-make-apikey']).toBe(MAKE_KEY);
      return got.map(json);
    });

    await j.step('each is one plain JSON object whose structure the test delivery showed', () => {
      const known = structure(sample);
      for (const body of deliveries) {
        expect(Object.keys(body).sort()).toEqual(TOP_LEVEL);
        expect(typeof body['data']).toBe('object');
        expect([...structure(body)].filter((p) => !known.has(p))).toEqual([]);
      }
    });

    await j.step('the relay counted the filtered-out events', async () => {
      const text = await (await fetch(`${relayUrl}/metrics`)).text();
      const counted = [...text.matchAll(/^relay_events_filtered_total(?:\{[^}]*\})? (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
      expect(counted).toBe(calls.length - wanted.length);
    });
  });
});
