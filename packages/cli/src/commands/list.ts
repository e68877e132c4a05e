import type { OperationSpec, ProviderSpec } from '@callbridge/core';
import { defineCommand, expectArgs } from '../command';
import { UsageError } from '../errors';
import { writeLine } from '../io';
import { readJsonInput } from '../json-input';
import { clientFromEnv, knownProviders, resolveOperation, resolveProvider, validateOnly } from '../providers';

function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--limit must be a positive integer (got "${value}")`, { field: '--limit' });
  }
  return n;
}

function pageSizeParam(spec: ProviderSpec): string | undefined {
  const p = spec.pagination;
  if (p.style === 'offset') return p.limitParam;
  if (p.style === 'page' || p.style === 'cursor') return p.sizeParam;
  return undefined;
}

/**
 * "The first page's worth": the page size the input asks for, else the provider's default
 * page size. A provider without pagination returns everything in its one response.
 */
function defaultLimit(spec: ProviderSpec, input: Record<string, unknown>): number | undefined {
  if (spec.pagination.style === 'none') return undefined;
  const param = pageSizeParam(spec);
  const asked = param !== undefined ? Number(input[param]) : NaN;
  return Number.isInteger(asked) && asked > 0 ? asked : spec.pagination.defaultSize;
}

/** Each provider's default page size, for the help text, read from the specs. */
const DEFAULT_SIZES = knownProviders()
  .flatMap((p) =>
    p.pagination.style !== 'none' && Object.values(p.operations).some((o) => o.list) ? [`${p.name} ${p.pagination.defaultSize}`] : [],
  )
  .join(', ');

function listOperations(spec: ProviderSpec): string {
  const names = Object.values(spec.operations)
    .filter((o: OperationSpec) => o.list)
    .map((o) => o.name);
  return names.length > 0 ? names.join(', ') : 'none';
}

export const list = defineCommand({
  name: 'list',
  usage: "<provider> <operation> [--json '{...}'] [--all | --limit N]",
  summary: 'paginate, print one JSON object per line',
  flags: {
    json: { type: 'string' },
    all: { type: 'boolean' },
    limit: { type: 'string' },
  },
  help: `Pages through a list operation and prints each item as one line of JSON (NDJSON) as
soon as its page arrives. Without --all or --limit it prints the first page's worth: the
page size given in --json (per_page, limit), else the provider's default page size
(${DEFAULT_SIZES}). An error part-way exits 1 after the items already printed.

Options:
  --json '{...}'    filters and paging fields of the operation, as for \`callbridge call\`
                    (also --json @file.json or --json - for stdin)
  --all             every item, across all pages
  --limit N         at most N items (a positive integer); no page past the one holding
                    the Nth item is fetched
  -v, --verbose     log each request, response and retry to stderr

Examples:
  callbridge list vyora agents.list --all
  callbridge list vyora agents.list --limit 10 | jq -r .name`,
  async run({ args, flags }, ctx) {
    expectArgs('list', args, ['provider', 'operation']);
    const spec = resolveProvider(args[0] as string);
    const op = resolveOperation(spec, args[1] as string);
    if (!op.list) {
      throw new UsageError(`${op.name} is not a list operation; use \`callbridge call ${spec.id} ${op.name}\``, {
        field: 'operation',
        hints: [`${spec.name} list operations: ${listOperations(spec)}`],
      });
    }
    if (flags.all && flags.limit !== undefined) {
      throw new UsageError('use either --all or --limit, not both', { field: '--limit' });
    }
    const explicitLimit = flags.limit !== undefined ? parseLimit(flags.limit) : undefined;
    const input = await readJsonInput(ctx.io, flags.json);
    validateOnly(spec, op.name, input);
    const limit = flags.all ? undefined : (explicitLimit ?? defaultLimit(spec, input));
    const client = clientFromEnv(spec, ctx, flags.verbose === true);
    const stdout = ctx.io.stdout;
    for await (const item of client.list(op.name, input, limit !== undefined ? { limit } : {})) {
      await writeLine(stdout, JSON.stringify(item) ?? 'null');
    }
    return 0;
  },
});
