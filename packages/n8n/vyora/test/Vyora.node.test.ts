import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { NodeApiError, NodeOperationError, type INodeProperties } from 'n8n-workflow';
import { vyora } from '@callbridge/core';
import { executeContext, loadOptionsContext, runCredentialTest, runExecute, type Credentials } from '../../common/test/contexts';
import { describeEveryOperation } from '../../common/test/every-operation';
import { fixture } from '../../common/test/fixtures';
import { useHttpMocks, useInstantSleep } from '../../common/test/setup';
import { VyoraApi } from '../credentials/VyoraApi.credentials';
import { Vyora } from '../nodes/Vyora/Vyora.node';

const API = 'https://api.vyora.ai';
const KEY = 'vya_test_key_123';

const credentials: Credentials = {
  types: [new VyoraApi()],
  data: { vyoraApi: { apiKey: KEY, baseUrl: API, webhookSecret: '' } },
};

const node = new Vyora();

function api() {
  return nock(API, { reqheaders: { 'x-api-key': KEY } });
}

function agents(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({ id: `agent-${from + i}`, name: `Agent ${from + i}`, language: 'en-IN', agent_type: 'outbound' }));
}

function prop(name: string, operation: string): INodeProperties | undefined {
  return node.description.properties.find((p) => p.name === name && p.displayOptions?.show?.['operation']?.includes(operation));
}

useHttpMocks();
const sleeps = useInstantSleep();

describeEveryOperation(vyora, node, credentials, API);

describe('Vyora node description', () => {
  it('offers core resources and actions by their core names, usable as an AI tool', () => {
    const resource = node.description.properties.find((p) => p.name === 'resource');
    expect(resource?.options?.map((o) => ('value' in o ? o.value : null))).toEqual(['agents', 'calls']);
    const callOps = node.description.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.['resource']?.includes('calls'));
    expect(callOps?.options?.map((o) => ('value' in o ? o.value : null)).sort()).toEqual(['get', 'trigger', 'waitForAnalysis']);
    expect(node.description.usableAsTool).toBe(true);
    expect(prop('phone_number', 'trigger')).toMatchObject({ displayName: 'Phone Number', required: true, type: 'string' });
    const extra = prop('additionalFields', 'trigger');
    expect(extra?.options?.map((o) => o.name).sort()).toEqual(['agent_id', 'agent_name', 'custom_args']);
  });

  it('puts custom_args in key/value pairs and list agents in dropdowns', () => {
    const extra = prop('additionalFields', 'trigger');
    const custom = extra?.options?.find((o) => o.name === 'custom_args') as INodeProperties | undefined;
    expect(custom?.type).toBe('fixedCollection');
    const agentId = extra?.options?.find((o) => o.name === 'agent_id') as INodeProperties | undefined;
    expect(agentId).toMatchObject({ displayName: 'Agent Name or ID', typeOptions: { loadOptionsMethod: 'agentsListId' } });
    // agent_name takes the name itself: a text field, not a second dropdown of the same agents.
    const agentName = extra?.options?.find((o) => o.name === 'agent_name') as INodeProperties | undefined;
    expect(agentName).toMatchObject({ displayName: 'Agent Name', type: 'string' });
    expect(Object.keys(node.methods.loadOptions)).toEqual(['agentsListId']);
  });

  it('replaces paging fields with Return All and Limit on list operations', () => {
    expect(prop('returnAll', 'list')).toMatchObject({ type: 'boolean', default: false });
    expect(prop('limit', 'list')).toMatchObject({ type: 'number', default: 50 });
    expect(prop('offset', 'list')).toBeUndefined();
  });
});

