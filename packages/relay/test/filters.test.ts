import fc from 'fast-check';
import { compileFilter, compileStoredFilter, MAX_FILTER_BYTES } from '../src/filters/compile';

const body = {
  id: 'evt_1',
  type: 'vyora.all_processing_completed',
  provider: 'vyora',
  source: 'src_client_a',
  created_at: '2026-01-01T00:00:00Z',
  data: {
    call_id: 'c1',
    duration_seconds: 42,
    tags: ['hot', 'loan'],
    scores: [70, 85],
    analysis: { classification: 'Interested', summary: 'Wants a callback' },
    turns: [{ speaker: 'agent', text: 'hi' }, { speaker: 'user', text: 'yes please' }],
  },
};

function compile(raw: unknown) {
  const r = compileFilter(raw);
  if (!r.ok) throw new Error(`expected a valid filter: ${r.message}`);
  return r.filter;
}

describe('compileFilter: the documented operators over the delivery body', () => {
  test.each([
    [{ 'data.analysis.classification': 'Interested' }, true],
    [{ 'data.analysis.classification': 'Not interested' }, false],
    [{ 'data.duration_seconds': { $gte: 30 } }, true],
    [{ 'data.duration_seconds': { $gt: 42 } }, false],
    [{ 'data.duration_seconds': { $lt: 43, $lte: 42 } }, true],
    [{ 'data.duration_seconds': { $eq: 42 } }, true],
    [{ 'data.duration_seconds': { $ne: 42 } }, false],
    [{ 'data.analysis.classification': { $in: ['Interested', 'Callback'] } }, true],
    [{ 'data.analysis.classification': { $nin: ['Interested'] } }, false],
    [{ 'data.analysis.summary': { $exists: true } }, true],
    [{ 'data.recording_url': { $exists: true } }, false],
    [{ 'data.analysis.summary': { $regex: 'callBACK', $options: 'i' } }, true],
    [{ 'data.analysis.summary': { $regex: '^Wants' } }, true],
    [{ $and: [{ source: 'src_client_a' }, { 'data.duration_seconds': { $gte: 30 } }] }, true],
    [{ $or: [{ source: 'src_other' }, { type: 'vyora.call_started' }] }, false],
    [{ $nor: [{ source: 'src_other' }] }, true],
    [{ 'data.duration_seconds': { $not: { $lt: 30 } } }, true],
    [{ 'data.turns': { $elemMatch: { speaker: 'user', text: { $regex: 'yes' } } } }, true],
    [{ 'data.scores': { $elemMatch: { $gte: 80 } } }, true],
    [{ 'data.scores': { $elemMatch: { $gte: 90 } } }, false],
    [{ 'data.tags': { $size: 2 } }, true],
    [{ 'data.tags': { $all: ['loan', 'hot'] } }, true],
    [{ 'data.tags': { $all: ['loan', 'cold'] } }, false],
    [{ 'data.tags': 'hot' }, true],
    [{}, true],
  ])('%j matches: %s', (filter, expected) => {
    expect(compile(filter).matches(body)).toBe(expected);
  });

  test('compiles once: the same filter text gives the same compiled object', () => {
    const a = compile({ 'data.duration_seconds': { $gte: 30 } });
    const b = compile({ 'data.duration_seconds': { $gte: 30 } });
    expect(b).toBe(a);
    expect(compileStoredFilter(a.text)).toBe(a);
  });

  test('a filter that meets an odd value matches nothing instead of throwing', () => {
    const f = compile({ 'data.tags': { $size: 2 } });
    expect(f.matches(null)).toBe(false);
    expect(f.matches({ data: 'text' })).toBe(false);
  });
});

describe('compileFilter refuses what is unsafe or not documented, saying why', () => {
  test.each([
    [{ $where: 'this.data.x == 1' }, /\$where \(JavaScript\) is not allowed/],
    [{ 'data.x': { $where: 'x' } }, /\$where is not a filter operator/],
    [{ 'data.x': { $type: 'string' } }, /\$type is not a filter operator/],
    [{ 'data.x': { $mod: [2, 0] } }, /\$mod is not a filter operator/],
    [{ 'data.x': { $expr: 1 } }, /\$expr is not a filter operator/],
    [{ $text: { $search: 'x' } }, /\$text is not allowed at the top/],
    [{ 'data.x': { $regex: '(a+)+$' } }, /exponential time/],
    [{ 'data.x': { $regex: '(' } }, /not a valid regular expression/],
    [{ 'data.x': { $regex: 'a', $options: 'g' } }, /flags i, m and s/],
    [{ 'data.x': { $options: 'i' } }, /only allowed beside \$regex/],
    [{ 'data.x': { $regex: 'a'.repeat(300) } }, /over 256 characters/],
    [{ 'data.x': { $in: 'a' } }, /must be a list/],
    [{ 'data.x': { $exists: 'yes' } }, /true or false/],
    [{ 'data.x': { $size: -1 } }, /whole number/],
    [{ 'data.x': { $gt: 1, y: 2 } }, /mixes operators and fields/],
    [{ 'data.x': { y: { $gt: 1 } } }, /operators cannot appear inside a value/],
    [{ '__proto__.polluted': 1 }, /not a usable field path/],
    [{ 'data..x': 1 }, /not a usable field path/],
    [{ $or: [] }, /non-empty list/],
    [{ $and: ['x'] }, /must be an object/],
    [[{ a: 1 }], /must be a JSON object/],
    ['{"a":1}', /must be a JSON object/],
    [null, /must be a JSON object/],
  ])('%j', (filter, message) => {
    const r = compileFilter(filter);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  test(`over ${MAX_FILTER_BYTES} bytes`, () => {
    const r = compileFilter({ 'data.x': { $in: Array.from({ length: 600 }, (_, i) => `value-${i}`) } });
    expect(r).toEqual({ ok: false, message: `is over ${MAX_FILTER_BYTES} bytes as JSON` });
  });

  test('deeper than 8 levels', () => {
    let q: Record<string, unknown> = { a: 1 };
    for (let i = 0; i < 8; i++) q = { $and: [q] };
    const r = compileFilter(q);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/deeper than 8/);
    let ok: Record<string, unknown> = { a: 1 };
    for (let i = 0; i < 3; i++) ok = { $and: [ok] };
    expect(compileFilter(ok).ok).toBe(true);
  });

  test('random JSON never throws: it compiles or is refused with a message', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 4 }), (filter, item) => {
        const r = compileFilter(filter);
        if (r.ok) expect(typeof r.filter.matches(item)).toBe('boolean');
        else expect(r.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
