import { validateHeaderName, validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import { headerNameProblem, headerValueProblem } from '../src/delivery/subscription-headers';

const nodeAccepts = (fn: () => void): boolean => {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
};

describe('subscription header rules', () => {
  test('every value they accept, node can send; every value node refuses, they refuse', () => {
    const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 40 }));
    fc.assert(
      fc.property(anyText, (value) => {
        const accepted = headerValueProblem(value) === null;
        if (accepted) expect(nodeAccepts(() => validateHeaderValue('x-test', value))).toBe(true);
        if (!nodeAccepts(() => validateHeaderValue('x-test', value))) expect(accepted).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  test('names they accept are names node can send', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 30 }), (name) => {
        if (headerNameProblem(name) === null) expect(nodeAccepts(() => validateHeaderName(name))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  test('each refusal says why', () => {
    expect(headerValueProblem('café')).toBeNull();
    expect(headerValueProblem('a\tb')).toBeNull();
    expect(headerValueProblem('')).toBeNull();
    expect(headerValueProblem('café€')).toBe('must be Latin-1 text, which HTTP headers can carry ("€", U+20AC, is not)');
    expect(headerValueProblem('a\u0001b')).toBe('must not contain a control character (found U+0001)');
    expect(headerValueProblem('a\u0085')).toBe('must not contain a control character (found U+0085)');
    expect(headerValueProblem(7)).toBe('must be a string');
    expect(headerNameProblem('Webhook-Signature')).toBe('is set by the relay and cannot be overridden');
    expect(headerNameProblem('bad name')).toBe('is not a valid HTTP header name');
  });
});
