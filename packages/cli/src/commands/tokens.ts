import { ADMIN_FLAGS, ADMIN_OPTIONS, adminClient, seg } from '../admin-command';
import { bodyFromFlags, fieldFlags, fieldHelp, requireFlags, type Field } from '../admin-fields';
import { col, objectTable, pageTable, show, type Column } from '../admin-output';
import { defineCommand, expectArgs } from '../command';
import { defineGroup } from '../group';

/** `callbridge tokens …`: tokens scoped to some sources, for a client or a teammate. */
const CREATE_FIELDS: readonly Field[] = [
  { name: 'name', kind: 'string', help: 'who or what it is for' },
  { name: 'sources', kind: 'list', help: 'the source ids it may see and manage (1 to 100), e.g. default,src_8Jd2…' },
];

const COLUMNS: readonly Column[] = [col('ID', 'id'), col('NAME', 'name'), col('SOURCES', 'sources'), col('LAST_USED_AT', 'last_used_at'), col('CREATED_AT', 'created_at')];

const list = defineCommand({
  name: 'tokens list',
  usage: '',
  summary: 'list scoped tokens (never the tokens themselves)',
  flags: { ...ADMIN_FLAGS },
  help: `${ADMIN_OPTIONS}

Examples:
  callbridge tokens list`,
  async run({ args, flags }, ctx) {
    expectArgs('tokens list', args, []);
    const page = await adminClient(ctx, flags).request('GET', '/v1/tokens');
    await show(ctx, flags.json, page, (p) => pageTable(p, COLUMNS, 'no tokens'));
    return 0;
  },
});

const create = defineCommand({
  name: 'tokens create',
  usage: '--name N --sources s1,s2',
  summary: 'make a token limited to some sources; shown once',
  flags: { ...ADMIN_FLAGS, ...fieldFlags(CREATE_FIELDS) },
  help: `Prints the new token (cbr_…) once: the relay keeps only its hash. A scoped token sees and
manages only its sources' events, deliveries and subscriptions, and no sources or tokens.

Options:
${fieldHelp(CREATE_FIELDS)}
${ADMIN_OPTIONS}

Examples:
  callbridge tokens create --name "Acme's Make account" --sources src_8Jd2…`,
  async run({ args, flags }, ctx) {
    expectArgs('tokens create', args, []);
    requireFlags(['name', 'sources'], flags, 'tokens create');
    const token = await adminClient(ctx, flags).request('POST', '/v1/tokens', { body: bodyFromFlags(CREATE_FIELDS, flags) });
    await show(ctx, flags.json, token, (t) => `${objectTable(t)}\n\nThe token is shown only this once: store it now.`);
    return 0;
  },
});

const remove = defineCommand({
  name: 'tokens delete',
  usage: '<id>',
  summary: 'revoke a token, at once, on every replica',
  flags: { ...ADMIN_FLAGS },
  help: `${ADMIN_OPTIONS}

Examples:
  callbridge tokens delete tok_5Qm1…`,
  async run({ args, flags }, ctx) {
    expectArgs('tokens delete', args, ['id']);
    const id = args[0] as string;
    await adminClient(ctx, flags).request('DELETE', `/v1/tokens/${seg(id)}`);
    await show(ctx, flags.json, { id, deleted: true }, () => `deleted ${id}`);
    return 0;
  },
});

export const tokens = defineGroup({
  name: 'tokens',
  summary: 'manage tokens scoped to sources',
  intro: "The relay's /v1/tokens from a terminal (admin token only).",
  options: ADMIN_OPTIONS,
  examples: `  callbridge tokens create --name "Acme" --sources src_8Jd2…
  callbridge tokens list
  callbridge tokens delete tok_5Qm1…`,
  subcommands: [list, create, remove],
});
