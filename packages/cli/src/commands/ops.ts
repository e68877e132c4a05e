import { describeFields, requiredFields, type OperationSpec, type ProviderSpec } from '@callbridge/core';
import { defineCommand, expectArgs } from '../command';
import { formatJson, writeLine } from '../io';
import { envNames, knownProviders, resolveProvider } from '../providers';
import { table } from '../table';

function operationSummary(op: OperationSpec): Record<string, unknown> {
  return {
    name: op.name,
    method: op.method,
    path: op.path,
    summary: op.summary,
    required: requiredFields(op),
    list: op.list !== undefined,
  };
}

function operationDetail(op: OperationSpec): Record<string, unknown> {
  return {
    ...operationSummary(op),
    description: op.description,
    idempotent: op.idempotent,
    fields: describeFields(op).map((f) => ({
      name: f.name,
      required: f.required,
      kind: f.kind,
      in: f.in,
      ...(f.choices ? { choices: f.choices } : {}),
      ...(f.min !== undefined ? { min: f.min } : {}),
      ...(f.max !== undefined ? { max: f.max } : {}),
      ...(f.default !== undefined ? { default: f.default } : {}),
      ...(f.example !== undefined ? { example: f.example } : {}),
      help: f.help,
    })),
  };
}

function providerJson(spec: ProviderSpec, detailed: boolean): Record<string, unknown> {
  const ops = Object.values(spec.operations);
  return {
    id: spec.id,
    name: spec.name,
    description: spec.description,
    baseUrl: spec.baseUrl,
    env: envNames(spec.id),
    webhooks: spec.webhooks !== undefined,
    operations: ops.map(detailed ? operationDetail : operationSummary),
  };
}

function operationsTable(spec: ProviderSpec): string {
  return table(
    ['OPERATION', 'METHOD', 'PATH', 'SUMMARY', 'REQUIRED'],
    Object.values(spec.operations).map((op) => [op.name, op.method, op.path, op.summary, requiredFields(op).join(', ') || '-']),
    '  ',
  );
}

export function providerDetail(spec: ProviderSpec): string {
  const env = envNames(spec.id);
  const lines = [
    `${spec.name} (${spec.id}): ${spec.description}`,
    `  base URL ${spec.baseUrl} (override with ${env.baseUrl}); API key in ${env.apiKey}` +
      (spec.webhooks ? `; webhook secret in ${env.webhookSecret}` : '; no webhooks'),
    '',
    operationsTable(spec),
  ];
  for (const op of Object.values(spec.operations)) {
    lines.push('', `${op.name}: ${op.summary}${op.list ? ' (list: use `callbridge list`)' : ''}`);
    const fields = describeFields(op);
    if (fields.length === 0) {
      lines.push('  no input fields');
      continue;
    }
    lines.push(
      table(
        ['FIELD', 'REQUIRED', 'KIND', 'CHOICES'],
        fields.map((f) => [f.name, f.required ? 'yes' : 'no', f.kind, f.choices?.join(', ') ?? '']),
        '  ',
      ),
    );
  }
  return lines.join('\n');
}

export const ops = defineCommand({
  name: 'ops',
  usage: '[provider] [--json]',
  summary: 'list providers and their operations',
  flags: { json: { type: 'boolean' } },
  help: `Without a provider, lists every provider's operations: name, method, path, summary and
required fields. With a provider, also lists each operation's fields: name, whether it is
required, its kind and, for enums, its choices.

Options:
  --json    machine-readable output (with a provider: every field's details too)

Examples:
  callbridge ops
  callbridge ops vyora
  callbridge ops vyora --json | jq '.operations[].name'`,
  async run({ args, flags }, ctx) {
    expectArgs('ops', args, ['provider'], 1);
    const stdout = ctx.io.stdout;
    const only = args[0] !== undefined ? resolveProvider(args[0]) : undefined;
    const specs = only ? [only] : knownProviders();
    if (flags.json) {
      const out = only ? providerJson(only, true) : specs.map((s) => providerJson(s, false));
      await writeLine(stdout, formatJson(out, stdout));
      return 0;
    }
    if (only) {
      await writeLine(stdout, providerDetail(only));
      return 0;
    }
    const blocks = specs.map((s) => `${s.name} (${s.id}): ${s.description}\n${operationsTable(s)}`);
    blocks.push('Run `callbridge ops <provider>` for each operation\'s fields.');
    await writeLine(stdout, blocks.join('\n\n'));
    return 0;
  },
});
