import nock from 'nock';
import { createClient, vyora, ValidationError } from '@callbridge/core';

afterEach(() => nock.cleanAll());

test('vyora trigger sends key and idempotency key', async () => {
  const scope = nock('https://api.vyora.ai', { reqheaders: { 'x-api-key': 'k1' } })
    .post('/v1/calls', { phone_number: '+919876543210', agent_name: 'A' })
    .matchHeader('idempotency-key', /.+/)
    .reply(200, { call_id: 'c1', status: 'registered' });
  const c = createClient(vyora, { apiKey: 'k1' });
  await expect(c.call('calls.trigger', { phone_number: '+919876543210', agent_name: 'A' })).resolves.toEqual({ call_id: 'c1', status: 'registered' });
  scope.done();
  await expect(c.call('calls.trigger', { phone_number: '12345' })).rejects.toBeInstanceOf(ValidationError);
  expect(JSON.stringify(c)).not.toContain('k1');
});
