import { relayRoot, RelayWiringError, sandboxBanner, sourceName, VYORA_DEMO_WEBHOOK_SECRET, wireToRelay, type RunningSandbox } from '@callbridge/sandbox';
import { startFakeRelay, type FakeRelay } from './fake-relay';
import { call, rejection, start } from './helpers';

const TOKEN = 'relay-admin-token-for-tests-0123456789';
const TRIGGER = { phone_number: '+919876543210', agent_name: 'Home Loan Agent' };
const SLOW = { ringMs: 60_000, inProgressMs: 60_000, processingMs: 60_000 };

async function callFrom(sandbox: RunningSandbox, key: string): Promise<string> {
  const res = await call(sandbox, 'vyora', 'POST', '/v1/calls', { key, body: TRIGGER });
  expect(res.status).toBe(200);
  return (res.body as { call_id: string }).call_id;
}

describe('with a relay admin token: one source per extra workspace, created through the relay API', () => {
  let relay: FakeRelay;
  beforeAll(async () => {
    relay = await startFakeRelay({ token: TOKEN, vyoraSecret: VYORA_DEMO_WEBHOOK_SECRET });
  });
  afterAll(() => relay.close());

  test("each workspace's call events reach the relay on its own hook URL and verify with that source's secret", async () => {
    const sandbox = await start({ timings: SLOW, vyoraWorkspaces: [{ name: 'Client B' }, {}] });
    try {
      const wiring = await wireToRelay(sandbox, { relayUrl: `${relay.url}/`, token: TOKEN });
      expect(wiring.relayUrl).toBe(relay.url);
      expect(wiring.webhookSecret).toBe(VYORA_DEMO_WEBHOOK_SECRET);
      expect(wiring.workspaces.map((w) => [w.id, w.webhookUrl, w.sourceId])).toEqual([
        ['default', `${relay.url}/hooks/vyora`, undefined],
        ['ws_2', `${relay.url}/hooks/vyora/src_1`, 'src_1'],
        ['ws_3', `${relay.url}/hooks/vyora/src_2`, 'src_2'],
      ]);
      expect(relay.sources).toEqual([
        { id: 'src_1', provider: 'vyora', name: 'sandbox ws_2: Client B', webhook_secret: sandbox.vyora.workspaces[1]?.webhookSecret, api_key: 'vya_test_callbridge_ws_2', base_url: sandbox.urls.vyora },
        { id: 'src_2', provider: 'vyora', name: 'sandbox ws_3: Workspace 3', webhook_secret: sandbox.vyora.workspaces[2]?.webhookSecret, api_key: 'vya_test_callbridge_ws_3', base_url: sandbox.urls.vyora },
      ]);

      const ids = [];
      for (const ws of sandbox.vyora.workspaces) ids.push(await callFrom(sandbox, ws.apiKey));
      for (const id of ids) sandbox.calls.advance(id, 'in_progress');
      const hooks = await relay.waitForHooks(3);
      expect(hooks.map((h) => [h.source, h.callId, h.status]).sort()).toEqual(
        [
          ['default', ids[0], 200],
          ['src_1', ids[1], 200],
          ['src_2', ids[2], 200],
        ].sort(),
      );
    } finally {
      await sandbox.close();
    }
  });

  test('a later start finds its sources by name and updates them, instead of piling up new ones', async () => {
    const sandbox = await start({ timings: SLOW, vyoraWorkspaces: [{ name: 'Client B', webhookSecret: 'rotated-b' }] });
    try {
      const before = relay.sources.length;
      const wiring = await wireToRelay(sandbox, { relayUrl: relay.url, token: TOKEN });
      expect(relay.sources).toHaveLength(before);
      expect(wiring.workspaces[1]).toMatchObject({ id: 'ws_2', sourceId: 'src_1', webhookUrl: `${relay.url}/hooks/vyora/src_1` });
      expect(relay.sources[0]).toMatchObject({ name: sourceName({ id: 'ws_2', name: 'Client B' }), webhook_secret: 'rotated-b', base_url: sandbox.urls.vyora });
      expect(relay.requests.slice(-2)).toEqual(['GET /v1/sources', 'PATCH /v1/sources/src_1']);

      const seen = relay.hooks.length;
      sandbox.calls.advance(await callFrom(sandbox, 'vya_test_callbridge_ws_2'), 'in_progress');
      const hooks = await relay.waitForHooks(seen + 1);
      expect(hooks.at(-1)).toMatchObject({ source: 'src_1', status: 200 });
    } finally {
      await sandbox.close();
    }
  });

  test('refusals name the relay URL and never the token; nothing is half-pointed at a source', async () => {
    const sandbox = await start({ timings: SLOW, vyoraWorkspaces: [{}] });
    const noSources = await startFakeRelay({ token: TOKEN, vyoraSecret: VYORA_DEMO_WEBHOOK_SECRET, withSources: false });
    try {
      const wrongToken = await rejection(wireToRelay(sandbox, { relayUrl: relay.url, token: 'not-the-token-at-all' }));
      expect(wrongToken).toBeInstanceOf(RelayWiringError);
      expect(wrongToken).toMatchObject({ status: 401, message: expect.stringContaining(`${relay.url}/v1/sources`) });
      expect((wrongToken as Error).message).toMatch(/not a relay admin token/);
      expect((wrongToken as Error).message).not.toContain('not-the-token-at-all');

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
