import { relayFilter, vyora } from '@callbridge/core';
import { compileFilter } from '../../../relay/src/filters/compile';
import { deliveryBody } from '../../../relay/src/delivery/payload';

/**
 * The filter the relay triggers' plain fields build (core's relayFilter, used by this app and
 * by the n8n Vyora Trigger) must be one the relay accepts, and must pick out exactly the
 * deliveries it describes when the relay runs it over a delivery body.
 */

function delivery(type: string, data: Record<string, unknown>): unknown {
  return JSON.parse(deliveryBody({ id: 'evt_1', type, provider: 'vyora', source: 'default', createdAt: '2026-05-24T10:31:40Z', data: JSON.stringify(data), test: false }));
}

const sample = vyora.webhooks?.samples?.['all_processing_completed'] as Record<string, unknown>;

test('the relay accepts the filter and applies each condition to the call in the delivery', () => {
  const built = relayFilter(vyora, { classifications: ['Interested', 'Callback Requested'], min_duration_seconds: 30 });
  if (!built.ok || !built.filter) throw new Error(`no filter built: ${JSON.stringify(built)}`);
  const compiled = compileFilter(built.filter);
  if (!compiled.ok) throw new Error(`the relay refused the filter: ${compiled.message}`);
  const { matches } = compiled.filter;
  const type = 'vyora.all_processing_completed';
  expect(matches(delivery(type, sample))).toBe(true);
  expect(matches(delivery(type, { ...sample, analysis: { summary: 'x', classification: 'Callback Requested' } }))).toBe(true);
  expect(matches(delivery(type, { ...sample, analysis: { summary: 'x', classification: 'Not Interested' } }))).toBe(false);
  expect(matches(delivery(type, { ...sample, duration_seconds: 29 }))).toBe(false);
  // A call that has not been analysed yet never meets a classification condition.
  expect(matches(delivery('vyora.call_completed', { ...sample, analysis: null }))).toBe(false);
});

test('a minimum alone passes calls of that length or more, whatever their classification', () => {
  const built = relayFilter(vyora, { min_duration_seconds: 47 });
  const compiled = built.ok && built.filter ? compileFilter(built.filter) : undefined;
  if (!compiled?.ok) throw new Error('the relay refused the minimum-only filter');
  expect(compiled.filter.matches(delivery('vyora.call_completed', { ...sample, duration_seconds: 47, analysis: null }))).toBe(true);
  expect(compiled.filter.matches(delivery('vyora.call_completed', { ...sample, duration_seconds: 46 }))).toBe(false);
});
