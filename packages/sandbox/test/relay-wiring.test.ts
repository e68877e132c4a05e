import { signWebhook } from '@callbridge/core';
import { relayRoot, RelayWiringError, sandboxBanner, sourceName, VYORA_DEMO_WEBHOOK_SECRET, wireToRelay, type RunningSandbox } from '@callbridge/sandbox';
import { call, rejection, start } from './helpers';
import { eventually, startRelayWithoutSources, startTestRelay, type TestRelay } from './real-relay';

const TOKEN = 'relay-admin-token-for-tests-0123456789';
const TRIGGER = { phone_number: '+919876543210', agent_name: 'Home Loan Agent' };
const SLOW = { ringMs: 60_000, inProgressMs: 60_000, processingMs: 60_000 };

async function callFrom(sandbox: RunningSandbox, key: string): Promise<string> {
  const res = await call(sandbox, 'vyora', 'POST', '/v1/calls', { key, body: TRIGGER });
  expect(res.status).toBe(200);
  return (res.body as { call_id: string }).call_id;
}

interface ListedSource {
  id: string;
  name: string;
  provider: string;
  hook_url: string;
  base_url: string | null;
  has_api_key: boolean;
  has_webhook_secret: boolean;
  managed_by: string;
  updated_at: string;
}

async function sourcesOf(relay: TestRelay): Promise<ListedSource[]> {
  const res = await relay.api('GET', '/v1/sources');
  expect(res.status).toBe(200);
  return (res.body as { data: ListedSource[] }).data;
}

/** Posts a Vyora call_started signed with `secret` straight to a hook URL; resolves the status. */
async function postSigned(hookUrl: string, secret: string): Promise<number> {
  const rawBody = JSON.stringify({ event: 'call_started', call_id: `forged_${Date.now()}`, status: 'in_progress' });
  const sig = signWebhook('vyora', { rawBody, secret });
  const res = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', [sig.header]: sig.value }, body: rawBody });
  await res.arrayBuffer();
  return res.status;
}

