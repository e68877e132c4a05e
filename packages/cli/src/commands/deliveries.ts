import { ADMIN_FLAGS, ADMIN_OPTIONS, adminClient, seg } from '../admin-command';
import { bodyFromFlags, fieldFlags, fieldHelp, parseLimit, type Field } from '../admin-fields';
import { pageTable, show } from '../admin-output';
import { defineCommand, expectArgs } from '../command';
import { UsageError } from '../errors';
import { defineGroup } from '../group';
import { DELIVERY_COLUMNS } from './events';

/** `callbridge deliveries …`: each event's trip to each subscription, and replays by filter. */
const STATES = ['pending', 'succeeded', 'dead', 'cancelled'] as const;

const FILTER: readonly Field[] = [
  { name: 'state', kind: 'string', choices: STATES, help: 'only deliveries in this state' },
  { name: 'subscription_id', kind: 'string', help: 'only to this subscription' },
  { name: 'provider', kind: 'string', help: "only this provider's events" },
  { name: 'type', kind: 'string', help: 'only events of this type' },
  { name: 'event_id', kind: 'string', help: 'only of this event' },
  { name: 'source', kind: 'string', help: "only this source's events" },
];

const list = defineCommand({
  name: 'deliveries list',
  usage: '[--state dead] [--subscription-id S] [--type T] … [--limit N] [--cursor C]',
  summary: 'list deliveries, newest first',
  flags: { ...ADMIN_FLAGS, ...fieldFlags(FILTER), limit: { type: 'string' }, cursor: { type: 'string' } },
  help: `Options:
${fieldHelp(FILTER)}
  --limit N                 at most N per page (the relay allows up to 100)
  --cursor C                the page after the one that printed "more: --cursor C"
${ADMIN_OPTIONS}

Examples:
  callbridge deliveries list --state dead
  callbridge deliveries list --subscription-id sub_3kTq… --json`,
  async run({ args, flags }, ctx) {
    expectArgs('deliveries list', args, []);
    const query: Record<string, string | number | undefined> = { limit: parseLimit(flags.limit), cursor: flags.cursor };
    for (const [k, v] of Object.entries(bodyFromFlags(FILTER, flags))) query[k] = String(v);
    const page = await adminClient(ctx, flags).request('GET', '/v1/deliveries', { query });
    await show(ctx, flags.json, page, (p) => pageTable(p, DELIVERY_COLUMNS, 'no deliveries'));
    return 0;
  },
});

const replay = defineCommand({
  name: 'deliveries replay',
  usage: '[<id>] [--state dead] [--subscription-id S] [--type T] …',
  summary: 'send one delivery again, or every one a filter selects (dead by default)',
  flags: { ...ADMIN_FLAGS, ...fieldFlags(FILTER) },
  help: `With an id, sends that delivery again. Without one, every delivery the filter selects:
by default the dead ones, e.g. of one subscription once its receiver is fixed. Each gets a
fresh retry schedule; those of disabled or deleted subscriptions are skipped.

Options:
${fieldHelp(FILTER)}
${ADMIN_OPTIONS}

Examples:
  callbridge deliveries replay 42
  callbridge deliveries replay --subscription-id sub_3kTq…
  callbridge deliveries replay --state cancelled --subscription-id sub_3kTq…`,
  async run({ args, flags }, ctx) {
    expectArgs('deliveries replay', args, ['id'], 1);
    const filter = bodyFromFlags(FILTER, flags);
    const client = adminClient(ctx, flags);
    const id = args[0];
    if (id !== undefined && Object.keys(filter).length > 0) {
      throw new UsageError(`give a delivery id or filter flags, not both (got ${id} and --${Object.keys(filter)[0]?.replace(/_/g, '-')})`, { field: 'id' });
    }
    const result =
      id !== undefined
        ? await client.request('POST', `/v1/deliveries/${seg(id)}/replay`)
        : await client.request('POST', '/v1/deliveries/replay', { body: filter });
    await show(ctx, flags.json, result, (r) => `replayed ${String(r['replayed'])}, skipped ${String(r['skipped'])} (subscription disabled or deleted)`);
    return 0;
  },
});

export const deliveries = defineGroup({
  name: 'deliveries',
  summary: 'list deliveries and replay them, one or in bulk',
  intro: "The relay's /v1/deliveries from a terminal: one per event and subscription, with its state and attempts.",
  options: ADMIN_OPTIONS,
  examples: `  callbridge deliveries list --state dead
  callbridge deliveries replay --subscription-id sub_3kTq…`,
  subcommands: [list, replay],
});
