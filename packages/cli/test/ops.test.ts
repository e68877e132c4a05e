import { defineOperation, defineProvider, describeFields, field, operations, requiredFields, vyora } from '@callbridge/core';
import { providerDetail } from '../src/commands/ops';
import { knownProviders } from '../src/providers';
import { run } from './helpers';

describe('ops', () => {
  test('without a provider: every provider and operation with method, path, summary and required fields', async () => {
    const r = await run(['ops']);
    expect(r.code).toBe(0);
    const blocks = r.stdout.split('\n\n');
    for (const spec of knownProviders()) {
      const block = blocks.find((b) => b.startsWith(`${spec.name} (${spec.id}): `));
      expect(block).toBeDefined();
      for (const op of Object.values(spec.operations)) {
        const row = (block as string).split('\n').find((l) => l.trimStart().startsWith(`${op.name} `));
        expect(row).toBeDefined();
        const cells = (row as string).trim().split(/\s{2,}/);
        expect(cells).toEqual([op.name, op.method, op.path, op.summary, requiredFields(op).join(', ') || '-']);
      }
    }
  });

  test('--json without a provider lists every operation, as data', async () => {
    const r = await run(['ops', '--json']);
    const out = JSON.parse(r.stdout) as Array<{ id: string; operations: Array<{ name: string; required: string[]; list: boolean }> }>;
    expect(out.map((p) => p.id)).toEqual(knownProviders().map((p) => p.id));
    const v = out.find((p) => p.id === 'vyora');
    expect(v?.operations.map((o) => o.name)).toEqual(Object.keys(vyora.operations));
    expect(v?.operations.find((o) => o.name === 'calls.trigger')).toMatchObject({ required: ['phone_number'], list: false });
  });

  test('with a provider: each field with required, kind and choices, and the environment variables', async () => {
    const r = await run(['ops', 'vyora']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('VYORA_API_KEY');
    expect(r.stdout).toContain('VYORA_BASE_URL');
    const lines = r.stdout.split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(lines).toContainEqual(['phone_number', 'yes', 'phone']);
    expect(lines).toContainEqual(['agent_name', 'no', 'string']);
    expect(lines).toContainEqual(['custom_args', 'no', 'key_value']);
  });

  test('--json with a provider: every field of every operation', async () => {
    const r = await run(['ops', 'vyora', '--json']);
    const out = JSON.parse(r.stdout) as { id: string; env: Record<string, string>; operations: Array<{ name: string; fields: Array<Record<string, unknown>> }> };
    expect(out.env).toEqual({ apiKey: 'VYORA_API_KEY', baseUrl: 'VYORA_BASE_URL', webhookSecret: 'VYORA_WEBHOOK_SECRET' });
    for (const op of Object.values(vyora.operations)) {
      const printed = out.operations.find((o) => o.name === op.name);
      expect(printed?.fields.map((f) => [f.name, f.required, f.kind])).toEqual(describeFields(op).map((f) => [f.name, f.required, f.kind]));
    }
  });

  test('enum choices appear in the field table', () => {
    const spec = defineProvider({
      id: 'ayra',
      name: 'Test',
      description: 'A provider made up for this test.',
      baseUrl: 'https://example.invalid',
      docsUrl: 'https://example.invalid/docs',
      auth: { type: 'bearer' },
      keyHelp: 'none',
      pagination: { style: 'none' },
      rateLimit: { requests: 1, perMs: 1000 },
      testOperation: 'things.list',
      operations: operations(
        defineOperation('things.list', {
          summary: 'List things',
          description: 'Lists things.',
          method: 'GET',
          path: '/things',
          list: { itemsPath: 'data' },
          fields: { status: field.enum(['active', 'paused'], { label: 'Status', help: 'Filter.', in: 'query', required: true }) },
        }),
      ),
    });
    const text = providerDetail(spec);
    expect(text.split('\n').map((l) => l.trim().split(/\s{2,}/))).toContainEqual(['status', 'yes', 'enum', 'active, paused']);
    expect(text).toContain('no webhooks');
  });

  test('an unknown provider is exit 2 and lists the known ones', async () => {
    const r = await run(['ops', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown provider "nope"');
    expect(r.stderr).toContain(`Known providers: ${knownProviders().map((p) => p.id).join(', ')}`);
  });

  test('two providers is exit 2', async () => {
    const r = await run(['ops', 'vyora', 'vyora']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unexpected argument');
  });
});
