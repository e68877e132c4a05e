import { ADMIN_FLAGS, ADMIN_OPTIONS, adminClient, seg } from '../admin-command';
import { parseLimit } from '../admin-fields';
import { col, listTable, objectTable, pageTable, show, type Column } from '../admin-output';
import { defineCommand, expectArgs } from '../command';
import { defineGroup } from '../group';

/** `callbridge events …`: what arrived at the relay, what became of it, and replays. */
const COLUMNS: readonly Column[] = [col('ID', 'id'), col('TYPE', 'type'), col('SOURCE', 'source'), col('RECEIVED_AT', 'received_at')];

export const DELIVERY_COLUMNS: readonly Column[] = [
  col('ID', 'id'),
  col('STATE', 'state'),
  col('ATTEMPTS', 'attempts'),
  col('LAST_STATUS', 'last_status'),
  col('NEXT_ATTEMPT_AT', 'next_attempt_at'),
  col('SUBSCRIPTION_ID', 'subscription_id'),
  col('EVENT_ID', 'event_id'),
];

const ATTEMPT_COLUMNS: readonly Column[] = [
  col('DELIVERY', 'delivery_id'),
  col('ATTEMPT', 'attempt'),
  col('STARTED_AT', 'started_at'),
  col('MS', 'duration_ms'),
  col('STATUS', 'status'),
  col('OUTCOME', 'outcome'),
  col('ERROR', 'error'),
];

const list = defineCommand({
  name: 'events list',
  usage: '[--provider P] [--type T] [--source S] [--limit N] [--cursor C]',
  summary: 'list received events, newest first',
  flags: { ...ADMIN_FLAGS, provider: { type: 'string' }, type: { type: 'string' }, source: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' } },
  help: `Options:
  --provider P              only this provider's events (vyora, aila, ayra)
  --type T                  only this type, e.g. vyora.call_completed
  --source S                only this source's events (default is the environment's)
  --limit N                 at most N per page (the relay allows up to 100)
  --cursor C                the page after the one that printed "more: --cursor C"
${ADMIN_OPTIONS}

Examples:
  callbridge events list --type vyora.call_completed --limit 10
  callbridge events list --json | jq '.data[0].data'`,
  async run({ args, flags }, ctx) {
    expectArgs('events list', args, []);
    const query = { provider: flags.provider, type: flags.type, source: flags.source, limit: parseLimit(flags.limit), cursor: flags.cursor };
    const page = await adminClient(ctx, flags).request('GET', '/v1/events', { query });
    await show(ctx, flags.json, page, (p) => pageTable(p, COLUMNS, 'no events'));
    return 0;
  },
});

const get = defineCommand({
  name: 'events get',
  usage: '<id>',
  summary: 'show an event: its payload, deliveries and attempts',
  flags: { ...ADMIN_FLAGS },
  help: `${ADMIN_OPTIONS}

Examples:
  callbridge events get evt_2bX9…`,
  async run({ args, flags }, ctx) {
    expectArgs('events get', args, ['id']);
    const event = await adminClient(ctx, flags).request('GET', `/v1/events/${seg(args[0] as string)}`);
    await show(ctx, flags.json, event, (e) =>
      [
        objectTable(e, ['data', 'deliveries', 'attempts']),
        `\nData:\n${JSON.stringify(e['data'], null, 2)}`,
        `\nDeliveries:\n${listTable(Array.isArray(e['deliveries']) ? e['deliveries'] : [], DELIVERY_COLUMNS, '(none)')}`,
        `\nAttempts:\n${listTable(Array.isArray(e['attempts']) ? e['attempts'] : [], ATTEMPT_COLUMNS, '(none)')}`,
      ].join('\n'),
    );
    return 0;
  },
});

const replay = defineCommand({
  name: 'events replay',
  usage: '<id> [--subscription-id S]',
  summary: 'deliver an event again, to every subscription or one',
  flags: { ...ADMIN_FLAGS, 'subscription-id': { type: 'string' } },
  help: `Sends the event again to each subscription that had it, with a fresh retry schedule.
With --subscription-id, to that one only (also one that subscribed after the event arrived).

Options:
  --subscription-id S       only this subscription
${ADMIN_OPTIONS}

Examples:
  callbridge events replay evt_2bX9…
  callbridge events replay evt_2bX9… --subscription-id sub_3kTq…`,
  async run({ args, flags }, ctx) {
    expectArgs('events replay', args, ['id']);
    const sub = flags['subscription-id'];
    const result = await adminClient(ctx, flags).request('POST', `/v1/events/${seg(args[0] as string)}/replay`, {
      ...(sub !== undefined ? { body: { subscription_id: sub } } : {}),
    });
    await show(ctx, flags.json, result, (r) => `replayed ${String(r['replayed'])}, skipped ${String(r['skipped'])} (subscription disabled or deleted)`);
    return 0;
  },
});

export const events = defineGroup({
  name: 'events',
  summary: 'list, inspect and replay the relay’s events',
  intro: "The relay's /v1/events from a terminal: every webhook it stored, with what became of it.",
  options: ADMIN_OPTIONS,
  examples: `  callbridge events list --provider vyora
  callbridge events get evt_2bX9…
  callbridge events replay evt_2bX9…`,
  subcommands: [list, get, replay],
});
