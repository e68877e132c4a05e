import nock from 'nock';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { ayra } from '@callbridge/core';
import { loadOptionsContext, runCredentialTest, runExecute, type Credentials } from '../../common/test/contexts';
import { describeEveryOperation } from '../../common/test/every-operation';
import { fixture } from '../../common/test/fixtures';
import { useHttpMocks, useInstantSleep } from '../../common/test/setup';
import { AyraApi } from '../credentials/AyraApi.credentials';
import { Ayra } from '../nodes/Ayra/Ayra.node';

const API = 'https://api.ayra.ai/v1';
const KEY = 'ayra_test_key_123';
const credentials: Credentials = { types: [new AyraApi()], data: { ayraApi: { apiKey: KEY, baseUrl: API } } };
const node = new Ayra();

function api() {
  return nock('https://api.ayra.ai', { reqheaders: { authorization: `Bearer ${KEY}` } });
}

function agentPage(page: number, perPage: number, total: number) {
  const start = (page - 1) * perPage;
  const count = Math.max(0, Math.min(perPage, total - start));
  return {
    data: Array.from({ length: count }, (_, i) => ({ id: `agent_${start + i}`, name: `Agent ${start + i}` })),
    meta: { total, page, per_page: perPage, total_pages: Math.ceil(total / perPage) },
    links: { next: page * perPage < total ? `${API}/agents?page=${page + 1}` : null },
  };
}

useHttpMocks();
useInstantSleep();

describeEveryOperation(ayra, node, credentials, API, { recordings: { 'conversations.get': 'recording_url' } });

describe('Ayra agents.list', () => {
  it('Return All walks every page', async () => {
    for (const page of [1, 2, 3]) api().get('/v1/agents').query({ page: String(page), per_page: '100' }).reply(200, agentPage(page, 100, 250));
    const out = await runExecute({ node, credentials, parameters: { resource: 'agents', operation: 'list', returnAll: true } });
    expect(out).toHaveLength(250);
    expect(out[249]?.json).toEqual({ id: 'agent_249', name: 'Agent 249' });
  });

  it('Limit stops at the page that holds the last item and sends filters by core name', async () => {
    api().get('/v1/agents').query({ page: '1', per_page: '3', status: 'paused', sort_by: 'name' }).reply(200, agentPage(1, 3, 250));
    const out = await runExecute({
      node,
      credentials,
      parameters: { resource: 'agents', operation: 'list', limit: 3, filters: { status: 'paused', sort_by: 'name' } },
    });
    expect(out.map((i) => i.json['id'])).toEqual(['agent_0', 'agent_1', 'agent_2']);
  });

  it('refuses a date range that ends before it starts, before any request', async () => {
    const run = runExecute({
      node,
      credentials,
      parameters: { resource: 'agents', operation: 'list', filters: { created_after: '2025-02-01', created_before: '2025-01-01' } },
    });
    await expect(run).rejects.toBeInstanceOf(NodeOperationError);
    await expect(run).rejects.toThrow(/created_before: must not be earlier than created_after/);
  });

  it('fills agent dropdowns from agents.list', async () => {
    // The fixture is page 1 of 2 (meta.total_pages): the dropdown reads both pages.
    api().get('/v1/agents').query({ page: '1', per_page: '100' }).reply(200, fixture('ayra', 'agents.list.page1'));
    api().get('/v1/agents').query({ page: '2', per_page: '100' }).reply(200, { data: [{ id: 'agent_b', name: 'Billing Bot' }], meta: { total_pages: 2 } });
    const options = await node.methods.loadOptions['agentsListId']?.call(loadOptionsContext(node, credentials));
    expect(options).toEqual([
      { name: 'Billing Bot', value: 'agent_b' },
      { name: 'Customer Support Agent', value: 'agent_abc123' },
      { name: 'Sales Assistant', value: 'agent_def456' },
    ]);
  });
});

