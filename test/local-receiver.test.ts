import { Webhook } from 'standardwebhooks';
import { startParts, RELAY_TOKEN, type Parts } from './support/parts';
import { json, startReceiver, type Received, type Receiver } from './support/receiver';
import { at, relayApi } from './support/relay-api';
import { journey } from './support/steps';

/**
 * Journey 1, a local receiver: a call is triggered through the relay's action route (as a
 * Make HTTP module would), the sandbox's three signed Vyora webhooks reach the relay, and a
 * subscriber checks every delivery with the official standardwebhooks package. The call's
 * analysis arrives in all_processing_completed, equal to what Vyora's API says afterwards.
 */

describe('journey 1: a sandbox call through the relay to a local receiver', () => {
  let parts: Parts | undefined;
  let receiver: Receiver | undefined;

  afterAll(async () => {
    await receiver?.close();
    await parts?.close();
  });

  it('delivers call_started, call_completed and all_processing_completed, signed, with the analysis', async () => {
    const j = journey('local receiver');
    parts = await j.step('start the sandbox and a relay on SQLite wired to it', () => startParts());
    const { sandbox, relayUrl } = parts;
    const api = relayApi(relayUrl, RELAY_TOKEN);
    receiver = await startReceiver();
    const rx = receiver;

    const sub = await j.step('subscribe the local receiver to vyora.*', async () => {
      const body = await api.must('POST', '/v1/subscriptions', { target_url: `${rx.url}/calls`, events: ['vyora.*'] }, 201);
      expect(body['secret']).toMatch(/^whsec_/);
      return { id: String(body['id']), secret: String(body['secret']) };
    });
    const verifier = new Webhook(sub.secret);

    const callId = await j.step('trigger a call through POST /v1/actions/vyora/calls.trigger', async () => {
      const body = await api.must(
        'POST',
        '/v1/actions/vyora/calls.trigger',
        { phone_number: '+919876543210', agent_name: 'Home Loan Agent', custom_args: { name: 'Rahul Sharma', product: 'Home Loan' } },
        200,
      );
      expect(body['call_id']).toEqual(expect.any(String));
      return String(body['call_id']);
    });

    const deliveryOf = (type: string) => (r: Received) => r.headers['webhook-id'] !== undefined && r.body.includes(`"type":"${type}"`) && r.body.includes(callId);
    const verified = (r: Received): Record<string, unknown> => {
      // Throws unless the signature, id and timestamp check out over the raw body.
      verifier.verify(r.body, r.headers);
      return json(r);
    };

    const stages = [
      ['in_progress', 'vyora.call_started'],
      ['completed', 'vyora.call_completed'],
      ['processed', 'vyora.all_processing_completed'],
    ] as const;
    const bodies: Record<string, Record<string, unknown>> = {};
    for (const [stage, type] of stages) {
      await j.step(`advance the call to ${stage}: the sandbox signs ${type.slice(6)} to the relay`, () => {
        sandbox.calls.advance(callId, stage);
      });
      bodies[type] = await j.step(`the relay delivers ${type}, verified with standardwebhooks`, async () => {
        const r = await rx.waitFor(deliveryOf(type), `${type} for ${callId}`);
        const body = verified(r);
        expect(body).toMatchObject({ type, provider: 'vyora', source: 'default', data: { call_id: callId } });
        expect(r.headers['webhook-id']).toBe(body['id']);
        expect(r.headers['content-type']).toMatch(/^application\/json/);
        return body;
      });
    }

    await j.step('the sandbox saw a 200 from the relay for each of its three webhooks', async () => {
      expect(await sandbox.settle(5_000)).toBe(true);
      const mine = sandbox.deliveries().filter((d) => d.provider === 'vyora' && d.body.includes(callId));
      expect(mine.map((d) => d.event)).toEqual(['call_started', 'call_completed', 'all_processing_completed']);
      for (const d of mine) expect(d.attempts.at(-1)?.status).toBe(200);
    });

    await j.step("the analysis in all_processing_completed is the call's analysis as Vyora's API reports it", async () => {
      const call = await api.must('POST', '/v1/actions/vyora/calls.get', { call_id: callId }, 200);
      const analysis = at(bodies['vyora.all_processing_completed'], 'data.analysis');
      expect(analysis).toEqual({ summary: expect.any(String), classification: expect.any(String) });
      expect(analysis).toEqual(call['analysis']);
      expect(at(bodies['vyora.call_completed'], 'data.duration_seconds')).toBe(call['duration_seconds']);
      expect(at(bodies['vyora.all_processing_completed'], 'data.custom_args')).toEqual({ name: 'Rahul Sharma', product: 'Home Loan' });
    });

    await j.step('a tampered copy of a delivery fails the same check', () => {
      const r = rx.received.find(deliveryOf('vyora.all_processing_completed')) as Received;
      expect(() => verifier.verify(r.body.replace(callId, 'forged_call'), r.headers)).toThrow();
    });

    await j.step("the relay's record: three events for the call, each delivered once and succeeded", async () => {
      const listed = await api.must('GET', '/v1/events?provider=vyora&limit=50', undefined, 200);
      const events = (listed['data'] as Array<Record<string, unknown>>).filter((e) => at(e, 'data.call_id') === callId);
      expect(events.map((e) => e['type']).sort()).toEqual(stages.map(([, t]) => t).sort());
      for (const e of events) {
        const detail = await api.must('GET', `/v1/events/${String(e['id'])}`, undefined, 200);
        expect(detail['deliveries']).toEqual([expect.objectContaining({ subscription_id: sub.id, state: 'succeeded' })]);
      }
      expect(rx.received).toHaveLength(3);
    });
  });
});
