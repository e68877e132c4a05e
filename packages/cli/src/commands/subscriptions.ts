import { ADMIN_FLAGS, ADMIN_OPTIONS, adminClient, seg } from '../admin-command';
import { bodyFromFlags, fieldFlags, fieldHelp, flagName, parseLimit, requireFlags, type Field } from '../admin-fields';
import { col, objectTable, pageTable, show, type Column } from '../admin-output';
import { defineCommand, expectArgs } from '../command';
import { UsageError } from '../errors';
import { defineGroup } from '../group';

/** `callbridge subscriptions …`: `/v1/subscriptions`, where receivers attach to the relay. */
const EDITABLE: readonly Field[] = [
  { name: 'target_url', kind: 'string', help: 'where deliveries are POSTed (http or https)' },
  { name: 'events', kind: 'list', help: 'event types: vyora.call_completed, vyora.* or * (default *)' },
  { name: 'headers', kind: 'json', help: 'extra headers on each delivery, e.g. \'{"x-make-apikey":"…"}\'' },
  { name: 'description', kind: 'string', nullable: true, help: 'a note for people (at most 500 characters)' },
  { name: 'filter', kind: 'json', nullable: true, help: 'MongoDB-style query over the delivery body, e.g. \'{"data.duration_seconds":{"$gte":30}}\'' },
  { name: 'rate_limit_per_second', kind: 'number', nullable: true, help: 'most delivery attempts per second (0.5 = one every 2 s)' },
  { name: 'sources', kind: 'list', nullable: true, help: 'source ids whose events it gets (default: all)' },
];
const CREATE_FIELDS = EDITABLE.map((f) => (f.nullable ? { ...f, nullable: false } : f));
const UPDATE_FIELDS: readonly Field[] = [...EDITABLE, { name: 'status', kind: 'string', choices: ['active', 'disabled'], help: 'disable or re-enable it' }];

const COLUMNS: readonly Column[] = [
  col('ID', 'id'),
  col('STATUS', 'status'),
  col('EVENTS', 'events'),
  col('SOURCES', 'sources'),
  col('DESCRIPTION', 'description'),
  col('TARGET_URL', 'target_url'),
];

const path = (id: string, rest = ''): string => `/v1/subscriptions/${seg(id)}${rest}`;

const list = defineCommand({
  name: 'subscriptions list',
  usage: '[--limit N] [--cursor C]',
  summary: 'list subscriptions (secrets are never listed)',
  flags: { ...ADMIN_FLAGS, limit: { type: 'string' }, cursor: { type: 'string' } },
  help: `Options:
  --limit N                 at most N per page
  --cursor C                the page after the one that printed "more: --cursor C"
${ADMIN_OPTIONS}

Examples:
  callbridge subscriptions list
  callbridge subscriptions list --json | jq -r '.data[].id'`,
  async run({ args, flags }, ctx) {
    expectArgs('subscriptions list', args, []);
    const page = await adminClient(ctx, flags).request('GET', '/v1/subscriptions', { query: { limit: parseLimit(flags.limit), cursor: flags.cursor } });
    await show(ctx, flags.json, page, (p) => pageTable(p, COLUMNS, 'no subscriptions'));
    return 0;
  },
});

const get = defineCommand({
  name: 'subscriptions get',
  usage: '<id>',
  summary: 'show one subscription, with its signing secret',
  flags: { ...ADMIN_FLAGS },
  help: `${ADMIN_OPTIONS}

Examples:
  callbridge subscriptions get sub_3kTq…`,
  async run({ args, flags }, ctx) {
    expectArgs('subscriptions get', args, ['id']);
    const sub = await adminClient(ctx, flags).request('GET', path(args[0] as string));
    await show(ctx, flags.json, sub, (s) => objectTable(s));
    return 0;
  },
});

const create = defineCommand({
  name: 'subscriptions create',
  usage: "--target-url URL [--events a,b] [--filter '{...}'] [--rate-limit-per-second N] …",
  summary: 'subscribe a receiver; prints its signing secret',
  flags: { ...ADMIN_FLAGS, ...fieldFlags(CREATE_FIELDS) },
  help: `Creates a subscription and prints it with its signing secret (whsec_…): the receiver
verifies each delivery's Standard Webhooks signature with it.

Options:
${fieldHelp(CREATE_FIELDS)}
${ADMIN_OPTIONS}

Examples:
  callbridge subscriptions create --target-url https://hook.eu1.make.com/abc --events vyora.call_completed
  callbridge subscriptions create --target-url https://example.com/hook --events 'vyora.*' \\
    --filter '{"data.duration_seconds":{"$gte":30}}' --rate-limit-per-second 5 --description "long calls"`,
  async run({ args, flags }, ctx) {
    expectArgs('subscriptions create', args, []);
    requireFlags(['target_url'], flags, 'subscriptions create');
    const body = bodyFromFlags(CREATE_FIELDS, flags);
    const sub = await adminClient(ctx, flags).request('POST', '/v1/subscriptions', { body });
    await show(ctx, flags.json, sub, (s) => `${objectTable(s)}\n\nThe secret is shown here and by \`callbridge subscriptions get ${String(s['id'])}\`.`);
    return 0;
  },
});

