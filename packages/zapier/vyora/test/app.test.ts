import { standardWebhookHeaders, vyora } from '@callbridge/core';
import { MAX_WAIT_SECONDS, waitInput } from '../../common/src/actions';
import nock from 'nock';
import app from '../src/index';
import { labels, rejection, runner, useNock, zapierHeaders } from '../../common/test-support/harness';

/**
 * The Vyora app against a mocked Vyora API and a mocked relay: authentication, every create,
 * search and trigger, errors in Zapier's terms, and the relay-backed instant triggers.
 */

const API = 'https://api.vyora.ai';
const RELAY = 'https://relay.example.com';
const KEY = 'vya_live_test_key_0123456789';
const TOKEN = 'relay-token-0123456789abcdef';
const authData = { api_key: KEY };
const relayAuth = { api_key: KEY, relay_url: RELAY, relay_token: TOKEN };

const run = runner(app);

const call = {
  call_id: 'abc123xyz',
  agent_id: 'def456',
  agent_name: 'Home Loan Agent',
  phone_number: '+919876543210',
  status: 'completed',
  analysis: { summary: 'Interested.', classification: 'Interested' },
  called_at: '2026-05-24T10:30:00Z',
};

describe('Vyora Zapier app', () => {
  useNock();

  it('offers the steps Vyora users look for', () => {
    expect(labels(app)).toMatchObject({
      'creates.calls_trigger': 'Trigger Call',
      'searches.calls_get': 'Find Call',
      'searches.agents_list': 'Find Agent',
      'triggers.agents_list': 'New Agent',
      'triggers.call_started': 'Call Started',
      'triggers.call_completed': 'Call Completed',
      'triggers.all_processing_completed': 'Analysis Ready',
    });
  });

  describe('authentication', () => {
    it('tests the key with one agent, sends it as X-API-KEY, and labels the connection without it', async () => {
      nock(API, { reqheaders: { 'x-api-key': KEY } })
        .get('/v1/agents')
        .query({ limit: '1' })
        .reply(200, { agents: [{ id: 'a1', name: 'Home Loan Agent' }], total: 7, limit: 1, offset: 0 });
      const result = await run('authentication.test', { authData });
      expect(result).toMatchObject({ total: 7 });
      const label = await run('authentication.connectionLabel', { authData, inputData: result });
      expect(label).toBe('Vyora · 7 agents');
      expect(String(label)).not.toContain(KEY.slice(4));
    });

    it('turns a rejected key into an authentication error that says where the key is', async () => {
      nock(API).get('/v1/agents').query(true).reply(401, { error: 'Invalid API key' });
      const err = await rejection(() => run('authentication.test', { authData }));
      expect(err.name).toBe('ExpiredAuthError');
      expect(err.message).toContain('Vyora rejected the API key');
      expect(err.message).toContain('Settings → Integrations');
      expect(err.message).not.toContain(KEY);
    });

    it('names the missing relay field when only one is filled in', async () => {
      nock(API).get('/v1/agents').query(true).reply(200, { agents: [], total: 0 });
      const err = await rejection(() => run('authentication.test', { authData: { api_key: KEY, relay_url: RELAY } }));
      expect(err.code).toBe('relay_misconfigured');
      expect(err.message).toContain('Relay Token is required');
    });

    it('checks the relay token too, and shows the relay in the label', async () => {
      nock(API).get('/v1/agents').query(true).reply(200, { agents: [], total: 0 });
      nock(RELAY, { reqheaders: { authorization: `Bearer ${TOKEN}` } }).get('/v1/subscriptions').query({ limit: '1' }).reply(200, { data: [] });
      const result = await run('authentication.test', { authData: relayAuth });
      const label = await run('authentication.connectionLabel', { authData: relayAuth, inputData: result });
      expect(label).toBe('Vyora · 0 agents · relay relay.example.com');
    });

    it('reports a relay token the relay refuses as an authentication error', async () => {
      nock(API).get('/v1/agents').query(true).reply(200, { agents: [], total: 0 });
      nock(RELAY).get('/v1/subscriptions').query(true).reply(401, { error: { code: 'unauthorized', message: 'bad token' } });
      const err = await rejection(() => run('authentication.test', { authData: relayAuth }));
      expect(err.name).toBe('ExpiredAuthError');
      expect(err.message).toContain('rejected the Relay Token');
    });
  });

  describe('Trigger Call', () => {
    it('sends custom arguments entered as line items as one object, with an idempotency key', async () => {
      let sent: unknown;
      nock(API, { reqheaders: { 'x-api-key': KEY, 'idempotency-key': /.+/ } })
        .post('/v1/calls', (body: unknown) => {
          sent = body;
          return true;
        })
        .reply(200, { call_id: 'abc123xyz', status: 'registered' });
      const result = await run('creates.calls_trigger.operation.perform', {
        authData,
        inputData: {
          phone_number: '+919876543210',
          agent_name: 'Home Loan Agent',
          custom_args: [
            { custom_args_key: 'name', custom_args_value: 'Rahul Sharma' },
            { custom_args_key: 'product', custom_args_value: 'Home Loan' },
          ],
        },
      });
      expect(sent).toEqual({ phone_number: '+919876543210', agent_name: 'Home Loan Agent', custom_args: { name: 'Rahul Sharma', product: 'Home Loan' } });
      expect(result).toEqual({ id: 'abc123xyz', call_id: 'abc123xyz', status: 'registered' });
    });

    it('rejects a bad phone number before any request, naming the field', async () => {
      const err = await rejection(() => run('creates.calls_trigger.operation.perform', { authData, inputData: { phone_number: '98765 43210' } }));
      expect(err.code).toBe('validation_error');
      expect(err.message).toContain('Phone Number (phone_number) must be an E.164 phone number');
    });

    it("keeps Vyora's error code and message", async () => {
      nock(API).post('/v1/calls').reply(402, { error: 'Insufficient credits' });
      const err = await rejection(() => run('creates.calls_trigger.operation.perform', { authData, inputData: { phone_number: '+919876543210' } }));
      expect(err).toMatchObject({ code: 'insufficient_credits', status: 402 });
      expect(err.message).toContain('Insufficient credits');
    });
  });

  describe('throttling', () => {
    it('turns a 429 into ThrottledError with the wait Vyora asked for, without sleeping on it', async () => {
      const scope = nock(API).post('/v1/calls').reply(429, { error: 'Too many requests' }, { 'retry-after': '30' });
      const started = Date.now();
      const err = await rejection(() => run('creates.calls_trigger.operation.perform', { authData, inputData: { phone_number: '+919876543210' } }));
      expect(err).toMatchObject({ name: 'ThrottledError', delay: 30 });
      expect(scope.isDone()).toBe(true);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('retries once after a short wait, and no more', async () => {
      nock(API).get('/v1/calls/abc123xyz').times(2).reply(429, { error: 'Too many requests' }, { 'retry-after': '0' });
      const err = await rejection(() => run('searches.calls_get.operation.perform', { authData, inputData: { call_id: 'abc123xyz' } }));
      expect(err.name).toBe('ThrottledError');
      nock(API).get('/v1/calls/abc123xyz').reply(429, {}, { 'retry-after': '0' }).get('/v1/calls/abc123xyz').reply(200, call);
      const found = await run('searches.calls_get.operation.perform', { authData, inputData: { call_id: 'abc123xyz' } });
      expect(found).toEqual([{ id: 'abc123xyz', ...call }]);
    });
  });

  describe('Find Call', () => {
    it('finds a call by id, with the call id as its id', async () => {
      nock(API).get('/v1/calls/abc123xyz').reply(200, call);
      await expect(run('searches.calls_get.operation.perform', { authData, inputData: { call_id: 'abc123xyz' } })).resolves.toEqual([{ id: 'abc123xyz', ...call }]);
    });

    it('returns no result for a call Vyora does not know', async () => {
      nock(API).get('/v1/calls/nope').reply(404, { error: 'Call not found' });
      await expect(run('searches.calls_get.operation.perform', { authData, inputData: { call_id: 'nope' } })).resolves.toEqual([]);
    });

    it('can wait until the analysis is ready', async () => {
      nock(API)
        .get('/v1/calls/abc123xyz')
        .reply(200, { ...call, status: 'in_progress', analysis: null })
        .get('/v1/calls/abc123xyz')
        .reply(200, call);
      const result = await run('searches.calls_get.operation.perform', {
        authData,
        inputData: { call_id: 'abc123xyz', wait_for_analysis: true, interval_seconds: 0.1 },
      });
      expect(result).toEqual([{ id: 'abc123xyz', ...call }]);
    });

    it('gives up waiting with a clear error when the analysis does not come in time', async () => {
      // Polls at 0, 0.4 and 0.8 s; a fourth at 1.2 s would pass the 1 s timeout.
      nock(API).get('/v1/calls/abc123xyz').times(3).reply(200, { ...call, status: 'in_progress', analysis: null });
      const err = await rejection(() =>
        run('searches.calls_get.operation.perform', {
          authData,
          inputData: { call_id: 'abc123xyz', wait_for_analysis: 'true', interval_seconds: 0.4, timeout_seconds: 1 },
        }),
      );
      expect(err.code).toBe('poll_timeout');
      expect(err.message).toContain('gave up after 1 s');
    });

    it('never waits longer than Zapier allows a step', () => {
      const wait = app.searches.calls_get?.operation.inputFields as Array<{ key: string; label?: string }>;
      expect(wait.map((f) => [f.key, f.label])).toEqual([
        ['call_id', 'Call ID'],
        ['wait_for_analysis', 'Wait for Analysis'],
        ['timeout_seconds', 'Timeout (Seconds)'],
      ]);
      expect(waitInput(vyora, { inputData: { call_id: 'c1', timeout_seconds: '600' } } as never, vyora.operations['calls.waitForAnalysis'])).toEqual({
        call_id: 'c1',
        timeout_seconds: MAX_WAIT_SECONDS,
      });
      expect(MAX_WAIT_SECONDS).toBeLessThan(30);
    });
  });

  describe('agents', () => {
    const agents = [
      { id: 'a1', name: 'Home Loan Agent', language: 'hi-IN', agent_type: 'outbound' },
      { id: 'a2', name: 'Admission Enquiry', language: 'en-IN', agent_type: 'outbound' },
    ];

    it('Find Agent returns the listed agents', async () => {
      nock(API).get('/v1/agents').query({ limit: '10' }).reply(200, { agents, total: 2, limit: 10, offset: 0 });
      await expect(run('searches.agents_list.operation.perform', { authData, inputData: { limit: 10 } })).resolves.toEqual(agents);
    });

    it('New Agent polls the largest page and returns each agent once', async () => {
      nock(API).get('/v1/agents').query({ limit: '100', offset: '0' }).reply(200, { agents: [...agents, agents[0]], total: 2 });
      await expect(run('triggers.agents_list.operation.perform', { authData, inputData: {} })).resolves.toEqual(agents);
    });

    it('fills the agent dropdown a page at a time', async () => {
      nock(API).get('/v1/agents').query({ limit: '100', offset: '100' }).reply(200, { agents: [agents[1]], total: 101 });
      const result = await run('triggers.agents_list.operation.perform', { authData, meta: { isFillingDynamicDropdown: true, page: 1 } });
      expect(result).toEqual([agents[1]]);
      const fields = app.creates.calls_trigger?.operation.inputFields as Array<{ key: string; dynamic?: string }>;
      expect(fields.find((f) => f.key === 'agent_id')?.dynamic).toBe('agents_list.id.name');
      expect(fields.find((f) => f.key === 'agent_name')?.dynamic).toBe('agents_list.name.name');
    });
  });

  describe('instant triggers through the relay', () => {
    const trigger = 'triggers.call_completed.operation';
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const delivery = {
      id: 'evt_0123456789abcdefghjkmnpqrs',
      type: 'vyora.call_completed',
      provider: 'vyora',
      created_at: '2026-05-24T10:31:15Z',
      data: { event: 'call_completed', ...call },
    };
    const signed = (body: string, key = secret, at = Math.floor(Date.now() / 1000)): Record<string, string> =>
      zapierHeaders({ 'content-type': 'application/json', ...standardWebhookHeaders({ id: delivery.id, timestamp: at, body, secret: key }) });

    it('explains that instant triggers need a relay when the connection has none', async () => {
      const err = await rejection(() => run(`${trigger}.performSubscribe`, { authData, targetUrl: 'https://hooks.zapier.com/h/1' }));
      expect(err.code).toBe('relay_not_configured');
      expect(err.message).toContain('Relay URL and Relay Token');
    });

    it('subscribes the hook URL to its one event type and keeps the signing secret', async () => {
      let sent: unknown;
      nock(RELAY, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
        .post('/v1/subscriptions', (body: unknown) => {
          sent = body;
          return true;
        })
        .reply(201, { id: 'sub_1', secret, target_url: 'https://hooks.zapier.com/h/1', events: ['vyora.call_completed'], created_at: '2026-05-24T10:00:00Z' });
      const data = await run(`${trigger}.performSubscribe`, { authData: relayAuth, targetUrl: 'https://hooks.zapier.com/h/1' });
      expect(sent).toEqual({ target_url: 'https://hooks.zapier.com/h/1', events: ['vyora.call_completed'] });
      expect(data).toEqual({ id: 'sub_1', secret });
    });

    describe('filters', () => {
      const analysis = 'triggers.all_processing_completed.operation';
      const fieldsOf = (key: string): unknown[] =>
        ((app.triggers as Record<string, { operation: { inputFields?: Array<{ key: string }> } }>)[key]?.operation.inputFields ?? []).map((f) => f.key);

      it('offers only the filters its event carries', () => {
        expect(fieldsOf('all_processing_completed')).toEqual(['classifications', 'min_duration_seconds']);
        expect(fieldsOf('call_completed')).toEqual(['min_duration_seconds']);
        expect(fieldsOf('call_started')).toEqual([]);
      });

      it('subscribes with the relay filter the fields ask for', async () => {
        const filter = { 'data.analysis.classification': { $in: ['Interested', 'Callback Requested'] }, 'data.duration_seconds': { $gte: 30 } };
        nock(RELAY, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
          .post('/v1/subscriptions', { target_url: 'https://hooks.zapier.com/h/2', events: ['vyora.all_processing_completed'], filter })
          .reply(201, { id: 'sub_f', secret, filter });
        const inputData = { classifications: ['Interested', 'Callback Requested'], min_duration_seconds: 30 };
        await expect(run(`${analysis}.performSubscribe`, { authData: relayAuth, targetUrl: 'https://hooks.zapier.com/h/2', inputData })).resolves.toEqual({ id: 'sub_f', secret });
      });

      it('refuses a bad filter value by its label, sending nothing', async () => {
        const err = await rejection(() => run(`${analysis}.performSubscribe`, { authData: relayAuth, targetUrl: 'https://hooks.zapier.com/h/2', inputData: { min_duration_seconds: 'soon' } }));
        expect(err).toMatchObject({ code: 'invalid_filter', status: 400, message: 'Minimum Duration (Seconds) must be a number of at least 0 (got "soon")' });
      });
    });

    it('unsubscribes, and treats a subscription already gone as unsubscribed', async () => {
      nock(RELAY).delete('/v1/subscriptions/sub_1').reply(204).delete('/v1/subscriptions/sub_2').reply(404, { error: { code: 'not_found', message: 'no subscription sub_2' } });
      await expect(run(`${trigger}.performUnsubscribe`, { authData: relayAuth, subscribeData: { id: 'sub_1' } })).resolves.toEqual({ id: 'sub_1', deleted: true });
      await expect(run(`${trigger}.performUnsubscribe`, { authData: relayAuth, subscribeData: { id: 'sub_2' } })).resolves.toEqual({ id: 'sub_2', deleted: false });
    });

    it('passes a delivery the relay signed', async () => {
      const body = JSON.stringify(delivery);
      const result = await run(`${trigger}.perform`, { subscribeData: { id: 'sub_1', secret }, rawRequest: { headers: signed(body), content: body }, cleanedRequest: delivery });
      expect(result).toEqual([delivery]);
    });

    it('rejects a forged delivery: wrong secret, altered body, no signature, or too old', async () => {
      const body = JSON.stringify(delivery);
      const forged = await rejection(() =>
        run(`${trigger}.perform`, { subscribeData: { secret }, rawRequest: { headers: signed(body, 'whsec_dGhpcyBpcyBub3QgdGhlIHNlY3JldCEhISE='), content: body } }),
      );
      expect(forged).toMatchObject({ code: 'signature_mismatch', status: 401 });
      const altered = await rejection(() =>
        run(`${trigger}.perform`, { subscribeData: { secret }, rawRequest: { headers: signed(body), content: body.replace('Interested.', 'Not interested.') } }),
      );
      expect(altered.code).toBe('signature_mismatch');
      const unsigned = await rejection(() => run(`${trigger}.perform`, { subscribeData: { secret }, rawRequest: { headers: {}, content: body } }));
      expect(unsigned.code).toBe('missing_signature');
      const stale = await rejection(() =>
        run(`${trigger}.perform`, { subscribeData: { secret }, rawRequest: { headers: signed(body, secret, Math.floor(Date.now() / 1000) - 3600), content: body } }),
      );
      expect(stale.code).toBe('timestamp_out_of_tolerance');
    });

    it("keeps the relay source the event came from, and a test delivery's flag", async () => {
      const body = JSON.stringify({ ...delivery, source: 'src_clientA', test: true });
      const result = await run(`${trigger}.perform`, { subscribeData: { id: 'sub_1', secret }, rawRequest: { headers: signed(body), content: body } });
      expect(result).toEqual([{ ...delivery, source: 'src_clientA', test: true }]);
    });

    it('ignores a signed delivery of another event type', async () => {
      const other = JSON.stringify({ ...delivery, type: 'vyora.call_started' });
      await expect(run(`${trigger}.perform`, { subscribeData: { secret }, rawRequest: { headers: signed(other), content: other } })).resolves.toEqual([]);
    });

    it("lists recent events from the relay in the delivery's shape", async () => {
      nock(RELAY)
        .get('/v1/events')
        .query({ provider: 'vyora', type: 'vyora.call_completed', limit: '10' })
        .reply(200, { data: [{ ...delivery, received_at: '2026-05-24T10:31:16Z' }], next_cursor: null });
      await expect(run(`${trigger}.performList`, { authData: relayAuth })).resolves.toEqual([delivery]);
    });
  });
});
