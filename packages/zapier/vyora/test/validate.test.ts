import { resolve } from 'node:path';
import app from '../src/index';
import { buildAndValidate, describeValidate } from '../../common/test-support/validate';

describeValidate(resolve(__dirname, '..'), app);

describe('the validate harness', () => {
  it('reports an invalid app as invalid (so a passing app means something)', async () => {
    const result = await buildAndValidate(resolve(__dirname, '../../common/test-support/invalid-app'));
    expect(result.build.code).toBe(0);
    expect(result.validate.code).toBe(1);
    expect(JSON.stringify(result.errors)).toContain('not-a-key');
    expect(result.network).toEqual([]);
  }, 60_000);
});
