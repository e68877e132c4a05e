import nock from 'nock';
import { signWebhook } from '@callbridge/core';
import { Webhook } from 'standardwebhooks';
import { run } from './helpers';
import { RELAY_TOKEN, removeDir, startLocalReceiver, startTestRelay, type LocalReceiver, type Received, type TestRelay } from './relay-helpers';

/**
 * The admin commands for the relay's long-run and agency endpoints against a real relay:
 * subscription update, rotate and test; sources; scoped tokens. What each flag puts in the
 * request is checked exactly in admin-nock.test.ts; here, that the relay does what the
 * command says it did.
 */
beforeAll(() => nock.enableNetConnect('127.0.0.1'));

let relay: TestRelay;
let receiver: LocalReceiver;
let env: Record<string, string>;
beforeAll(async () => {
  relay = await startTestRelay();
  receiver = await startLocalReceiver();
  env = { RELAY_URL: relay.url, RELAY_API_TOKEN: RELAY_TOKEN };
});
afterAll(async () => {
  await receiver.close();
  await relay.close();
  removeDir(relay.dir);
});

const json = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;

async function arrived(match: (r: Received) => boolean): Promise<Received> {
  for (let i = 0; i < 400; i++) {
    const found = receiver.received.find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no such delivery arrived');
}

const standardHeaders = (r: Received): Record<string, string> => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
});

/** Posts a Vyora webhook signed with `secret` to a hook URL; resolves the status and event id. */
async function postSigned(hookUrl: string, secret: string, callId: string): Promise<{ status: number; id?: string }> {
  const body = JSON.stringify({ event: 'call_completed', call_id: callId, status: 'completed', duration_seconds: 61 });
  const sig = signWebhook('vyora', { rawBody: body, secret });
  const res = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', [sig.header]: sig.value }, body });
  return { status: res.status, ...((await res.json()) as { id?: string }) };
}