describe('with a relay admin token: one source per extra workspace, created through the real relay’s API', () => {
  let relay: TestRelay;
  /** ws_2's webhook secret in the first sandbox, before a later start rotates it. */
  let firstSecretB: string;
  beforeAll(async () => {
    relay = await startTestRelay({ token: TOKEN, vyoraSecret: VYORA_DEMO_WEBHOOK_SECRET });
  });
  afterAll(() => relay.close());

  test("each workspace's call events reach the relay on its own hook URL and verify with that source's secret only", async () => {
    const sandbox = await start({ timings: SLOW, vyoraWorkspaces: [{ name: 'Client B' }, {}] });
    try {
      const wiring = await wireToRelay(sandbox, { relayUrl: `${relay.url}/`, token: TOKEN });
      expect(wiring.relayUrl).toBe(relay.url);
      expect(wiring.webhookSecret).toBe(VYORA_DEMO_WEBHOOK_SECRET);
      const listed = await sourcesOf(relay);
      const b = listed.find((x) => x.name === 'sandbox ws_2: Client B') as ListedSource;
      const c = listed.find((x) => x.name === 'sandbox ws_3: Workspace 3') as ListedSource;
      expect(listed.map((x) => [x.id, x.provider, x.managed_by])).toEqual([
        ['default', 'vyora', 'environment'],
        [b.id, 'vyora', 'api'],
        [c.id, 'vyora', 'api'],
      ]);
      for (const x of [b, c]) {
        expect(x).toMatchObject({ id: expect.stringMatching(/^src_/), hook_url: `${relay.url}/hooks/vyora/${x.id}`, base_url: sandbox.urls.vyora, has_api_key: true, has_webhook_secret: true });
      }
      expect(wiring.workspaces.map((w) => [w.id, w.webhookUrl, w.sourceId])).toEqual([
        ['default', `${relay.url}/hooks/vyora`, undefined],
        ['ws_2', b.hook_url, b.id],
        ['ws_3', c.hook_url, c.id],
      ]);

      const ids = [];
      for (const ws of sandbox.vyora.workspaces) ids.push(await callFrom(sandbox, ws.apiKey));
      for (const id of ids) sandbox.calls.advance(id, 'in_progress');
      // The relay stores only what verified, and records the source whose path it came in on.
      for (const [source, callId] of [['default', ids[0]], [b.id, ids[1]], [c.id, ids[2]]] as const) {
        const events = await eventually(`${source}'s call_started`, async () => {
          const found = (await relay.events(source)).filter((e) => e.data.call_id === callId);
          return found.length > 0 ? found : undefined;
        });
        expect(events.map((e) => [e.type, e.source])).toEqual([['vyora.call_started', source]]);
      }
      // Another workspace's secret, or the environment's, does not open a source's hook.
      expect(await postSigned(b.hook_url, sandbox.vyora.workspaces[2]?.webhookSecret as string)).toBe(401);
      expect(await postSigned(b.hook_url, VYORA_DEMO_WEBHOOK_SECRET)).toBe(401);
      firstSecretB = sandbox.vyora.workspaces[1]?.webhookSecret as string;
      expect(await postSigned(b.hook_url, firstSecretB)).toBe(200);
    } finally {
      await sandbox.close();
    }
  });

  test('a later start finds its sources by name and updates them, instead of piling up new ones', async () => {
    const before = await sourcesOf(relay);
    const b = before.find((x) => x.name === sourceName({ id: 'ws_2', name: 'Client B' })) as ListedSource;
    const sandbox = await start({ timings: SLOW, vyoraWorkspaces: [{ name: 'Client B', webhookSecret: 'rotated-b' }] });
    try {
      const wiring = await wireToRelay(sandbox, { relayUrl: relay.url, token: TOKEN });
      const after = await sourcesOf(relay);
      expect(after.map((x) => x.id)).toEqual(before.map((x) => x.id));
      expect(wiring.workspaces[1]).toMatchObject({ id: 'ws_2', sourceId: b.id, webhookUrl: b.hook_url });
      // The new sandbox listens on another port: the source follows it.
      expect(after.find((x) => x.id === b.id)).toMatchObject({ base_url: sandbox.urls.vyora });
      expect(Date.parse((after.find((x) => x.id === b.id) as ListedSource).updated_at)).toBeGreaterThanOrEqual(Date.parse(b.updated_at));

      // The relay now verifies that source with the rotated secret, and no longer with the old one.
      const callId = await callFrom(sandbox, 'vya_test_callbridge_ws_2');
      sandbox.calls.advance(callId, 'in_progress');
      await eventually('the rotated workspace\'s event', async () => ((await relay.events(b.id)).some((e) => e.data.call_id === callId) ? true : undefined));
      expect(await postSigned(b.hook_url, 'rotated-b')).toBe(200);
      expect(firstSecretB).not.toBe('rotated-b');
      expect(await postSigned(b.hook_url, firstSecretB)).toBe(401);
    } finally {
      await sandbox.close();
    }
  });

  test('refusals name the relay URL and never the token; nothing is half-pointed at a source', async () => {
    const sandbox = await start({ timings: SLOW, vyoraWorkspaces: [{}] });
    const noSources = await startRelayWithoutSources();
    try {
      const wrongToken = await rejection(wireToRelay(sandbox, { relayUrl: relay.url, token: 'not-the-token-at-all' }));
      expect(wrongToken).toBeInstanceOf(RelayWiringError);
      expect(wrongToken).toMatchObject({ status: 401, message: expect.stringContaining(`${relay.url}/v1/sources`) });
      expect((wrongToken as Error).message).toMatch(/not a relay admin token/);
      expect((wrongToken as Error).message).not.toContain('not-the-token-at-all');

      // A scoped token of the real relay is refused by it (403) and named the same way.
      const scoped = await relay.api('POST', '/v1/tokens', { name: 'client', sources: ['default'] });
      const refused = await rejection(wireToRelay(sandbox, { relayUrl: relay.url, token: (scoped.body as { token: string }).token }));
      expect(refused).toMatchObject({ status: 403, message: expect.stringMatching(/not a relay admin token/) });

      const old = await rejection(wireToRelay(sandbox, { relayUrl: noSources.url, token: TOKEN }));
      expect((old as Error).message).toMatch(/has no \/v1\/sources/);

      await noSources.close();
      const down = await rejection(wireToRelay(sandbox, { relayUrl: noSources.url, token: TOKEN, timeoutMs: 2_000 }));
      expect(down).toBeInstanceOf(RelayWiringError);
      expect((down as Error).message).toContain(`could not reach the relay at ${noSources.url}/v1/sources`);
      expect((down as Error).message).not.toContain(TOKEN);
      expect(sandbox.vyora.workspaces[1]?.webhookUrl).toBeNull();
    } finally {
      await sandbox.close();
    }
  });
});

