import { normalizeWebhook, providers, type ProviderSpec } from '@callbridge/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const fixture = (provider: string, name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', provider, `${name}.json`), 'utf8')) as unknown;

/**
 * Each provider's webhook samples (what test deliveries and no-code samples are made of):
 * one per documented event, equal to the documents' example where the documents give one,
 * and each a body the provider's own normalization accepts as that event.
 */
const withHooks = Object.values(providers as Record<string, ProviderSpec>).filter((p) => p.webhooks);

describe.each(withHooks.map((p) => [p.id, p] as const))('%s webhook samples', (_id, spec) => {
  const hooks = spec.webhooks!;
  const samples = hooks.samples ?? {};

  test('a sample for every event it lists (Ayra, whose set is open, for each event it names), and none beside', () => {
    expect(Object.keys(samples).sort()).toEqual([...hooks.events].sort());
  });

  test.each(Object.keys(samples))('%s normalizes as that event', (event) => {
    const raw = Buffer.from(JSON.stringify(samples[event]));
    const n = normalizeWebhook(spec, { rawBody: raw, headers: hooks.eventHeader ? { [hooks.eventHeader]: event } : {}, now: 0 });
    expect(n.type).toBe(`${spec.id}.${event}`);
  });
});

test("the documents' own examples (the shared fixtures) are the samples of their events", () => {
  expect(providers.vyora.webhooks?.samples?.['call_completed']).toEqual(fixture('vyora', 'webhook.call_completed'));
  expect(providers.aila.webhooks?.samples?.['call.completed']).toEqual(fixture('aila', 'webhook.call.completed'));
  expect(providers.aila.webhooks?.samples?.['test.ping']).toEqual(fixture('aila', 'webhook.test.ping'));
  expect(providers.ayra.webhooks?.samples?.['conversation.completed']).toEqual(fixture('ayra', 'webhook.conversation.completed'));
});
