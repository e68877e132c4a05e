import nock from 'nock';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { ayla } from '@callbridge/core';
import { runCredentialTest, runExecute, type Credentials } from '../../common/test/contexts';
import { describeEveryOperation } from '../../common/test/every-operation';
import { fixture } from '../../common/test/fixtures';
import { useHttpMocks, useInstantSleep } from '../../common/test/setup';
import { AylaApi } from '../credentials/AylaApi.credentials';
import { Ayla } from '../nodes/Ayla/Ayla.node';

const API = 'https://api.ayla.ai/v1';
const KEY = 'ayla_test_sk_123';
const credentials: Credentials = { types: [new AylaApi()], data: { aylaApi: { apiKey: KEY, baseUrl: API } } };
const node = new Ayla();

function api() {
  return nock('https://api.ayla.ai', { reqheaders: { authorization: `Bearer ${KEY}` } });
}

useHttpMocks();
useInstantSleep();

describeEveryOperation(ayla, node, credentials, API);

describe('Ayla sender.verify', () => {
  it('verifies a sender ID', async () => {
    api().post('/v1/sender/verify', { sender_id: 'GTBANKNG', country_code: 'NG', organisation_type: 'bank' }).reply(200, fixture('ayla', 'sender.verify'));
    const out = await runExecute({
      node,
      credentials,
      parameters: { resource: 'sender', operation: 'verify', sender_id: 'GTBANKNG', country_code: 'NG', additionalFields: { organisation_type: 'bank' } },
    });
    expect(out).toEqual([{ json: fixture('ayla', 'sender.verify'), pairedItem: { item: 0 } }]);
  });

  it('refuses a sender ID over 11 characters and an unknown country before any request', async () => {
    const long = runExecute({ node, credentials, parameters: { resource: 'sender', operation: 'verify', sender_id: 'GTBANKNIGERIA', country_code: 'NG' } });
    await expect(long).rejects.toBeInstanceOf(NodeOperationError);
    await expect(long).rejects.toThrow(/sender_id: must be at most 11 characters/);
    await expect(
      runExecute({ node, credentials, parameters: { resource: 'sender', operation: 'verify', sender_id: 'GTBANKNG', country_code: 'XX' } }),
    ).rejects.toThrow(/country_code: must be an ISO 3166-1 alpha-2 country code/);
  });

  it("raises Ayla's error with its code and request id, or outputs it with Continue On Fail", async () => {
    const parameters = { resource: 'sender', operation: 'verify', sender_id: 'GTBANKNG', country_code: 'NG' };
    api().post('/v1/sender/verify').reply(422, fixture('ayla', 'error.invalid_sender_id'));
    const err = await runExecute({ node, credentials, parameters }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeApiError);
    expect((err as NodeApiError).message).toBe('Sender ID exceeds 11 characters');
    expect((err as NodeApiError).description).toBe('ayla error invalid_sender_id, HTTP 422, request req_01HVKQZT9XN4P2F8');

    api().post('/v1/sender/verify').reply(422, fixture('ayla', 'error.invalid_sender_id'));
    const out = await runExecute({ node, credentials, parameters, continueOnFail: true });
    expect(out[0]?.json).toMatchObject({ code: 'invalid_sender_id', status: 422, requestId: 'req_01HVKQZT9XN4P2F8' });
  });
});

describe('Ayla carriers.health', () => {
  const health = fixture<{ corridors: unknown[] }>('ayla', 'carriers.health');

  it('Return All outputs every corridor of its one page', async () => {
    api().get('/v1/carriers/health').query({ country: 'NG' }).reply(200, health);
    const out = await runExecute({ node, credentials, parameters: { resource: 'carriers', operation: 'health', returnAll: true, filters: { country: 'NG' } } });
    expect(out.map((i) => i.json)).toEqual(health.corridors);
  });

  it('Limit keeps the first corridors', async () => {
    api().get('/v1/carriers/health').reply(200, health);
    const out = await runExecute({ node, credentials, parameters: { resource: 'carriers', operation: 'health', limit: 1 } });
    expect(out.map((i) => i.json)).toEqual(health.corridors.slice(0, 1));
  });
});

describe('Ayla channel.decide', () => {
  it('sends allowed channels as a list and refuses a repeated one', async () => {
    api()
      .post('/v1/channel/decide', { message_type: 'otp', msisdn: '+2348031234567', allowed_channels: ['sms', 'whatsapp'] })
      .reply(200, fixture('ayla', 'channel.decide'));
    const base = { resource: 'channel', operation: 'decide', message_type: 'otp', msisdn: '+2348031234567' };
    const out = await runExecute({ node, credentials, parameters: { ...base, additionalFields: { allowed_channels: ['sms', 'whatsapp'] } } });
    expect(out[0]?.json).toEqual(fixture('ayla', 'channel.decide'));
    await expect(
      runExecute({ node, credentials, parameters: { ...base, additionalFields: { allowed_channels: ['sms', 'sms'] } } }),
    ).rejects.toThrow(/allowed_channels\.1: "sms" is listed twice/);
  });
});

describe('Ayla credential', () => {
  it('tests the key against carrier health', async () => {
    api().get('/v1/carriers/health').reply(200, fixture('ayla', 'carriers.health'));
    expect(await runCredentialTest(new AylaApi(), { apiKey: KEY, baseUrl: API })).toBe(200);
  });

  it('asks for no webhook secret: Ayla sends no webhooks', () => {
    expect(new AylaApi().properties.map((p) => p.name)).toEqual(['apiKey', 'baseUrl']);
  });
});