test('without a token: the default posts to /hooks/vyora with the demo secret; the others get the commands that wire them', async () => {
  const sandbox = await start({ timings: SLOW, vyoraWorkspaces: [{ name: "O'Brien & Co" }] });
  try {
    const wiring = await wireToRelay(sandbox, { relayUrl: 'http://127.0.0.1:8080' });
    expect(sandbox.vyora.workspaces.map((w) => w.webhookUrl)).toEqual(['http://127.0.0.1:8080/hooks/vyora', null]);
    expect(sandbox.vyora.workspaces[0]?.webhookSecret).toBe(VYORA_DEMO_WEBHOOK_SECRET);
    const [create, point] = wiring.workspaces[1]?.setup ?? [];
    expect(create).toContain("curl -sX POST http://127.0.0.1:8080/v1/sources -H \"Authorization: Bearer $RELAY_API_TOKEN\"");
    // The JSON is single-quoted for the shell, with the name's own quote escaped.
    const json = /-d '(.*)'$/.exec(create ?? '')?.[1]?.replace(/'\\''/g, "'");
    expect(JSON.parse(json as string)).toEqual({
      provider: 'vyora',
      name: "sandbox ws_2: O'Brien & Co",
      webhook_secret: sandbox.vyora.workspaces[1]?.webhookSecret,
      api_key: 'vya_test_callbridge_ws_2',
      base_url: sandbox.urls.vyora,
    });
    expect(point).toContain(`PUT ${sandbox.url}/_sandbox/vyora/workspaces/ws_2/webhook`);
    expect(wiring.workspaces[0]?.setup).toBeUndefined();

    // The banner carries the relay's secret and URL as export lines, and the commands as given.
    const banner = sandboxBanner(sandbox, wiring);
    expect(banner).toContain(`\nexport VYORA_WEBHOOK_SECRET=${VYORA_DEMO_WEBHOOK_SECRET}\n`);
    expect(banner).toContain('\nexport RELAY_URL=http://127.0.0.1:8080\n');
    expect(banner).toMatch(/ws_2 +key vya_test_callbridge_ws_2 +secret \S+ +→ no webhook URL yet/);
    for (const line of wiring.workspaces[1]?.setup ?? []) expect(banner).toContain(`  ${line}`);
  } finally {
    await sandbox.close();
  }
});

test('relayRoot takes an http(s) root and refuses anything else by what is wrong', () => {
  expect(relayRoot('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
  expect(relayRoot('https://relay.example.com/base/')).toBe('https://relay.example.com/base');
  for (const bad of ['127.0.0.1:8080', 'ftp://relay', 'http://', 'http://relay/?x=1']) {
    expect(() => relayRoot(bad)).toThrow(RelayWiringError);
  }
});
