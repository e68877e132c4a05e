import { filterFieldsFor, getPath, providers, relayFilter, vyora, type ProviderSpec } from '@callbridge/core';

/**
 * The relay triggers' plain filter fields: described once in the provider spec, turned into
 * the relay subscription's filter here. Every field must test a property its events' samples
 * really carry, or a trigger would offer a condition no event can meet.
 */
const withFilters = Object.values(providers as Record<string, ProviderSpec>).filter((p) => (p.webhooks?.filters ?? []).length > 0);

test('Vyora offers a classification list and a minimum duration', () => {
  expect(filterFieldsFor(vyora).map((f) => [f.name, f.test, f.path])).toEqual([
    ['classifications', 'oneOf', 'analysis.classification'],
    ['min_duration_seconds', 'atLeast', 'duration_seconds'],
  ]);
  expect(filterFieldsFor(vyora, 'call_started')).toEqual([]);
  expect(filterFieldsFor(vyora, 'call_completed').map((f) => f.name)).toEqual(['min_duration_seconds']);
  expect(filterFieldsFor(vyora, 'all_processing_completed').map((f) => f.name)).toEqual(['classifications', 'min_duration_seconds']);
});

describe.each(withFilters.map((p) => [p.id, p] as const))('%s filter fields', (_id, spec) => {
  test.each(filterFieldsFor(spec).map((f) => [f.name, f] as const))('%s tests a property its events carry', (_name, f) => {
    expect(f.events.length).toBeGreaterThan(0);
    for (const event of f.events) {
      expect(spec.webhooks?.events).toContain(event);
      const value = getPath(spec.webhooks?.samples?.[event], f.path);
      if (f.test === 'oneOf') expect(typeof value).toBe('string');
      else expect(typeof value).toBe('number');
    }
  });
});

describe('relayFilter', () => {
  test('nothing chosen is no filter', () => {
    expect(relayFilter(vyora, {})).toEqual({ ok: true, filter: null });
    expect(relayFilter(vyora, { classifications: '', min_duration_seconds: 0 })).toEqual({ ok: true, filter: null });
    expect(relayFilter(vyora, { classifications: [' ', ''], min_duration_seconds: '' })).toEqual({ ok: true, filter: null });
  });

  test('each chosen field adds its condition over the delivery body', () => {
    expect(relayFilter(vyora, { classifications: ['Interested', 'Callback Requested'], min_duration_seconds: 30 })).toEqual({
      ok: true,
      filter: { 'data.analysis.classification': { $in: ['Interested', 'Callback Requested'] }, 'data.duration_seconds': { $gte: 30 } },
    });
    expect(relayFilter(vyora, { min_duration_seconds: '12.5' })).toEqual({ ok: true, filter: { 'data.duration_seconds': { $gte: 12.5 } } });
  });

  test('a comma-separated text is a list, trimmed, without repeats', () => {
    expect(relayFilter(vyora, { classifications: ' Interested ,Callback Requested,, Interested' })).toEqual({
      ok: true,
      filter: { 'data.analysis.classification': { $in: ['Interested', 'Callback Requested'] } },
    });
  });

  test('bad values are named by field, all at once', () => {
    expect(relayFilter(vyora, { classifications: [1, 'x'], min_duration_seconds: -1 })).toEqual({
      ok: false,
      issues: [
        { field: 'classifications', message: 'must be a list of words, or one text of comma-separated words' },
        { field: 'min_duration_seconds', message: 'must be a number of at least 0 (got -1)' },
      ],
    });
    expect(relayFilter(vyora, { min_duration_seconds: 'soon' })).toEqual({
      ok: false,
      issues: [{ field: 'min_duration_seconds', message: 'must be a number of at least 0 (got "soon")' }],
    });
    const many = Array.from({ length: 51 }, (_, i) => `c${i}`);
    expect(relayFilter(vyora, { classifications: many })).toMatchObject({ ok: false, issues: [{ field: 'classifications' }] });
    expect(relayFilter(vyora, { classifications: ['x'.repeat(201)] })).toMatchObject({ ok: false, issues: [{ field: 'classifications' }] });
  });

  test('a provider without filter fields ignores values', () => {
    expect(relayFilter(providers.aila, { classifications: ['Interested'] })).toEqual({ ok: true, filter: null });
  });
});
