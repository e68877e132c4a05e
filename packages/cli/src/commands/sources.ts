import { ADMIN_FLAGS, ADMIN_OPTIONS, adminClient, seg } from '../admin-command';
import { bodyFromFlags, fieldFlags, fieldHelp, flagName, requireFlags, type Field } from '../admin-fields';
import { col, objectTable, pageTable, show, type Column } from '../admin-output';
import { defineCommand, expectArgs, type Context } from '../command';
import { UsageError } from '../errors';
import { defineGroup } from '../group';

/** `callbridge sources …`: one provider workspace each, with its own hook URL and secrets. */
const SECRET_FIELDS = ['webhook_secret', 'api_key'];

const EDITABLE: readonly Field[] = [
  { name: 'name', kind: 'string', help: 'a name for people, e.g. the client workspace' },
  { name: 'webhook_secret', kind: 'string', help: "the provider's webhook signing secret (write-only)" },
  { name: 'api_key', kind: 'string', nullable: true, help: 'the API key actions run with (write-only)' },
  { name: 'base_url', kind: 'string', nullable: true, help: "overrides the provider's base URL" },
  { name: 'organization_id', kind: 'string', nullable: true, help: 'the provider organization (Aila webhooks)' },
];
const CREATE_FIELDS: readonly Field[] = [
  { name: 'provider', kind: 'string', choices: ['ayra', 'vyora', 'aila', 'ayla'], help: 'which provider' },
  ...EDITABLE.map((f) => (f.nullable ? { ...f, nullable: false } : f)),
];

const COLUMNS: readonly Column[] = [col('ID', 'id'), col('PROVIDER', 'provider'), col('NAME', 'name'), col('MANAGED_BY', 'managed_by'), col('HOOK_URL', 'hook_url')];

/** Secrets given on the command line are never echoed back in an error message. */
function hideSecrets(ctx: Context, flags: Readonly<Record<string, unknown>>): void {
  for (const f of SECRET_FIELDS) {
    const v = flags[flagName(f)];
    if (typeof v === 'string') ctx.addSecret(v);
  }
}

const list = defineCommand({
  name: 'sources list',
  usage: '',
  summary: 'list sources: the environment’s (default) first, then those added here',
  flags: { ...ADMIN_FLAGS },
  help: `${ADMIN_OPTIONS}

Examples:
  callbridge sources list`,
  async run({ args, flags }, ctx) {
    expectArgs('sources list', args, []);
    const page = await adminClient(ctx, flags).request('GET', '/v1/sources');
    await show(ctx, flags.json, page, (p) => pageTable(p, COLUMNS, 'no sources'));
    return 0;
  },
});

const get = defineCommand({
  name: 'sources get',
  usage: '<id>',
  summary: 'show a source (secrets are write-only: only whether they are set)',
  flags: { ...ADMIN_FLAGS },
  help: `${ADMIN_OPTIONS}

Examples:
  callbridge sources get src_8Jd2…`,
  async run({ args, flags }, ctx) {
    expectArgs('sources get', args, ['id']);
    const source = await adminClient(ctx, flags).request('GET', `/v1/sources/${seg(args[0] as string)}`);
    await show(ctx, flags.json, source, (s) => objectTable(s));
    return 0;
  },
});

const create = defineCommand({
  name: 'sources create',
  usage: '--provider P --name N --webhook-secret S [--api-key K] [--base-url U] [--organization-id O]',
  summary: 'add a provider workspace; prints its hook URL',
  flags: { ...ADMIN_FLAGS, ...fieldFlags(CREATE_FIELDS) },
  help: `Adds a source and prints its hook_url: set that as the webhook URL in the provider's
dashboard. Its events are verified with its own secret and carry its id.

Options:
${fieldHelp(CREATE_FIELDS)}
${ADMIN_OPTIONS}

Examples:
  callbridge sources create --provider vyora --name "Acme workspace" --webhook-secret "$ACME_VYORA_SECRET"`,
  async run({ args, flags }, ctx) {
    expectArgs('sources create', args, []);
    hideSecrets(ctx, flags);
    requireFlags(['provider', 'name'], flags, 'sources create');
    const source = await adminClient(ctx, flags).request('POST', '/v1/sources', { body: bodyFromFlags(CREATE_FIELDS, flags) });
    await show(ctx, flags.json, source, (s) => `${objectTable(s)}\n\nPoint the provider's webhooks at ${String(s['hook_url'])}`);
    return 0;
  },
});

const update = defineCommand({
  name: 'sources update',
  usage: '<id> [--name N] [--webhook-secret S] [--api-key K|null] …',
  summary: 'change a source’s name or secrets',
  flags: { ...ADMIN_FLAGS, ...fieldFlags(EDITABLE) },
  help: `Changes only the fields given. The environment's sources (id default) are read-only.

Options:
${fieldHelp(EDITABLE)}
${ADMIN_OPTIONS}

Examples:
  callbridge sources update src_8Jd2… --webhook-secret "$NEW_SECRET"
  callbridge sources update src_8Jd2… --base-url null`,
  async run({ args, flags }, ctx) {
    expectArgs('sources update', args, ['id']);
    hideSecrets(ctx, flags);
    const body = bodyFromFlags(EDITABLE, flags);
    if (Object.keys(body).length === 0) {
      throw new UsageError('nothing to change: give at least one field', { hints: [`Fields: ${EDITABLE.map((f) => `--${flagName(f.name)}`).join(', ')}`] });
    }
    const source = await adminClient(ctx, flags).request('PATCH', `/v1/sources/${seg(args[0] as string)}`, { body });
    await show(ctx, flags.json, source, (s) => objectTable(s));
    return 0;
  },
});

const remove = defineCommand({
  name: 'sources delete',
  usage: '<id>',
  summary: 'delete a source: its hook URL answers 404, its events stay',
  flags: { ...ADMIN_FLAGS },
  help: `${ADMIN_OPTIONS}

Examples:
  callbridge sources delete src_8Jd2…`,
  async run({ args, flags }, ctx) {
    expectArgs('sources delete', args, ['id']);
    const id = args[0] as string;
    await adminClient(ctx, flags).request('DELETE', `/v1/sources/${seg(id)}`);
    await show(ctx, flags.json, { id, deleted: true }, () => `deleted ${id}`);
    return 0;
  },
});

export const sources = defineGroup({
  name: 'sources',
  summary: 'manage provider workspaces (sources) in the relay',
  intro: `The relay's /v1/sources from a terminal (admin token only): each source is one provider
workspace with its own hook URL, webhook secret and API key. Secrets are write-only.`,
  options: ADMIN_OPTIONS,
  examples: `  callbridge sources create --provider vyora --name "Acme" --webhook-secret "$ACME_VYORA_SECRET"
  callbridge sources list`,
  subcommands: [list, get, create, update, remove],
});