describe('subscriptions update, rotate and test on a real relay', () => {
  let id: string;
  let firstSecret: string;
  beforeAll(async () => {
    const created = await run(
      [
        'subscriptions',
        'create',
        '--target-url',
        `${receiver.url}/long-run`,
        '--events',
        'vyora.*',
        '--headers',
        '{"x-make-apikey":"k-long-run"}',
        '--description',
        'long calls',
        '--filter',
        '{"data.duration_seconds":{"$gte":30}}',
        '--rate-limit-per-second',
        '5',
        '--json',
      ],
      { env },
    );
    expect(created.code).toBe(0);
    const sub = json(created.stdout);
    expect(sub).toMatchObject({
      headers: { 'x-make-apikey': '********' },
      description: 'long calls',
      filter: { 'data.duration_seconds': { $gte: 30 } },
      rate_limit_per_second: 5,
      sources: null,
      status: 'active',
    });
    id = sub['id'] as string;
    firstSecret = sub['secret'] as string;
  });

  test('update disables with its reason, clears with null, and re-enables', async () => {
    const disabled = await run(['subscriptions', 'update', id, '--status', 'disabled'], { env });
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toMatch(/^status\s+disabled$/m);
    expect(disabled.stdout).toMatch(/^disabled_reason\s+disabled by PATCH$/m);

    const cleared = json((await run(['subscriptions', 'update', id, '--filter', 'null', '--rate-limit-per-second', 'null', '--description', 'null', '--json'], { env })).stdout);
    expect(cleared).toMatchObject({ filter: null, rate_limit_per_second: null, description: null, status: 'disabled' });

    const back = json((await run(['subscriptions', 'update', id, '--status', 'active', '--sources', 'default', '--filter', '{"data.duration_seconds":{"$gte":30}}', '--json'], { env })).stdout);
    expect(back).toMatchObject({ status: 'active', disabled_reason: null, sources: ['default'], filter: { 'data.duration_seconds': { $gte: 30 } } });
    expect(json((await run(['subscriptions', 'get', id, '--json'], { env })).stdout)).toMatchObject({ status: 'active', sources: ['default'] });

    const refused = await run(['subscriptions', 'update', id, '--filter', '{"$where":"1"}'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/filter \(--filter\): /);
  });

  test('rotate prints a new secret; deliveries then verify with the new secret and the old one', async () => {
    const rotated = await run(['subscriptions', 'rotate', id, '--json'], { env });
    expect(rotated.code).toBe(0);
    const { secret, previous_secret_expires_at } = json(rotated.stdout) as { secret: string; previous_secret_expires_at: string };
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(firstSecret);
    expect(Date.parse(previous_secret_expires_at)).toBeGreaterThan(Date.now());

    const test = await run(['subscriptions', 'test', id, '--type', 'vyora.call_completed'], { env });
    expect(test.code).toBe(0);
    const eventId = /^event_id\s+(evt_\S+)$/m.exec(test.stdout)?.[1] as string;
    expect(test.stdout).toContain(`callbridge events get ${eventId}`);
    const delivered = await arrived((r) => r.body.includes(eventId));
    for (const s of [secret, firstSecret]) {
      expect(new Webhook(s).verify(delivered.body, standardHeaders(delivered))).toMatchObject({ id: eventId, type: 'vyora.call_completed', test: true, source: 'test' });
    }
    expect(delivered.headers['x-make-apikey']).toBe('k-long-run');
    const shown = await run(['events', 'get', eventId, '--json'], { env });
    expect(json(shown.stdout)).toMatchObject({ id: eventId, test: true, deliveries: [{ subscription_id: id }] });
  });

  test('test with a type no provider documents, or one the subscription does not receive, is the relay’s 400 naming --type', async () => {
    const bad = await run(['subscriptions', 'test', id, '--type', 'vyora.call_exploded'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^callbridge: the relay answered 400 validation_error\n {2}type \(--type\): /);
    const other = await run(['subscriptions', 'test', id, '--type', 'aila.task.created'], { env });
    expect(other).toMatchObject({ code: 1, stderr: expect.stringMatching(/^callbridge: the relay answered 400 validation_error\n {2}type \(--type\): is not among this subscription's events/) });
  });
});

describe('sources and scoped tokens on a real relay', () => {
  test('a source gets its own hook URL verified with its own secret; update and delete follow it; secrets are never echoed', async () => {
    const created = await run(['sources', 'create', '--provider', 'vyora', '--name', 'Acme', '--webhook-secret', 'acme-vyora-secret-real', '--api-key', 'vya_live_acme_real'], { env });
    expect(created.code).toBe(0);
    const hookUrl = /Point the provider's webhooks at (\S+)/.exec(created.stdout)?.[1] as string;
    const id = /^id\s+(src_\S+)$/m.exec(created.stdout)?.[1] as string;
    expect(hookUrl).toBe(`${relay.url}/hooks/vyora/${id}`);
    expect(created.stdout + created.stderr).not.toMatch(/acme-vyora-secret-real|vya_live_acme_real/);

    expect(await postSigned(hookUrl, 'acme-vyora-secret-real', `acme_${Date.now()}`)).toMatchObject({ status: 200, id: expect.stringMatching(/^evt_/) });
    expect((await postSigned(hookUrl, 'some-other-secret', `acme_${Date.now()}`)).status).toBe(401);

    const rows = (await run(['sources', 'list'], { env })).stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ID\s+PROVIDER\s+NAME\s+MANAGED_BY\s+HOOK_URL$/);
    expect(rows.find((r) => r.startsWith('default'))).toMatch(new RegExp(`^default\\s+vyora\\s+.*\\s+environment\\s+${relay.url}/hooks/vyora$`));
    expect(rows.find((r) => r.startsWith(id))).toMatch(new RegExp(`^${id}\\s+vyora\\s+Acme\\s+api\\s+${hookUrl}$`));

    const updated = json((await run(['sources', 'update', id, '--name', 'Acme EU', '--api-key', 'null', '--json'], { env })).stdout);
    expect(updated).toMatchObject({ name: 'Acme EU', has_api_key: false, has_webhook_secret: true });
    expect(await run(['sources', 'update', 'default', '--name', 'x'], { env })).toMatchObject({ code: 1, stderr: expect.stringContaining('the relay answered 409 managed_by_environment') });

    expect(await run(['sources', 'delete', id], { env })).toMatchObject({ code: 0, stdout: `deleted ${id}\n` });
    expect((await postSigned(hookUrl, 'acme-vyora-secret-real', `acme_${Date.now()}`)).status).toBe(404);
  });

  test('a scoped token sees its source only, cannot manage sources (403), and stops at once when deleted', async () => {
    const source = json((await run(['sources', 'create', '--provider', 'vyora', '--name', 'Scoped', '--webhook-secret', 'scoped-secret-123', '--json'], { env })).stdout);
    const sourceId = source['id'] as string;
    const mine = (await postSigned(source['hook_url'] as string, 'scoped-secret-123', `scoped_${Date.now()}`)).id as string;
    const created = await run(['tokens', 'create', '--name', 'Acme Make', '--sources', sourceId], { env });
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('shown only this once');
    const token = /^token\s+(cbr_\S+)$/m.exec(created.stdout)?.[1] as string;
    const tokenId = /^id\s+(tok_\S+)$/m.exec(created.stdout)?.[1] as string;
    const scoped = { RELAY_URL: relay.url, RELAY_API_TOKEN: token };

    const events = json((await run(['events', 'list', '--json'], { env: scoped })).stdout);
    expect((events['data'] as Array<{ id: string; source: string }>).map((e) => [e.id, e.source])).toEqual([[mine, sourceId]]);
    expect(await run(['sources', 'list'], { env: scoped })).toMatchObject({ code: 1, stderr: expect.stringContaining('the relay answered 403 forbidden') });
    expect(await run(['tokens', 'list'], { env: scoped })).toMatchObject({ code: 1, stderr: expect.stringContaining('the relay answered 403 forbidden') });

    const listed = (await run(['tokens', 'list'], { env })).stdout.split('\n').find((r) => r.startsWith(tokenId));
    // The token itself is never listed (its last use is written back in batches, so not checked here).
    expect(listed).toMatch(new RegExp(`^${tokenId}\\s+Acme Make\\s+${sourceId}\\s+(-|\\S+Z)\\s+\\S+Z$`));
    expect((await run(['tokens', 'list', '--json'], { env })).stdout).not.toContain(token);

    expect(json((await run(['tokens', 'delete', tokenId, '--json'], { env })).stdout)).toEqual({ id: tokenId, deleted: true });
    const revoked = await run(['events', 'list'], { env: scoped });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('the relay answered 401 unauthorized');
    expect(revoked.stderr).not.toContain(token);
  });
});
