import { given } from '../src/http/given';

test('given keeps the filters a request gave and drops absent and empty ones', () => {
  const scope = ['src_aaaaaaaaaa'];
  expect(given({ provider: 'vyora', type: '', source: undefined, scope, cursor: null })).toEqual({ provider: 'vyora', scope });
  expect(Object.keys(given({ a: undefined, b: '' }))).toEqual([]);
  // A value that is falsy but real stays.
  expect(given({ limit: 0, test: false })).toEqual({ limit: 0, test: false });
});
