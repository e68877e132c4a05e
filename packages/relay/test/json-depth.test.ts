import fc from 'fast-check';
import { exceedsJsonDepth } from '../src/ingest/json-depth';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');

/** The reference: nesting depth of a parsed value, computed the obvious (recursive) way. */
function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (v !== null && typeof v === 'object') return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

describe('exceedsJsonDepth', () => {
  test.each([
    ['{}', 1],
    ['[]', 1],
    ['1', 0],
    ['{"a":[1,{"b":2}]}', 3],
    ['{"a":"[[[[{{{{"}', 1],
    ['{"a":"\\\\"}', 1],
    ['{"a":"\\"[[[["}', 1],
    ['{"a":"\\\\\\"[[["}', 1],
    ['{"é€":"[{","b":[["ü"]]}', 3],
  ])('%s nests %i deep', (text, depth) => {
    expect(exceedsJsonDepth(bytes(text), depth)).toBe(false);
    if (depth > 0) expect(exceedsJsonDepth(bytes(text), depth - 1)).toBe(true);
  });

  test('text that is not JSON gets an answer, never an exception', () => {
    for (const text of ['"unterminated [[[', '{{{', ']]]]]', '\\', '"\\', '']) {
      expect(typeof exceedsJsonDepth(bytes(text), 2)).toBe('boolean');
    }
    expect(exceedsJsonDepth(bytes('{{{'), 2)).toBe(true);
  });

  test('agrees with the parsed depth for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, max) => {
        const text = JSON.stringify(value);
        expect(exceedsJsonDepth(bytes(text), max)).toBe(depthOf(value) > max);
      }),
      { numRuns: 300 },
    );
  });
});