describe('Vyora calls.trigger', () => {
  it('sends the call with the key from the credential and core field names', async () => {
    const body = fixture<Record<string, unknown>>('vyora', 'calls.trigger.request');
    const response = fixture<Record<string, unknown>>('vyora', 'calls.trigger');
    let idempotencyKey: string | undefined;
    api()
      .post('/v1/calls', (b: Record<string, unknown>) => {
        expect(b).toEqual({ phone_number: '+919876543210', agent_name: 'Home Loan Agent', custom_args: { name: 'Rahul Sharma', product: 'Home Loan' } });
        return true;
      })
      .reply(function () {
        idempotencyKey = this.req.headers['idempotency-key'] as string | undefined;
        return [200, response];
      });
    const out = await runExecute({
      node,
      credentials,
      parameters: {
        resource: 'calls',
        operation: 'trigger',
        phone_number: body['phone_number'],
        additionalFields: {
          agent_name: 'Home Loan Agent',
          custom_args: { pairs: [{ name: 'name', value: 'Rahul Sharma' }, { name: 'product', value: 'Home Loan' }] },
        },
      },
    });
    expect(out).toEqual([{ json: response, pairedItem: { item: 0 } }]);
    expect(idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses an invalid phone number before any request, naming the field', async () => {
    const run = runExecute({ node, credentials, parameters: { resource: 'calls', operation: 'trigger', phone_number: '98765' } });
    await expect(run).rejects.toBeInstanceOf(NodeOperationError);
    await expect(run).rejects.toThrow(/phone_number: must be an E\.164 phone number/);
  });

  it('refuses a custom argument given twice instead of dropping one', async () => {
    const run = runExecute({
      node,
      credentials,
      parameters: {
        resource: 'calls',
        operation: 'trigger',
        phone_number: '+919876543210',
        additionalFields: { custom_args: { pairs: [{ name: 'a', value: '1' }, { name: 'a', value: '2' }] } },
      },
    });
    await expect(run).rejects.toThrow(/custom_args\.a: is given twice/);
  });

  it("raises the provider's error as NodeApiError with its code and message", async () => {
    api().post('/v1/calls').reply(402, fixture('vyora', 'error.insufficient_credits'));
    const err = await runExecute({ node, credentials, parameters: { resource: 'calls', operation: 'trigger', phone_number: '+919876543210' } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NodeApiError);
    const apiError = err as NodeApiError;
    expect(apiError.message).toBe('Insufficient credits');
    expect(apiError.description).toContain('insufficient_credits');
    expect(apiError.httpCode).toBe('402');
    expect(apiError.context['itemIndex']).toBe(0);
  });

  it('with Continue On Fail, turns each failing item into its own error item and runs the rest', async () => {
    api().post('/v1/calls', { phone_number: '+919876543210' }).reply(200, { call_id: 'c1', status: 'registered' });
    api().post('/v1/calls', { phone_number: '+919876543211' }).reply(402, { error: 'Insufficient credits' });
    const out = await runExecute({
      node,
      credentials,
      continueOnFail: true,
      parameters: [
        { resource: 'calls', operation: 'trigger', phone_number: '+919876543210' },
        { resource: 'calls', operation: 'trigger', phone_number: '+919876543211' },
        { resource: 'calls', operation: 'trigger', phone_number: 'not a number' },
      ],
    });
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({ json: { call_id: 'c1', status: 'registered' }, pairedItem: { item: 0 } });
    expect(out[1]).toMatchObject({ json: { error: 'Insufficient credits', code: 'insufficient_credits', status: 402, provider: 'vyora' }, pairedItem: { item: 1 } });
    expect(out[2]?.pairedItem).toEqual({ item: 2 });
    expect(out[2]?.json).toMatchObject({ code: 'validation_error', issues: [{ field: 'phone_number' }] });
  });

  it("waits out a 429 through n8n's sleep and retries", async () => {
    api().post('/v1/calls').reply(429, { error: 'Too many requests' }, { 'Retry-After': '2' });
    api().post('/v1/calls').reply(200, { call_id: 'c2', status: 'registered' });
    const out = await runExecute({ node, credentials, parameters: { resource: 'calls', operation: 'trigger', phone_number: '+919876543210' } });
    expect(out[0]?.json).toEqual({ call_id: 'c2', status: 'registered' });
    expect(sleeps.calls).toContain(2000);
  });
});

describe('Vyora calls.get', () => {
  it('fetches a call', async () => {
    const call = fixture<Record<string, unknown>>('vyora', 'calls.get');
    api().get('/v1/calls/abc123xyz').reply(200, call);
    const out = await runExecute({ node, credentials, parameters: { resource: 'calls', operation: 'get', call_id: 'abc123xyz' } });
    expect(out).toEqual([{ json: call, pairedItem: { item: 0 } }]);
  });

  it('with Wait for Analysis, polls until the analysis is there', async () => {
    const call = fixture<Record<string, unknown>>('vyora', 'calls.get');
    api().get('/v1/calls/abc123xyz').reply(200, { ...call, status: 'in_progress', analysis: null });
    api().get('/v1/calls/abc123xyz').reply(200, { ...call, status: 'completed', analysis: null });
    api().get('/v1/calls/abc123xyz').reply(200, call);
    const out = await runExecute({
      node,
      credentials,
      parameters: { resource: 'calls', operation: 'get', call_id: 'abc123xyz', waitForAnalysis: true, interval_seconds: 5 },
    });
    expect(out).toEqual([{ json: call, pairedItem: { item: 0 } }]);
    expect(sleeps.calls).toEqual([5000, 5000]);
  });

  it('the Wait for Analysis operation gives up after its timeout with a NodeOperationError', async () => {
    api().get('/v1/calls/abc123xyz').times(3).reply(200, { call_id: 'abc123xyz', status: 'in_progress', analysis: null });
    const err = await runExecute({
      node,
      credentials,
      parameters: { resource: 'calls', operation: 'waitForAnalysis', call_id: 'abc123xyz', interval_seconds: 10, timeout_seconds: 25 },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeOperationError);
    expect((err as Error).message).toMatch(/gave up after 25 s/);
  });

  it('names a call that does not exist with the provider message', async () => {
    api().get('/v1/calls/nope').reply(404, fixture('vyora', 'error.call_not_found'));
    const out = await runExecute({ node, credentials, continueOnFail: true, parameters: { resource: 'calls', operation: 'get', call_id: 'nope' } });
    expect(out).toEqual([{ json: expect.objectContaining({ error: 'Call not found', code: 'call_not_found', status: 404 }), pairedItem: { item: 0 } }]);
  });

  describe('when the connection is refused', () => {
    // A real refusal from a closed local port: nock's simulated socket errors race under load.
    let closed: Credentials;
    beforeAll(async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      closed = { ...credentials, data: { vyoraApi: { apiKey: KEY, baseUrl: `http://127.0.0.1:${port}` } } };
      nock.enableNetConnect('127.0.0.1');
    });
    afterAll(() => nock.disableNetConnect());

    it('reports it as a NodeApiError after retrying', async () => {
      const err = await runExecute({ node, credentials: closed, parameters: { resource: 'calls', operation: 'get', call_id: 'abc' } }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(NodeApiError);
      expect((err as NodeApiError).context['code']).toBe('network_error');
      expect(sleeps.calls).toHaveLength(3);
    });

    it('keeps the cause in the error item', async () => {
      const out = await runExecute({
        node,
        credentials: closed,
        continueOnFail: true,
        parameters: { resource: 'calls', operation: 'get', call_id: 'abc' },
      });
      expect(out[0]?.json).toMatchObject({ code: 'network_error', status: null, details: { cause: 'ECONNREFUSED' } });
    });
  });
});

describe('Vyora agents.list', () => {
  it('Return All pages through every agent', async () => {
    api().get('/v1/agents').query({ limit: 100, offset: 0 }).reply(200, { agents: agents(0, 100), total: 230, limit: 100, offset: 0 });
    api().get('/v1/agents').query({ limit: 100, offset: 100 }).reply(200, { agents: agents(100, 100), total: 230, limit: 100, offset: 100 });
    api().get('/v1/agents').query({ limit: 30, offset: 200 }).reply(200, { agents: agents(200, 30), total: 230, limit: 30, offset: 200 });
    const out = await runExecute({ node, credentials, parameters: { resource: 'agents', operation: 'list', returnAll: true } });
    expect(out).toHaveLength(230);
    expect(out[229]).toEqual({ json: agents(229, 1)[0], pairedItem: { item: 0 } });
  });

  it('Limit asks for no more than it returns', async () => {
    api().get('/v1/agents').query({ limit: 3, offset: 0 }).reply(200, { agents: agents(0, 3), total: 230, limit: 3, offset: 0 });
    const out = await runExecute({ node, credentials, parameters: { resource: 'agents', operation: 'list', limit: 3 } });
    expect(out.map((i) => i.json['id'])).toEqual(['agent-0', 'agent-1', 'agent-2']);
  });

  it('uses the default Limit of 50 when none is set', async () => {
    api().get('/v1/agents').query({ limit: 50, offset: 0 }).reply(200, { agents: agents(0, 50), total: 230, limit: 50, offset: 0 });
    const out = await runExecute({ node, credentials, parameters: { resource: 'agents', operation: 'list' } });
    expect(out).toHaveLength(50);
  });

  it('refuses a Limit of 0', async () => {
    await expect(runExecute({ node, credentials, parameters: { resource: 'agents', operation: 'list', limit: 0 } })).rejects.toThrow(
      /limit: must be a whole number of at least 1/,
    );
  });

  it('talks to the base URL the credential names', async () => {
    const sandbox = 'http://127.0.0.1:4010/vyora';
    nock('http://127.0.0.1:4010').get('/vyora/v1/agents').query(true).reply(200, { agents: agents(0, 1), total: 1, limit: 50, offset: 0 });
    const out = await runExecute({
      node,
      credentials: { ...credentials, data: { vyoraApi: { apiKey: KEY, baseUrl: `${sandbox}/` } } },
      parameters: { resource: 'agents', operation: 'list' },
    });
    expect(out).toHaveLength(1);
  });

  it('fills the agent dropdowns from agents.list', async () => {
    api().get('/v1/agents').query(true).reply(200, { agents: [{ id: 'b', name: 'Zeta' }, { id: 'a', name: 'Alpha' }], total: 2, limit: 100, offset: 0 });
    const ctx = loadOptionsContext(node, credentials);
    const options = await node.methods.loadOptions['agentsListId']?.call(ctx);
    expect(options).toEqual([
      { name: 'Alpha', value: 'a' },
      { name: 'Zeta', value: 'b' },
    ]);
  });
});

describe('Vyora credential', () => {
  it('tests the key with one agent from agents.list', async () => {
    api().get('/v1/agents').query({ limit: 1 }).reply(200, { agents: agents(0, 1), total: 1, limit: 1, offset: 0 });
    expect(await runCredentialTest(new VyoraApi(), { apiKey: KEY, baseUrl: API })).toBe(200);
  });

  it('marks the key and the webhook secret as passwords', () => {
    const props = new VyoraApi().properties;
    expect(props.find((p) => p.name === 'apiKey')?.typeOptions?.password).toBe(true);
    expect(props.find((p) => p.name === 'webhookSecret')?.typeOptions?.password).toBe(true);
  });
});

describe('Vyora execute plumbing', () => {
  it('rejects an operation core does not have', async () => {
    const { ctx } = executeContext({ node, credentials, parameters: { resource: 'calls', operation: 'delete' } });
    await expect(node.execute.call(ctx)).rejects.toThrow(/"calls\.delete" is not a Vyora operation/);
  });
});
