import { signWebhook } from '@callbridge/core';
import type { Browser } from 'playwright-core';
import { api, eventually, get, postHook, startTestRelay, TOKEN, vyoraEvent, type TestRelay } from '../support/harness';
import { browserSuite, go, launchBrowser, sharedAdminPage, signIn, withPage } from './support/browser';

/**
 * What an admin manages in the console (sources, scoped tokens), what a scoped token sees
 * (only its sources), and the charts, in a real Chromium against a real relay.
 */
browserSuite('console in Chromium: sources, tokens, a scoped token, charts', () => {
  let relay: TestRelay;
  let browser: Browser;

  beforeAll(async () => {
    [relay, browser] = await Promise.all([startTestRelay(), launchBrowser()]);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await relay?.close();
  });

  const admin = sharedAdminPage(
    () => browser,
    () => relay.url,
    TOKEN,
  );

  let sourceCount = 0;
  async function createSource(name: string): Promise<{ id: string; secret: string }> {
    sourceCount += 1;
    const secret = `console_test_secret_${sourceCount}_0123456789`;
    const res = await api(relay.url, 'POST', '/v1/sources', { provider: 'vyora', name, webhook_secret: secret });
    expect(res.status).toBe(201);
    return { id: get(res.body, 'id') as string, secret };
  }

  async function ingestTo(source: { id: string; secret: string }): Promise<string> {
    const rawBody = vyoraEvent();
    const sig = signWebhook('vyora', { rawBody, secret: source.secret });
    const res = await fetch(`${relay.url}/hooks/vyora/${source.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [sig.header]: sig.value },
      body: rawBody,
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { id: string }).id;
  }

  test('sources: create shows the hook URL and never the secret; edit renames; delete removes', async () => {
    const cp = admin();
    const { page } = cp;
    await go(cp, '#/sources');
    await page.getByTestId('sources').waitFor();
    expect(await page.locator('[data-source-id="default"]').first().textContent()).toContain('from the environment');

    await page.locator('#src-provider').selectOption('vyora');
    await page.locator('#src-name').fill('Acme workspace');
    await page.locator('#src-secret').fill('acme_webhook_secret_0123456789');
    await page.locator('#src-secret').press('Enter');
    const created = page.getByRole('status').filter({ hasText: 'Created' });
    await created.waitFor();
    const id = /src_[\w-]+/.exec((await created.textContent()) ?? '')?.[0] as string;
    expect(await created.textContent()).toContain(`/hooks/vyora/${id}`);
    const row = page.locator(`[data-source-id="${id}"]`);
    await row.waitFor();
    expect(await page.locator('body').textContent()).not.toContain('acme_webhook_secret_0123456789');

    await row.getByRole('button', { name: `Edit ${id}` }).click();
    await page.locator('#es-name').fill('Acme (renamed)');
    await page.getByRole('button', { name: 'Save source' }).click();
    await row.getByText('Acme (renamed)').waitFor();
    expect(get((await api(relay.url, 'GET', `/v1/sources/${id}`)).body, 'name')).toBe('Acme (renamed)');

    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Delete it' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await api(relay.url, 'GET', `/v1/sources/${id}`)).status).toBe(404);
  });

  test('tokens: a new token is shown once and works; revoking it stops it at once', async () => {
    const source = await createSource('Tokens test');
    const cp = admin();
    const { page } = cp;
    await go(cp, '#/tokens');
    await page.locator('#tok-name').fill('Acme automations');
    await page.getByLabel(source.id).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('secret-value').textContent()) ?? '';
    expect(token).toMatch(/^cbr_/);
    const me = await api(relay.url, 'GET', '/v1/me', undefined, { token });
    expect(me.body).toMatchObject({ kind: 'scoped', name: 'Acme automations', sources: [source.id] });
    await page.getByRole('button', { name: 'Done, hide it' }).click();
    expect(await page.locator('body').textContent()).not.toContain(token);

    const row = page.getByTestId('tokens').locator('tr', { hasText: 'Acme automations' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke it' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await api(relay.url, 'GET', '/v1/me', undefined, { token })).status).toBe(401);
  });

  test('a scoped token sees only its sources’ events and subscriptions, and no sources or tokens', async () => {
    const mine = await createSource('Mine');
    const theirs = await createSource('Theirs');
    const [myEvent, theirEvent] = [await ingestTo(mine), await ingestTo(theirs)];
    const mySub = await api(relay.url, 'POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/mine', sources: [mine.id] });
    const theirSub = await api(relay.url, 'POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/theirs', sources: [theirs.id] });
    const minted = await api(relay.url, 'POST', '/v1/tokens', { name: 'Mine only', sources: [mine.id] });
    const token = get(minted.body, 'token') as string;

    await withPage(browser, async (cp) => {
      const { page } = cp;
      await signIn(cp, relay.url, token);
      expect(await page.getByTestId('identity').textContent()).toBe(`Scoped token “Mine only” · ${mine.id}`);
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link').allTextContents()).toEqual(['Events', 'Dead letters', 'Subscriptions', 'Charts']);

      await page.locator(`[data-event-id="${myEvent}"]`).waitFor();
      expect(await page.locator(`[data-event-id="${theirEvent}"]`).count()).toBe(0);

      await go(cp, `#/events/${theirEvent}`);
      await page.getByRole('alert').getByText('Error 404').waitFor();

      await go(cp, '#/subscriptions');
      await page.locator(`[data-subscription-id="${get(mySub.body, 'id') as string}"]`).waitFor();
      expect(await page.locator(`[data-subscription-id="${get(theirSub.body, 'id') as string}"]`).count()).toBe(0);

      await go(cp, '#/subscriptions/new');
      const offered = await page.locator('fieldset input[type=checkbox]').evaluateAll((els) => els.map((e) => e.id));
      expect(offered).toEqual([`new-src-${mine.id}`]);

      await go(cp, '#/sources');
      await page.getByRole('heading', { name: 'Not available' }).waitFor();
    });
  });

  test('charts: throughput and failures per minute from /v1/stats', async () => {
    for (let i = 0; i < 3; i++) expect((await postHook(relay.url, 'vyora', vyoraEvent())).status).toBe(200);
    const stats = await eventually(async () => {
      const res = await api(relay.url, 'GET', '/v1/stats?minutes=60');
      const minutes = get(res.body, 'minutes') as Array<{ received: number }>;
      const received = minutes.reduce((n, m) => n + m.received, 0);
      return received >= 3 ? { received, pending: get(res.body, 'pending') as number } : undefined;
    });
    const cp = admin();
    const { page } = cp;
    await go(cp, '#/stats');
    await page.locator('[data-testid=chart-received] canvas').waitFor();
    await page.locator('[data-testid=chart-failed] canvas').waitFor();
    expect(await page.getByRole('figure').first().textContent()).toContain(`Received: ${stats.received}`);
    expect(await page.getByTestId('pending').textContent()).toMatch(/^\d+$/);
  });
});