describe('Ayra contacts.create', () => {
  it("raises Ayra's error with its code, or outputs it with Continue On Fail", async () => {
    const body = fixture<Record<string, unknown>>('ayra', 'contacts.create.request');
    const parameters = {
      resource: 'contacts',
      operation: 'create',
      name: body['name'],
      additionalFields: { email: body['email'], phone: body['phone'], tags: body['tags'] },
    };
    api().post('/v1/contacts').reply(400, fixture('ayra', 'error.invalid_request'));
    const err = await runExecute({ node, credentials, parameters }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeApiError);
    expect((err as NodeApiError).message).toBe('Phone format invalid');
    expect((err as NodeApiError).description).toContain('invalid_request');

    api().post('/v1/contacts').reply(400, fixture('ayra', 'error.invalid_request'));
    const out = await runExecute({ node, credentials, parameters, continueOnFail: true });
    expect(out).toEqual([
      {
        json: expect.objectContaining({ error: 'Phone format invalid', code: 'invalid_request', status: 400, details: 'Include country code' }),
        pairedItem: { item: 0 },
      },
    ]);
  });

  it('accepts tags given as comma-separated text', async () => {
    api().post('/v1/contacts', { name: 'Jane Smith', tags: ['prospect', 'enterprise'] }).reply(200, { id: 'contact_1' });
    const out = await runExecute({
      node,
      credentials,
      parameters: { resource: 'contacts', operation: 'create', name: 'Jane Smith', additionalFields: { tags: 'prospect, enterprise' } },
    });
    expect(out[0]?.json).toEqual({ id: 'contact_1' });
  });
});

describe('Ayra agents.update', () => {
  it('refuses an update that changes nothing', async () => {
    await expect(
      runExecute({ node, credentials, parameters: { resource: 'agents', operation: 'update', agent_id: 'agent_abc123' } }),
    ).rejects.toThrow(/give at least one field to change/);
  });
});

describe('Ayra conversation recordings', () => {
  const conversation = { id: 'conv_1', status: 'completed', recording_url: 'https://cdn.ayra.ai/recordings/conv_1.mp3' };

  it('downloads the recording as binary data without sending the key to the CDN', async () => {
    api().get('/v1/conversations/conv_1').reply(200, conversation);
    nock('https://cdn.ayra.ai', { badheaders: ['authorization'] })
      .get('/recordings/conv_1.mp3')
      .reply(200, Buffer.from('ID3-audio-bytes'), { 'content-type': 'audio/mpeg' });
    const out = await runExecute({
      node,
      credentials,
      parameters: { resource: 'conversations', operation: 'get', conversation_id: 'conv_1', downloadRecording: true, binaryPropertyName: 'audio' },
    });
    expect(out[0]?.json).toEqual(conversation);
    expect(out[0]?.binary?.['audio']).toMatchObject({ mimeType: 'audio/mpeg', fileName: 'conv_1.mp3', data: Buffer.from('ID3-audio-bytes').toString('base64') });
  });

  it('authenticates a recording served from the API itself, and follows its redirect without the key', async () => {
    api().get('/v1/conversations/conv_2').reply(200, { ...conversation, id: 'conv_2', recording_url: `${API}/recordings/conv_2` });
    api().get('/v1/recordings/conv_2').reply(302, '', { location: 'https://storage.example.test/signed/conv_2.wav?sig=x' });
    nock('https://storage.example.test', { badheaders: ['authorization'] })
      .get('/signed/conv_2.wav')
      .query({ sig: 'x' })
      .reply(200, Buffer.from('RIFF'), { 'content-type': 'audio/wav' });
    const out = await runExecute({
      node,
      credentials,
      parameters: { resource: 'conversations', operation: 'get', conversation_id: 'conv_2', downloadRecording: true },
    });
    expect(out[0]?.binary?.['data']).toMatchObject({ mimeType: 'audio/wav', data: Buffer.from('RIFF').toString('base64') });
  });

  it('says so when the conversation has no recording yet', async () => {
    api().get('/v1/conversations/conv_3').reply(200, { id: 'conv_3', status: 'in_progress', recording_url: null });
    const err = await runExecute({
      node,
      credentials,
      parameters: { resource: 'conversations', operation: 'get', conversation_id: 'conv_3', downloadRecording: true },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeOperationError);
    expect((err as Error).message).toMatch(/no recording to download \(recording_url is empty\)/);
  });
});

describe('Ayra credential', () => {
  it('tests the key with one agent, as a Bearer token', async () => {
    api().get('/v1/agents').query({ per_page: '1' }).reply(200, agentPage(1, 1, 1));
    expect(await runCredentialTest(new AyraApi(), { apiKey: KEY, baseUrl: API })).toBe(200);
  });

  it('asks for no webhook secret: this package has no Ayra trigger', () => {
    expect(new AyraApi().properties.map((p) => p.name)).toEqual(['apiKey', 'baseUrl']);
  });
});
