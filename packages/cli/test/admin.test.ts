import nock from 'nock';
import { run } from './helpers';
import { closedPort, postVyora, RELAY_TOKEN, removeDir, startLocalReceiver, startTestRelay, type LocalReceiver, type TestRelay } from './relay-helpers';

/**
 * The admin commands against a real relay: subscriptions (list, get, create, delete), events
 * (list, get, replay) and deliveries (list, replay). Update, rotate, test, sources and tokens
 * are in admin-long-run.test.ts; the exact requests every command sends, in admin-nock.test.ts.
 */
beforeAll(() => nock.enableNetConnect('127.0.0.1'));

let relay: TestRelay;
let receiver: LocalReceiver;
let env: Record<string, string>;
beforeAll(async () => {
  relay = await startTestRelay({ env: { RELAY_RETRY_SCHEDULE: '0.05s' } });
  receiver = await startLocalReceiver((r) => (r.body.includes('"call_started"') ? 500 : 200));
  env = { RELAY_URL: relay.url, RELAY_API_TOKEN: RELAY_TOKEN };
});
afterAll(async () => {
  await receiver.close();
  await relay.close();
  removeDir(relay.dir);
});

const json = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;

async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met');
}

describe('callbridge subscriptions', () => {
  test('create prints the subscription with its secret; list, get and delete follow it', async () => {
    const created = await run(['subscriptions', 'create', '--target-url', receiver.url, '--events', 'vyora.call_completed,aila.*', '--json'], { env });
    expect(created.code).toBe(0);
    const sub = json(created.stdout);
    expect(sub).toMatchObject({ id: expect.stringMatching(/^sub_/), secret: expect.stringMatching(/^whsec_/), target_url: receiver.url, events: ['vyora.call_completed', 'aila.*'] });
    const id = sub['id'] as string;

    const table = await run(['subscriptions', 'list'], { env });
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+STATUS\s+EVENTS\s+SOURCES\s+DESCRIPTION\s+TARGET_URL$/);
    expect(rows.find((r) => r.startsWith(id))).toMatch(new RegExp(`^${id}\\s+active\\s+vyora.call_completed,aila.\\*\\s+-\\s+-\\s+${receiver.url}$`));
    expect(table.stdout).not.toContain(sub['secret'] as string);

    const listed = json((await run(['subscriptions', 'list', '--json'], { env })).stdout);
    expect((listed['data'] as Array<{ id: string }>).map((s) => s.id)).toContain(id);

    const got = await run(['subscriptions', 'get', id], { env });
    expect(got.stdout).toMatch(new RegExp(`^secret\\s+${String(sub['secret']).replace(/[+/]/g, '\\$&')}$`, 'm'));
    expect(got.stdout).toMatch(/^FIELD\s+VALUE$/m);

    expect(await run(['subscriptions', 'delete', id], { env })).toMatchObject({ code: 0, stdout: `deleted ${id}\n` });
    const gone = await run(['subscriptions', 'get', id], { env });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(`callbridge: the relay answered 404 not_found: no subscription ${id}\n`);
  });

  test('a field the relay refuses exits 1 with its code, naming the field and its flag', async () => {
    const r = await run(['subscriptions', 'create', '--target-url', 'ftp://example.com/x'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the relay answered 400 validation_error');
    expect(r.stderr).toMatch(/target_url \(--target-url\): .*http/);
  });

  test('bad flags exit 2 naming the flag, and nothing is sent', async () => {
    const nowhere = { RELAY_URL: `http://127.0.0.1:${await closedPort()}`, RELAY_API_TOKEN: RELAY_TOKEN };
    const cases: Array<[string[], string]> = [
      [['subscriptions', 'create', '--taget-url', 'https://x.example'], 'unknown option --taget-url for subscriptions create; did you mean --target-url?'],
      [['subscriptions', 'create', '--events', 'a'], 'missing --target-url'],
      [['subscriptions', 'create', '--target-url', 'https://x.example', '--filter', '{nope'], '--filter is not valid JSON'],
      [['subscriptions', 'create', '--target-url', 'https://x.example', '--rate-limit-per-second', 'fast'], '--rate-limit-per-second must be a number'],
      [['subscriptions', 'update', 'sub_x', '--status', 'paused'], '--status must be one of active, disabled'],
      [['subscriptions', 'update', 'sub_x'], 'nothing to change'],
      [['subscriptions', 'lst'], 'unknown subscriptions command "lst"; did you mean list?'],
      [['subscriptions', 'get'], 'missing <id>'],
      [['events', 'list', '--limit', '0'], '--limit must be a whole number'],
      [['deliveries', 'replay', '7', '--state', 'dead'], 'give a delivery id or filter flags, not both'],
      [['deliveries', 'list', '--state', 'lost'], '--state must be one of pending, succeeded, dead, cancelled'],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv, { env: nowhere });
      expect([argv.join(' '), r.code, r.stderr]).toEqual([argv.join(' '), 2, expect.stringContaining(message)]);
    }
  });

  test('without a token exits 2 naming RELAY_API_TOKEN; a wrong one exits 1 with the relay’s 401, never shown', async () => {
    const none = await run(['subscriptions', 'list'], { env: { RELAY_URL: relay.url } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('RELAY_API_TOKEN');
    const wrong = await run(['subscriptions', 'list', '--token', 'a-wrong-token-of-some-length'], { env: { RELAY_URL: relay.url } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('the relay answered 401 unauthorized');
    expect(wrong.stderr).toContain('--token');
    expect(wrong.stderr).not.toContain('a-wrong-token-of-some-length');
    expect((await run(['events', 'list', '--relay', 'ftp://x'], { env })).stderr).toContain('--relay must be');
  });

  test('a relay that cannot be reached exits 1 naming the URL tried and why', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await run(['subscriptions', 'list'], { env: { RELAY_URL: url, RELAY_API_TOKEN: RELAY_TOKEN } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`could not reach the relay at ${url} (ECONNREFUSED)`);
    // Without RELAY_URL, the relay's default address is the one tried and named.
    const fallback = await run(['events', 'list'], { env: { RELAY_API_TOKEN: RELAY_TOKEN } });
    expect(fallback.stderr).toMatch(/could not reach the relay at http:\/\/127\.0\.0\.1:8080 \(|^callbridge: the relay answered/m);
  });
});

describe('callbridge events and deliveries', () => {
  let subId: string;
  let okEvent: string;
  let failingEvent: string;
  beforeAll(async () => {
    const created = json((await run(['subscriptions', 'create', '--target-url', receiver.url, '--events', 'vyora.*', '--json'], { env })).stdout);
    subId = created['id'] as string;
    okEvent = await postVyora(relay.url);
    failingEvent = await postVyora(relay.url, 'call_started');
    // The receiver answers 500 to call_started: with one retry of 50 ms it is dead soon.
    await eventually(async () => {
      const page = json((await run(['deliveries', 'list', '--state', 'dead', '--json'], { env })).stdout);
      return (page['data'] as unknown[]).length > 0 ? true : undefined;
    });
  });

  test('events list shows the newest first, as a table or as JSON, and filters by type', async () => {
    const table = await run(['events', 'list', '--limit', '2'], { env });
    expect(table.code).toBe(0);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ID\s+TYPE\s+SOURCE\s+RECEIVED_AT$/);
    expect(rows[1]).toMatch(new RegExp(`^${failingEvent}\\s+vyora.call_started\\s`));
    expect(rows[2]).toMatch(new RegExp(`^${okEvent}\\s+vyora.call_completed\\s`));
    const typed = json((await run(['events', 'list', '--type', 'vyora.call_completed', '--json'], { env })).stdout);
    expect((typed['data'] as Array<{ id: string }>).map((e) => e.id)).toEqual([okEvent]);
    const page = await run(['events', 'list', '--limit', '1'], { env });
    const cursor = /more: add --cursor (\S+)/.exec(page.stdout)?.[1];
    expect(cursor).toBeDefined();
    expect((await run(['events', 'list', '--limit', '1', '--cursor', cursor as string], { env })).stdout).toContain(okEvent);
  });

  test('events get shows the payload, deliveries and attempts', async () => {
    const r = await run(['events', 'get', failingEvent], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^id\\s+${failingEvent}$`, 'm'));
    expect(r.stdout).toContain('Data:\n{\n  "event": "call_started"');
    expect(r.stdout).toMatch(new RegExp(`^Deliveries:\\nID\\s+STATE.*\\n\\d+\\s+dead\\s+2\\s+500\\s+-\\s+${subId}\\s+${failingEvent}$`, 'm'));
    expect(r.stdout).toMatch(/^Attempts:\nDELIVERY\s+ATTEMPT\s+STARTED_AT\s+MS\s+STATUS\s+OUTCOME\s+ERROR$/m);
    const asJson = json((await run(['events', 'get', failingEvent, '--json'], { env })).stdout);
    expect(asJson).toMatchObject({ id: failingEvent, deliveries: [{ state: 'dead', subscription_id: subId }] });
    expect((await run(['events', 'get', 'evt_nope'], { env })).stderr).toContain('404 not_found');
  });

  test('deliveries list filters; replay sends one by id, dead ones in bulk, and an event again', async () => {
    const dead = json((await run(['deliveries', 'list', '--state', 'dead', '--subscription-id', subId, '--json'], { env })).stdout);
    const deadIds = (dead['data'] as Array<{ id: number; event_id: string }>).map((d) => d.id);
    expect((dead['data'] as Array<{ event_id: string }>).map((d) => d.event_id)).toEqual([failingEvent]);

    const byId = await run(['deliveries', 'replay', String(deadIds[0])], { env });
    expect(byId).toMatchObject({ code: 0, stdout: 'replayed 1, skipped 0 (subscription disabled or deleted)\n' });
    await eventually(async () => {
      const page = json((await run(['deliveries', 'list', '--state', 'dead', '--subscription-id', subId, '--json'], { env })).stdout);
      return (page['data'] as unknown[]).length > 0 ? true : undefined;
    });
    const bulk = await run(['deliveries', 'replay', '--subscription-id', subId, '--json'], { env });
    expect(json(bulk.stdout)).toEqual({ replayed: 1, skipped: 0 });

    const before = receiver.received.filter((r) => r.body.includes(okEvent)).length;
    const again = await run(['events', 'replay', okEvent], { env });
    expect(again).toMatchObject({ code: 0, stdout: 'replayed 1, skipped 0 (subscription disabled or deleted)\n' });
    await eventually(async () => (receiver.received.filter((r) => r.body.includes(okEvent)).length > before ? true : undefined));
    const toOne = await run(['events', 'replay', okEvent, '--subscription-id', subId, '--json'], { env });
    expect(json(toOne.stdout)).toMatchObject({ replayed: expect.any(Number) });
    expect((await run(['deliveries', 'replay', '999999'], { env })).stderr).toContain('404 not_found');
  });
});
