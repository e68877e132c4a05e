import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { providers } from '@callbridge/core';
import { generateApp, writeApp } from '@callbridge/make';
import { run } from './helpers';
import { FakeMake } from './support/fake-make';

/**
 * `callbridge make build` and `callbridge make deploy`, the latter against a local fake of the
 * Make API endpoints the SDK calls (support/fake-make.ts): a first deploy, a second one that
 * only updates, and an error from Make in the middle.
 */

const ZONE = 'eu1.make.com';
const MAKE_KEY = '6f1c2b7e-0d4a-4c1e-9a3b-2e5f7d8c9a01';
const env = { MAKE_API_KEY: MAKE_KEY, MAKE_ZONE: ZONE };

let dir: string;
beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'make-apps-'));
});
afterEach(() => {
  nock.cleanAll();
  rmSync(dir, { recursive: true, force: true });
});

function state(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'vyora', '.make-deploy.json'), 'utf8')) as Record<string, unknown>;
}

describe('callbridge make build', () => {
  it('writes every app into --dir, then --check finds it up to date, and a changed file out of date', async () => {
    const built = await run(['make', 'build', '--dir', dir]);
    expect(built.code).toBe(0);
    for (const id of ['ayra', 'vyora', 'aila', 'ayla']) expect(built.stdout).toContain(`${id}: ${join(dir, id)}`);
    expect(JSON.parse(readFileSync(join(dir, 'vyora', 'makecomapp.json'), 'utf8'))).toEqual(generateApp(providers.vyora).makecomapp);

    expect((await run(['make', 'build', '--check', '--dir', dir])).code).toBe(0);
    writeFileSync(join(dir, 'ayla', 'general', 'base.iml.json'), '{}\n');
    const stale = await run(['make', 'build', '--check', '--dir', dir]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('ayla: out of date');
    expect(stale.stderr).toContain('general/base.iml.json');
  });

  it('builds one provider when named, and refuses an unknown one', async () => {
    expect((await run(['make', 'build', 'ayla', '--dir', dir])).code).toBe(0);
    expect(readFileSync(join(dir, 'ayla', 'makecomapp.json'), 'utf8')).toContain('carriersHealth');
    const bad = await run(['make', 'build', 'nope', '--dir', dir]);
    expect(bad.code).toBe(2);
  });
});

describe('callbridge make deploy', () => {
  beforeEach(() => {
    writeApp(join(dir, 'vyora'), generateApp(providers.vyora));
  });

  it('needs MAKE_API_KEY and a MAKE_ZONE host, and names what is missing', async () => {
    const noKey = await run(['make', 'deploy', 'vyora', '--dir', dir], { env: { MAKE_ZONE: ZONE } });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('MAKE_API_KEY');
    const badZone = await run(['make', 'deploy', 'vyora', '--dir', dir], { env: { MAKE_API_KEY: MAKE_KEY, MAKE_ZONE: 'eu1 make com' } });
    expect(badZone.code).toBe(2);
    expect(badZone.stderr).toContain('MAKE_ZONE');
  });

  it('creates the private app with every component linked, then a second deploy updates and creates nothing', async () => {
    const make = new FakeMake(ZONE, MAKE_KEY);
    const app = generateApp(providers.vyora);
    const first = await run(['make', 'deploy', 'vyora', '--dir', dir], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('private app callbridge-vyora-a1b2c3');

    // The app: private, one connection, a webhook per event linked to it, every module and RPC.
    const created = make.apps.get('callbridge-vyora-a1b2c3');
    expect(created?.meta).toMatchObject({ private: true, label: 'Vyora (callbridge)' });
    expect(make.connections.size).toBe(1);
    const [connection] = [...make.connections.values()];
    expect(make.webhooks.size).toBe(3);
    for (const w of make.webhooks.values()) expect(w.meta['connection']).toBe(connection?.name);
    const components = app.makecomapp.components;
    expect([...make.modules.keys()].sort()).toEqual(Object.keys(components.module).sort());
    expect([...make.rpcs.keys()].sort()).toEqual(Object.keys(components.rpc).sort());
    for (const r of make.rpcs.values()) expect(r.meta['connection']).toBe(connection?.name);

    // Instant triggers are bound to the remote name Make gave their webhook, recorded locally.
    const recorded = state() as { origins: Record<string, { webhook: Record<string, string>; connection: Record<string, string> }> };
    const origin = recorded.origins[ZONE];
    expect(origin?.connection['api-key']).toBe(connection?.name);
    const trigger = make.modules.get('watchCallCompleted');
    expect(trigger?.meta['typeId']).toBe(10);
    expect(trigger?.meta['webhook']).toBe(origin?.webhook['call-completed']);
    expect(make.webhooks.get(origin?.webhook['call-completed'] ?? '')?.label).toBe('Vyora Call Completed');
    expect(make.modules.get('makeApiCall')?.meta).toMatchObject({ typeId: 12, subtype: 'Universal' });
    expect(make.modules.get('callsTrigger')?.meta).toMatchObject({ typeId: 4, crud: 'create', connection: connection?.name });

    // Sections carry the committed files (nock hands the fake parsed JSON, so compare as JSON).
    const file = (path: string): unknown => JSON.parse(app.files.get(path) as string);
    const sent = (text: string | undefined): unknown => JSON.parse(text ?? 'null');
    const mod = components.module['callsTrigger'];
    expect(sent(make.modules.get('callsTrigger')?.sections['api'])).toEqual(file(mod?.codeFiles['communication'] as string));
    expect(sent(make.modules.get('callsTrigger')?.sections['expect'])).toEqual(file(mod?.codeFiles['mappableParams'] as string));
    const hook = components.webhook['call-completed'];
    expect(sent(make.webhooks.get(origin?.webhook['call-completed'] ?? '')?.sections['attach'])).toEqual(file(hook?.codeFiles['attach'] as string));
    expect(sent(created?.sections['base'])).toEqual(file('general/base.iml.json'));
    expect(created?.sections['readme']).toBe(app.files.get('README.md'));

    const posts = make.count('POST');
    expect(posts).toBe(1 + 1 + 3 + Object.keys(components.rpc).length + Object.keys(components.module).length);

    const second = await run(['make', 'deploy', 'vyora', '--dir', dir], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 created');
    expect(make.count('POST')).toBe(posts);
    expect(make.apps.size).toBe(1);
    expect(make.connections.size).toBe(1);
    expect(make.webhooks.size).toBe(3);
    expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(MAKE_KEY);
    make.close();
  });

  it('finds an app it deployed before by its label when the record is gone, and creates nothing twice', async () => {
    const make = new FakeMake(ZONE, MAKE_KEY);
    expect((await run(['make', 'deploy', 'vyora', '--dir', dir], { env })).code).toBe(0);
    const posts = make.count('POST');
    rmSync(join(dir, 'vyora', '.make-deploy.json'));
    expect((await run(['make', 'deploy', 'vyora', '--dir', dir], { env })).code).toBe(0);
    expect(make.count('POST')).toBe(posts);
    expect(make.webhooks.size).toBe(3);
    make.close();
  });

  it('an error from Make stops the deploy with what was and was not done, and the next deploy finishes without duplicates', async () => {
    const make = new FakeMake(ZONE, MAKE_KEY);
    make.failOn = (call) =>
      call.method === 'POST' && /\/modules$/.test(call.path) && (call.body as { name?: string }).name === 'callsTrigger'
        ? { status: 403, body: { message: 'Permission denied', detail: 'Your API key lacks the sdk-apps:write scope', code: 'SC403' } }
        : undefined;
    const failed = await run(['make', 'deploy', 'vyora', '--dir', dir], { env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Make deploy stopped at "module callsTrigger": Make answered 403: Your API key lacks the sdk-apps:write scope');
    expect(failed.stderr).toMatch(/done \(\d+\): app callbridge-vyora; connection api-key; rpc listAgents/);
    expect(failed.stderr).toMatch(/not done \(\d+\): module callsTrigger; .*base, groups and docs/);
    expect(failed.stderr).toContain('.make-deploy.json');
    expect(failed.stderr).not.toContain(MAKE_KEY);
    expect(make.modules.has('callsTrigger')).toBe(false);
    const createdBefore = make.modules.size;
    expect(createdBefore).toBeGreaterThan(0);

    make.failOn = undefined;
    const resumed = await run(['make', 'deploy', 'vyora', '--dir', dir], { env });
    expect(resumed.code).toBe(0);
    expect(make.modules.has('callsTrigger')).toBe(true);
    expect(make.apps.size).toBe(1);
    expect(make.connections.size).toBe(1);
    expect(make.webhooks.size).toBe(3);
    // Each module was created exactly once across both runs.
    const moduleCreates = make.calls.filter((c) => c.method === 'POST' && /\/modules$/.test(c.path)).map((c) => (c.body as { name: string }).name);
    expect(moduleCreates.filter((n) => n === 'callsTrigger')).toHaveLength(2);
    expect(new Set(moduleCreates.filter((n) => n !== 'callsTrigger')).size).toBe(moduleCreates.length - 2);
    make.close();
  });

  it('says when there is no app to deploy in the folder', async () => {
    const res = await run(['make', 'deploy', 'ayra', '--dir', dir], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('makecomapp.json is missing');
  });
});
