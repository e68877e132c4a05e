import nock from 'nock';
import { ayra, aila } from '@callbridge/core';
import { expectInvalid } from '../providers/helpers';

/**
 * A value of the wrong type is reported with the field's own rule, not as missing: zod 4
 * leaves the offending input out of its issues, so validation looks the value up itself.
 */

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

test('the field is named even so (this part works)', async () => {
  await expectInvalid(ayra, 'agents.list', { per_page: 'many' }, 'per_page');
});

test('a string given for a number is not reported as missing', async () => {
  await expectInvalid(ayra, 'agents.list', { per_page: 'many' }, 'per_page', /must be a number/);
});

test('a fraction given for an integer says it must be a whole number', async () => {
  await expectInvalid(ayra, 'agents.list', { page: 1.5 }, 'page', /whole number/);
});

test('a string given for a list says it must be a list', async () => {
  await expectInvalid(aila, 'calls.batchUpload', { calls: 'all of them' }, 'calls', /must be a list/);
});
