import type { Browser } from 'playwright-core';
import { api, eventually, get, startReceiver, startTestRelay, subscribe, TOKEN, type Receiver, type TestRelay } from '../support/harness';
import { browserSuite, go, launchBrowser, sharedAdminPage, type ConsolePage } from './support/browser';

/** Subscriptions in the console, in a real Chromium against a real relay: every action on one. */
browserSuite('console in Chromium: subscriptions', () => {
  let relay: TestRelay;
  let receiver: Receiver;
  let browser: Browser;

  beforeAll(async () => {
    [relay, receiver, browser] = await Promise.all([startTestRelay(), startReceiver(), launchBrowser()]);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await relay?.close();
  });

  const admin = sharedAdminPage(
    () => browser,
    () => relay.url,
    TOKEN,
  );

  async function getSub(id: string): Promise<{ status: number; body: unknown }> {
    return api(relay.url, 'GET', `/v1/subscriptions/${id}`);
  }

  async function openSub(id: string): Promise<ConsolePage> {
    const cp = admin();
    await go(cp, `#/subscriptions/${id}`);
    await cp.page.getByTestId('subscription').waitFor();
    return cp;
  }

  test('create: the relay’s validation errors show with their field; the secret is shown once; delete asks first', async () => {
    const cp = admin();
    const { page } = cp;
    await go(cp, '#/subscriptions');
    await page.getByRole('link', { name: 'New subscription' }).click();
    await page.getByLabel('Target URL').fill(`${receiver.url}/created`);
    await page.getByLabel('Events').fill('vyora.nope');
    await page.getByLabel('Events').press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('events.0');
    expect(await alert.textContent()).toContain('"nope" is not a Vyora event');

    await page.getByLabel('Events').fill('vyora.call_completed, aila.*');
    await page.getByRole('button', { name: 'Create subscription' }).click();
    await page.getByRole('heading', { name: 'Signing secret' }).waitFor();
    const secret = (await page.getByTestId('secret-value').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    const listed = await api(relay.url, 'GET', '/v1/subscriptions');
    const created = (get(listed.body, 'data') as Array<{ id: string; target_url: string; events: string[] }>).find(
      (s) => s.target_url === `${receiver.url}/created`,
    );
    expect(created?.events).toEqual(['vyora.call_completed', 'aila.*']);
    const id = created?.id as string;
    expect(get((await getSub(id)).body, 'secret')).toBe(secret);

    await page.getByRole('button', { name: 'Done, hide it' }).click();
    await page.getByTestId('subscription').waitFor();
    expect(page.url()).toContain(`#/subscriptions/${id}`);
    expect(await page.locator('body').textContent()).not.toContain(secret);

    await go(cp, '#/subscriptions');
    await page.locator(`[data-subscription-id="${id}"]`).waitFor();

    await page.locator(`[data-subscription-id="${id}"]`).getByRole('link').click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete it' }).click();
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor();
    expect((await getSub(id)).status).toBe(404);
    expect(await page.locator(`[data-subscription-id="${id}"]`).count()).toBe(0);
  });

  test(
    'edit: description, filter, rate limit and headers are saved with PATCH and shown back; a bad filter is refused by name',
    async () => {
      const sub = await subscribe(relay.url, `${receiver.url}/edit`, ['vyora.*']);
      const { page } = await openSub(sub.id);
      await page.getByRole('button', { name: 'Edit' }).click();
      await page.getByLabel('Filter (optional)').fill('{"data.duration_seconds": ');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('alert').getByText('is not valid JSON').waitFor();

      await page.getByLabel('Filter (optional)').fill('{"data.x": {"$where": "1"}}');
      await page.getByRole('button', { name: 'Save changes' }).click();
      // The relay's answer (not the form's own check, which found nothing wrong) names the field.
      await page.getByRole('alert').getByText('Error 400').waitFor();
      expect(await page.getByRole('alert').locator('code').allTextContents()).toContain('filter');
      expect(get((await getSub(sub.id)).body, 'filter')).toBeNull();

      await page.getByLabel('Description (optional)').fill('Calls of 30 s or more');
      await page.getByLabel('Filter (optional)').fill('{"data.duration_seconds": {"$gte": 30}}');
      await page.getByLabel('Rate limit per second (optional)').fill('0.5');
      await page.getByLabel(/Replace the headers/).check();
      await page.getByLabel('Headers (optional)').fill('x-make-apikey: make-key-1');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Saved.').waitFor();
      const shown = (await page.getByTestId('subscription').textContent()) ?? '';
      expect(shown).toContain('Calls of 30 s or more');
      expect(shown).toContain('"$gte": 30');
      expect(shown).toContain('0.5 per second');
      expect(shown).toContain('x-make-apikey: ********');
      expect(shown).not.toContain('make-key-1');
      const stored = (await getSub(sub.id)).body;
      expect(get(stored, 'description')).toBe('Calls of 30 s or more');
      expect(get(stored, 'filter')).toEqual({ 'data.duration_seconds': { $gte: 30 } });
      expect(get(stored, 'rate_limit_per_second')).toBe(0.5);
      expect(get(stored, 'headers')).toEqual({ 'x-make-apikey': '********' });
    },
  );

  test('disable and enable: the status and the reason show, and the relay agrees', async () => {
    const sub = await subscribe(relay.url, `${receiver.url}/toggle`, ['vyora.*']);
    const { page } = await openSub(sub.id);
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByText('disabled by PATCH').waitFor();
    expect(get((await getSub(sub.id)).body, 'status')).toBe('disabled');
    expect(await page.getByRole('button', { name: 'Send test event' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Disable' }).waitFor();
    expect(get((await getSub(sub.id)).body, 'status')).toBe('active');
    expect(await page.getByTestId('subscription').textContent()).not.toContain('disabled by PATCH');
  });

  test('rotate: the new secret is shown once and is the one the relay now signs with', async () => {
    const sub = await subscribe(relay.url, `${receiver.url}/rotate`, ['vyora.*']);
    const { page } = await openSub(sub.id);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    await page.getByRole('heading', { name: 'New signing secret' }).waitFor();
    const shown = (await page.getByTestId('secret-value').textContent()) ?? '';
    expect(shown).toMatch(/^whsec_/);
    expect(shown).not.toBe(sub.secret);
    const stored = (await getSub(sub.id)).body;
    expect(get(stored, 'secret')).toBe(shown);
    expect(typeof get(stored, 'previous_secret_expires_at')).toBe('string');
    await page.getByRole('button', { name: 'Done, hide it' }).click();
    expect(await page.getByTestId('secret-value').count()).toBe(0);
  });

  test('send a test event: the documents’ sample reaches the receiver marked test', async () => {
    const target = await startReceiver();
    try {
      const sub = await subscribe(relay.url, `${target.url}/test`, ['vyora.call_completed']);
      const { page } = await openSub(sub.id);
      await page.getByLabel('Event type').selectOption('vyora.call_completed');
      await page.getByRole('button', { name: 'Send test event' }).click();
      await page.getByText(/queued as delivery/).waitFor();
      const [got] = await target.waitFor(1);
      const body = JSON.parse(got?.body ?? '{}') as Record<string, unknown>;
      expect(body['type']).toBe('vyora.call_completed');
      expect(body['test']).toBe(true);
      await eventually(async () => ((await page.locator('[data-testid=deliveries] tbody tr').count()) === 1 ? true : undefined));
    } finally {
      await target.close();
    }
  });
});
