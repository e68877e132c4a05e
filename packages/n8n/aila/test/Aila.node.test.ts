import nock from 'nock';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { aila } from '@callbridge/core';
import { runCredentialTest, runExecute, type Credentials } from '../../common/test/contexts';
import { describeEveryOperation } from '../../common/test/every-operation';
import { fixture } from '../../common/test/fixtures';
import { useHttpMocks, useInstantSleep } from '../../common/test/setup';
import { AilaApi } from '../credentials/AilaApi.credentials';
import { Aila } from '../nodes/Aila/Aila.node';

const API = 'https://api.aila.com/v1';
const KEY = 'aila_test_key_123';
const credentials: Credentials = { types: [new AilaApi()], data: { ailaApi: { apiKey: KEY, baseUrl: API, webhookSecret: '' } } };
const node = new Aila();

function api() {
  return nock('https://api.aila.com', { reqheaders: { authorization: `Bearer ${KEY}` } });
}

function calls(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({ id: `call_${from + i}`, status: 'processed' }));
}

useHttpMocks();
useInstantSleep();

describeEveryOperation(aila, node, credentials, API, { recordings: { 'calls.get': 'recording_url' } });

describe('Aila calls.list', () => {
  it('Return All pages by offset until a short page', async () => {
    api().get('/v1/calls').query({ limit: '100', offset: '0' }).reply(200, { success: true, data: calls(0, 100), meta: { limit: 100 } });
    api().get('/v1/calls').query({ limit: '100', offset: '100' }).reply(200, { success: true, data: calls(100, 100), meta: { limit: 100 } });
    api().get('/v1/calls').query({ limit: '100', offset: '200' }).reply(200, { success: true, data: calls(200, 7), meta: { limit: 100 } });
    const out = await runExecute({ node, credentials, parameters: { resource: 'calls', operation: 'list', returnAll: true } });
    expect(out).toHaveLength(207);
    expect(out[206]?.json).toEqual({ id: 'call_206', status: 'processed' });
  });

  it('Limit with filters sends core field names', async () => {
    api()
      .get('/v1/calls')
      .query({ limit: '5', offset: '0', user_id: 'usr_12ab', start_date: '2025-03-01' })
      .reply(200, fixture('aila', 'calls.list'));
    const out = await runExecute({
      node,
      credentials,
      parameters: { resource: 'calls', operation: 'list', limit: 5, filters: { user_id: 'usr_12ab', start_date: '2025-03-01' } },
    });
    expect(out.map((i) => i.json['id'])).toEqual(['call_8f3k2m']);
  });

  it("raises Aila's VALIDATION_ERROR with its code, or outputs it with Continue On Fail", async () => {
    const parameters = { resource: 'calls', operation: 'list', filters: { start_date: '2025-03-01' } };
    api().get('/v1/calls').query(true).reply(400, fixture('aila', 'error.validation'));
    const err = await runExecute({ node, credentials, parameters }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeApiError);
    expect((err as NodeApiError).message).toBe('Invalid date format');
    expect((err as NodeApiError).description).toContain('VALIDATION_ERROR');

    api().get('/v1/calls').query(true).reply(400, fixture('aila', 'error.validation'));
    const out = await runExecute({ node, credentials, parameters, continueOnFail: true });
    expect(out[0]?.json).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'start_date', expected: 'ISO 8601 format' } });
  });
});

describe('Aila calls.batchUpload', () => {
  it('refuses an empty batch and bad JSON before any request', async () => {
    const empty = runExecute({ node, credentials, parameters: { resource: 'calls', operation: 'batchUpload', calls: '[]' } });
    await expect(empty).rejects.toThrow(/calls: must have at least 1 item/);
    const bad = runExecute({ node, credentials, parameters: { resource: 'calls', operation: 'batchUpload', calls: '[{"recording_url":' } });
    await expect(bad).rejects.toBeInstanceOf(NodeOperationError);
    await expect(bad).rejects.toThrow(/calls: must be valid JSON/);
  });

  it('names the item whose recording URL is wrong', async () => {
    const calls = JSON.stringify([{ recording_url: 'https://storage.example.com/a.mp3' }, { recording_url: 'ftp://nope' }]);
    await expect(runExecute({ node, credentials, parameters: { resource: 'calls', operation: 'batchUpload', calls } })).rejects.toThrow(
      /calls\.1\.recording_url: must be an http\(s\) URL/,
    );
  });
});

describe('Aila call recordings', () => {
  it('downloads the recording of a call as binary data', async () => {
    const call = { id: 'call_8f3k2m', recording_url: 'https://storage.example.com/recordings/maria.mp3' };
    api().get('/v1/calls/call_8f3k2m').reply(200, { success: true, data: call });
    nock('https://storage.example.com', { badheaders: ['authorization'] })
      .get('/recordings/maria.mp3')
      .reply(200, Buffer.from([0xff, 0xfb, 0x90]), { 'content-type': 'audio/mpeg' });
    const out = await runExecute({ node, credentials, parameters: { resource: 'calls', operation: 'get', call_id: 'call_8f3k2m', downloadRecording: true } });
    expect(out[0]?.json).toEqual(call);
    expect(out[0]?.binary?.['data']).toMatchObject({ fileName: 'maria.mp3', mimeType: 'audio/mpeg', data: Buffer.from([0xff, 0xfb, 0x90]).toString('base64') });
  });

  it('reports a recording the storage refuses', async () => {
    api().get('/v1/calls/call_1').reply(200, { success: true, data: { id: 'call_1', recording_url: 'https://storage.example.com/gone.mp3' } });
    nock('https://storage.example.com').get('/gone.mp3').reply(403, 'AccessDenied');
    const out = await runExecute({
      node,
      credentials,
      continueOnFail: true,
      parameters: { resource: 'calls', operation: 'get', call_id: 'call_1', downloadRecording: true },
    });
    expect(out[0]?.json).toMatchObject({ status: 403, code: 'forbidden', error: 'AccessDenied' });
  });
});

describe('Aila credential', () => {
  it('tests the key with one call', async () => {
    api().get('/v1/calls').query({ limit: '1' }).reply(200, fixture('aila', 'calls.list'));
    expect(await runCredentialTest(new AilaApi(), { apiKey: KEY, baseUrl: API })).toBe(200);
  });

  it('has a webhook signing secret marked as a password', () => {
    expect(new AilaApi().properties.find((p) => p.name === 'webhookSecret')?.typeOptions?.password).toBe(true);
  });
});
