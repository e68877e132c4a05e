import nock from 'nock';
import {
  createClient,
  describeFields,
  getProvider,
  providers,
  requiredFields,
  sampleItems,
  sampleOutput,
  makeKind,
  zapierKind,
  type OperationSpec,
  type ProviderSpec,
} from '@callbridge/core';
import { answer, fixture } from './helpers';

/**
 * What every wrapper relies on, for every operation of every provider: a sample, labels and
 * help, examples that pass their own validation, dropdowns that point at real list
 * operations, and samples that match what a call returns.
 */

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const specs = Object.values(providers) as ProviderSpec[];
const allOps: Array<[string, ProviderSpec, OperationSpec]> = specs.flatMap((spec) =>
  Object.values(spec.operations).map((op) => [`${spec.id} ${op.name}`, spec, op] as [string, ProviderSpec, OperationSpec]),
);

const SMALL_WORDS = new Set(['a', 'an', 'and', 'or', 'of', 'to', 'in', 'for', 'per', 'the', 'by', 'on']);
function isTitleCase(label: string): boolean {
  return label.split(' ').every((word, i) => {
    const first = word.replace(/^[(]/, '').charAt(0);
    if (i > 0 && SMALL_WORDS.has(word)) return true;
    return first === first.toUpperCase() && /[A-Z0-9]/.test(first);
  });
}

test('the registry holds all four providers, under their ids', () => {
  expect(Object.keys(providers).sort()).toEqual(['aila', 'ayla', 'ayra', 'vyora']);
  for (const spec of specs) expect(getProvider(spec.id)).toBe(spec);
});

test('the title-case check itself tells good labels from bad', () => {
  expect(isTitleCase('Poll Interval (Seconds)')).toBe(true);
  expect(isTitleCase('Volume (Last Hour)')).toBe(true);
  expect(isTitleCase('Per Page')).toBe(true);
  expect(isTitleCase('per page')).toBe(false);
  expect(isTitleCase('Sender id')).toBe(false);
});

describe.each(allOps)('%s', (_name, spec, op) => {
  test('has a summary, a description, a sample and a Zapier surface', () => {
    expect(op.summary).toMatch(/^[A-Z].+[^.]$/);
    expect(op.description).toMatch(/^[A-Z].*\.$/);
    expect(op.sample).toBeDefined();
    expect(['create', 'search', 'none']).toContain(op.surfaces.zapier);
    expect(zapierKind(op)).toBe(op.surfaces.zapier);
  });

  test('every field has a Title Case label and help text', () => {
    for (const f of describeFields(op)) {
      expect([f.name, isTitleCase(f.label)]).toEqual([f.name, true]);
      expect([f.name, /^[A-Z].{9,}[.)]$/.test(f.help)]).toEqual([f.name, true]);
    }
  });

  test('every example passes its own field\'s validation; every default is a choice', () => {
    for (const [name, f] of Object.entries(op.fields)) {
      if (f.meta.example !== undefined) {
        const r = f.schema.safeParse(f.meta.example);
        expect([name, r.success]).toEqual([name, true]);
      }
      if (f.meta.default !== undefined && f.meta.choices) expect(f.meta.choices).toContain(f.meta.default);
    }
  });

  test('required fields all have examples, so a sample input can be built', () => {
    for (const name of requiredFields(op)) expect([name, op.fields[name]?.meta.example !== undefined]).toEqual([name, true]);
  });

  test('dropdowns point at a list operation of the same provider whose items carry value and label', () => {
    for (const f of describeFields(op)) {
      if (!f.dynamic) continue;
      const source = spec.operations[f.dynamic.operation];
      expect(source?.list).toBeDefined();
      const first = sampleItems(source as OperationSpec)[0] as Record<string, unknown> | undefined;
      expect(first).toBeDefined();
      expect(first).toHaveProperty(f.dynamic.value);
      expect(first).toHaveProperty(f.dynamic.label);
    }
  });

  test('called with its examples against its sample, it returns sampleOutput', async () => {
    const input = Object.fromEntries(
      Object.entries(op.fields)
        .filter(([, f]) => f.meta.example !== undefined)
        .map(([k, f]) => [k, f.meta.example]),
    );
    const { seen } = answer(new URL(spec.baseUrl).origin, op.method, 200, op.sample);
    const client = createClient(spec, { apiKey: 'k_catalog', rateLimit: false, retry: { maxAttempts: 1 } });
    await expect(client.call(op.name, input)).resolves.toEqual(sampleOutput(spec, op));
    expect(seen).toHaveLength(1);
  });
});

test('sampleOutput unwraps an envelope only for single objects', () => {
  const aila = providers.aila as ProviderSpec;
  const get = aila.operations['calls.get'] as OperationSpec;
  const list = aila.operations['calls.list'] as OperationSpec;
  expect(sampleOutput(aila, get)).toEqual((get.sample as { data: unknown }).data);
  expect(sampleOutput(aila, list)).toBe(list.sample);
  const vyora = providers.vyora as ProviderSpec;
  const call = vyora.operations['calls.get'] as OperationSpec;
  expect(sampleOutput(vyora, call)).toBe(call.sample);
});

test('zapierKind falls back to the kind of the operation', () => {
  const base = providers.vyora.operations['calls.get'] as OperationSpec;
  expect(zapierKind({ ...base, surfaces: {} })).toBe('search');
  expect(zapierKind({ ...base, method: 'POST', surfaces: {} })).toBe('create');
  expect(zapierKind({ ...(providers.vyora.operations['calls.waitForAnalysis'] as OperationSpec), surfaces: {} })).toBe('none');
});

test('makeKind: lists are searches, other calls actions, polling composites left out, and a spec may say otherwise', () => {
  const vyora = providers.vyora.operations;
  expect(makeKind(vyora['agents.list'] as OperationSpec)).toBe('search');
  expect(makeKind(vyora['calls.get'] as OperationSpec)).toBe('action');
  expect(makeKind(vyora['calls.trigger'] as OperationSpec)).toBe('action');
  expect(makeKind(vyora['calls.waitForAnalysis'] as OperationSpec)).toBe('none');
  expect(makeKind({ ...(vyora['calls.get'] as OperationSpec), surfaces: { make: 'none' } })).toBe('none');
});

describe('samples match the shared fixtures taken from the documents', () => {
  test.each([
    ['ayra', 'agents.list', 'agents.list.page1'],
    ['ayra', 'contacts.create', 'contacts.create'],
    ['vyora', 'agents.list', 'agents.list'],
    ['vyora', 'calls.get', 'calls.get'],
    ['vyora', 'calls.trigger', 'calls.trigger'],
    ['aila', 'calls.list', 'calls.list'],
    ['ayla', 'messages.analyze', 'messages.analyze'],
    ['ayla', 'channel.decide', 'channel.decide'],
    ['ayla', 'sender.verify', 'sender.verify'],
    ['ayla', 'carriers.health', 'carriers.health'],
  ])('%s %s = fixtures/%s/%s.json', (provider, opName, file) => {
    const op = getProvider(provider).operations[opName] as OperationSpec;
    expect(op.sample).toEqual(fixture(provider, file));
  });

  test.each([
    ['ayra', 'contacts.create', 'contacts.create.request'],
    ['vyora', 'calls.trigger', 'calls.trigger.request'],
    ['ayla', 'messages.analyze', 'messages.analyze.request'],
  ])('the documents\' example requests are valid %s %s input', (provider, opName, file) => {
    const client = createClient(getProvider(provider), { rateLimit: false });
    expect(client.validate(opName, fixture(provider, file))).toEqual(fixture(provider, file));
  });
});