const update = defineCommand({
  name: 'subscriptions update',
  usage: '<id> [--status active|disabled] [--target-url URL] [--events a,b] …',
  summary: 'change fields of a subscription, or disable and enable it',
  flags: { ...ADMIN_FLAGS, ...fieldFlags(UPDATE_FIELDS) },
  help: `Changes only the fields given. Disabling cancels its pending deliveries (replayable
later with \`callbridge deliveries replay --state cancelled --subscription-id …\`).

Options:
${fieldHelp(UPDATE_FIELDS)}
${ADMIN_OPTIONS}

Examples:
  callbridge subscriptions update sub_3kTq… --status disabled
  callbridge subscriptions update sub_3kTq… --filter null --rate-limit-per-second 2`,
  async run({ args, flags }, ctx) {
    expectArgs('subscriptions update', args, ['id']);
    const body = bodyFromFlags(UPDATE_FIELDS, flags);
    if (Object.keys(body).length === 0) {
      throw new UsageError('nothing to change: give at least one field', {
        hints: [`Fields: ${UPDATE_FIELDS.map((f) => `--${flagName(f.name)}`).join(', ')}`],
      });
    }
    const sub = await adminClient(ctx, flags).request('PATCH', path(args[0] as string), { body });
    await show(ctx, flags.json, sub, (s) => objectTable(s));
    return 0;
  },
});

const remove = defineCommand({
  name: 'subscriptions delete',
  usage: '<id>',
  summary: 'delete a subscription; its pending deliveries are cancelled',
  flags: { ...ADMIN_FLAGS },
  help: `${ADMIN_OPTIONS}

Examples:
  callbridge subscriptions delete sub_3kTq…`,
  async run({ args, flags }, ctx) {
    expectArgs('subscriptions delete', args, ['id']);
    const id = args[0] as string;
    await adminClient(ctx, flags).request('DELETE', path(id));
    await show(ctx, flags.json, { id, deleted: true }, () => `deleted ${id}`);
    return 0;
  },
});

const rotate = defineCommand({
  name: 'subscriptions rotate',
  usage: '<id>',
  summary: 'give it a new signing secret; the old one keeps working for a while',
  flags: { ...ADMIN_FLAGS },
  help: `Prints the new secret. Until previous_secret_expires_at (RELAY_SECRET_OVERLAP on the relay,
default 24h) each delivery is signed with both, so the receiver can switch when it likes.

${ADMIN_OPTIONS}

Examples:
  callbridge subscriptions rotate sub_3kTq…`,
  async run({ args, flags }, ctx) {
    expectArgs('subscriptions rotate', args, ['id']);
    const result = await adminClient(ctx, flags).request('POST', path(args[0] as string, '/rotate-secret'));
    await show(ctx, flags.json, result, (r) => objectTable(r));
    return 0;
  },
});

const test = defineCommand({
  name: 'subscriptions test',
  usage: '<id> --type <provider>.<event>',
  summary: "send it the provider documents' sample of an event, signed, marked test",
  flags: { ...ADMIN_FLAGS, type: { type: 'string' } },
  help: `Delivers a realistic sample through the normal worker (attempts recorded, retried), with
"test": true in the body, so a Make, Zapier or n8n test step gets data without a real call.

Options:
  --type T                  a documented event type the subscription receives, e.g. vyora.call_completed
${ADMIN_OPTIONS}

Examples:
  callbridge subscriptions test sub_3kTq… --type vyora.call_completed`,
  async run({ args, flags }, ctx) {
    expectArgs('subscriptions test', args, ['id']);
    requireFlags(['type'], flags, 'subscriptions test');
    const result = await adminClient(ctx, flags).request('POST', path(args[0] as string, '/test'), { body: { type: flags.type } });
    await show(ctx, flags.json, result, (r) => `${objectTable(r)}\n\nFollow it with \`callbridge events get ${String(r['event_id'])}\`.`);
    return 0;
  },
});

export const subscriptions = defineGroup({
  name: 'subscriptions',
  summary: 'manage the relay’s subscriptions',
  intro: `The relay's /v1/subscriptions from a terminal: each subscription is a receiver URL and the
events it gets, signed with its own secret. Flags are the API's JSON fields with dashes.`,
  options: ADMIN_OPTIONS,
  examples: `  export RELAY_URL=http://127.0.0.1:8080 RELAY_API_TOKEN=…
  callbridge subscriptions create --target-url https://example.com/hook --events vyora.call_completed
  callbridge subscriptions list
  callbridge subscriptions update sub_3kTq… --status disabled`,
  subcommands: [list, get, create, update, remove, rotate, test],
});
