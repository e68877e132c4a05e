import type { Browser } from 'playwright-core';
import {
  api,
  eventually,
  get,
  postHook,
  startReceiver,
  startTestRelay,
  subscribe,
  TOKEN,
  vyoraEvent,
  type Receiver,
  type TestRelay,
} from '../support/harness';
import {
  browserSuite,
  go,
  launchBrowser,
 
  sharedAdminPage,
  signIn,
  withPage,
  type ConsolePage,
} from './support/browser';

/**
 * The console in a real Chromium against a real relay: signing in, the events list and its
 * live tail, an event's payload (as text), deliveries and attempts, replay, the dead letters and
 * their bulk replay, keyboard use and a 375 px screen.
 */
browserSuite('console in Chromium: events', () => {
  let relay: TestRelay;
  let receiver: Receiver;
  let browser: Browser;

  beforeAll(async () => {
    [relay, receiver, browser] = await Promise.all([startTestRelay(), startReceiver(), launchBrowser()]);
    await subscribe(relay.url, `${receiver.url}/main`, ['vyora.call_completed', 'aila.*']);
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

  async function ingest(body = vyoraEvent()): Promise<string> {
    const res = await postHook(relay.url, 'vyora', body);
    expect(res.status).toBe(200);
    return get(res.body, 'id') as string;
  }

  test('sign in: a wrong token is refused with the relay’s message; the token stays in the tab only; sign out forgets it', () =>
    withPage(browser, async (cp) => {
      const { page } = cp;
      await page.goto(`${relay.url}/`);
      expect(new URL(page.url()).pathname).toBe('/console/');
      await page.getByLabel('API token').fill('not-the-token-at-all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expectText(cp, 'the bearer token is not valid');

      await page.getByLabel('API token').fill(TOKEN);
      await page.getByLabel('API token').press('Enter');
      await page.getByTestId('identity').waitFor();
      expect(await page.getByTestId('identity').textContent()).toBe('Admin token');
      await page.getByRole('heading', { name: 'Events' }).waitFor();

      expect(await page.evaluate('sessionStorage.getItem("callbridge.console.token")')).toBe(TOKEN);
      expect(await page.evaluate('localStorage.length')).toBe(0);
      expect(await cp.context.cookies()).toEqual([]);
      // A reload resumes the session from the tab's storage.
      await page.reload();
      await page.getByTestId('identity').waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API token').waitFor();
      await expectText(cp, 'Signed out.');
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      expect(cp.requests.length).toBeGreaterThan(3);
      expect(cp.requests.filter((u) => u.includes(TOKEN))).toEqual([]);
      expect(page.url()).not.toContain(TOKEN);
    }));

  test('events: newest first, filtered by provider, paged with Load more (never a count)', async () => {
    const ids: string[] = [];
    for (let batch = 0; batch < 6; batch++) ids.push(...(await Promise.all(Array.from({ length: 10 }, () => ingest()))));
    const aila = await postHook(
      relay.url,
      'aila',
      JSON.stringify({
        id: `evt_aila_${Date.now()}`,
        event: 'call.completed',
        created_at: '2026-01-02T03:04:05Z',
        data: { call_id: 'c1' },
      }),
    );
    expect(aila.status).toBe(200);
    const total = await countEvents(relay.url);
    expect(total).toBeGreaterThan(60);

    const cp = admin();
    await go(cp, '#/events');
    const rows = cp.page.locator('[data-testid=events] tbody tr');
    await eventually(async () => ((await rows.count()) === 50 ? true : undefined));
    expect(await rows.first().getAttribute('data-event-id')).toBe(get(aila.body, 'id'));

    await cp.page.getByRole('button', { name: 'Load more' }).click();
    await eventually(async () => ((await rows.count()) === Math.min(total, 100) ? true : undefined));
    expect(cp.requests.some((u) => u.includes('/v1/events?') && u.includes('cursor='))).toBe(true);
    expect(cp.requests.filter((u) => /count/i.test(u))).toEqual([]);

    await cp.page.getByLabel('Provider').selectOption('aila');
    await cp.page.getByRole('button', { name: 'Apply' }).click();
    await eventually(async () => ((await rows.count()) === 1 ? true : undefined));
    expect(await rows.first().getAttribute('data-event-id')).toBe(get(aila.body, 'id'));
    expect(cp.page.url()).toContain('provider=aila');
  });

  test('an event whose payload holds <script> and <img onerror> shows them as text and runs nothing', async () => {
    const id = await ingest(
      vyoraEvent('call_completed', {
        agent_name: '<script>window.__xss = "script"</script>',
        summary: '<img src=x onerror="window.__xss = \'img\'"><b>bold?</b>',
      }),
    );
    const cp = admin();
    await go(cp, `#/events/${id}`);
    const payload = cp.page.getByTestId('payload');
    await payload.waitFor();
    const text = (await payload.textContent()) ?? '';
    expect(text).toContain('<script>window.__xss = \\"script\\"</script>');
    expect(text).toContain('<img src=x onerror=\\"window.__xss = \'img\'\\"><b>bold?</b>');
    expect(await payload.locator('*').count()).toBe(0);
    expect(await cp.page.locator('main img, main script, main b').count()).toBe(0);
    await go(cp, '#/events');
    await cp.page.locator(`[data-event-id="${id}"]`).waitFor();
    await cp.page.waitForTimeout(200); // an onerror handler would fire after the image fails to load
    expect(await cp.page.evaluate('window.__xss')).toBeUndefined();
  });

  test('an event shows its deliveries and attempts (status, latency, the receiver’s answer) and replays', async () => {
    const before = receiver.received.length;
    const id = await ingest();
    await receiver.waitFor(before + 1);
    const cp = admin();
    await go(cp, `#/events/${id}`);
    const deliveries = cp.page.getByTestId('deliveries');
    await deliveries.getByText('succeeded').waitFor();
    const attempts = cp.page.getByTestId('attempts').locator('tbody tr');
    await eventually(async () => ((await attempts.count()) === 1 ? true : undefined));
    const cells = await attempts.first().locator('td').allTextContents();
    expect(cells[3]).toBe('200');
    expect(cells[4]).toBe('success');
    expect(cells[5]).toMatch(/^\d+ ms$/);
    expect(cells[7]).toBe('{"ok":true}');

    await cp.page.getByRole('button', { name: 'Replay to every subscription' }).click();
    await expectText(cp, 'Replayed 1 delivery.');
    const got = await receiver.waitFor(before + 2);
    expect(got.filter((r) => r.headers['webhook-id'] === id)).toHaveLength(2);
    // The page follows the pending delivery until its new attempt is recorded.
    await eventually(async () => ((await attempts.count()) === 2 ? true : undefined));
  });

  test('dead letters: a failing receiver’s deliveries die; once it is fixed, bulk replay re-sends every one', async () => {
    const failing = await startReceiver(() => ({ status: 500 }));
    try {
      const sub = await subscribe(relay.url, `${failing.url}/flaky`, ['vyora.call_started']);
      const ids = await Promise.all([1, 2, 3].map(() => ingest(vyoraEvent('call_started'))));
      // Three attempts each (the test schedule retries twice, quickly), then dead.
      await eventually(async () => {
        const dead = await api(relay.url, 'GET', `/v1/deliveries?state=dead&subscription_id=${sub.id}`);
        return (get(dead.body, 'data') as unknown[]).length === 3 ? true : undefined;
      });
      expect(failing.received).toHaveLength(9);

      const cp = admin();
      await go(cp, '#/dead');
      await cp.page.getByLabel('Subscription').fill(sub.id);
      await cp.page.getByLabel('Subscription').press('Enter');
      // The unfiltered view may already show these three (they are the only dead ones), so
      // wait for the filter to reach the address before counting what it shows.
      await eventually(() => (cp.page.url().includes(`subscription_id=${sub.id}`) ? true : undefined));
      const rows = cp.page.locator('[data-testid=deliveries] tbody tr');
      await eventually(async () => ((await rows.count()) === 3 ? true : undefined));
      for (const id of ids) await cp.page.locator('[data-testid=deliveries]').getByRole('link', { name: id }).waitFor();

      failing.respond = () => ({ status: 204 });
      await cp.page.getByRole('button', { name: 'Replay all dead deliveries matching these filters' }).click();
      await cp.page.getByRole('button', { name: 'Replay them' }).click();
      await expectText(cp, 'Replayed 3 deliveries; skipped 0.');
      await cp.page.getByText('No dead deliveries match these filters.').waitFor();
      const all = await failing.waitFor(12);
      expect(new Set(all.slice(9).map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));
    } finally {
      await failing.close();
    }
  });

  test('keyboard: controls are reached with Tab, show their focus, and open with Enter', async () => {
    const id = await ingest();
    const cp = admin();
    await go(cp, '#/events');
    await cp.page.locator(`[data-event-id="${id}"]`).waitFor();
    const focused = async (): Promise<{ tag: string; text: string; href: string | null; outline: string }> =>
      (await cp.page.evaluate(
        '(() => { const e = document.activeElement; return { tag: e.tagName, text: e.textContent.trim(), href: e.getAttribute("href"), outline: getComputedStyle(e).outlineStyle }; })()',
      )) as { tag: string; text: string; href: string | null; outline: string };
    let seenApply = false;
    for (let i = 0; i < 30; i++) {
      await cp.page.keyboard.press('Tab');
      const f = await focused();
      if (f.tag === 'BUTTON' && f.text === 'Apply') {
        seenApply = true;
        expect(f.outline).toBe('solid');
      }
      if (f.tag === 'A' && f.href === `#/events/${id}`) break;
    }
    expect(seenApply).toBe(true);
    await cp.page.keyboard.press('Enter');
    await cp.page.getByTestId('payload').waitFor();
    expect(cp.page.url()).toContain(`#/events/${id}`);
  });

  test('readable at 375 px: no view scrolls sideways', async () => {
    const id = await ingest();
    await withPage(
      browser,
      async (cp) => {
        await signIn(cp, relay.url, TOKEN);
        for (const route of ['#/events', `#/events/${id}`, '#/dead', '#/subscriptions', '#/subscriptions/new']) {
          await go(cp, route);
          await eventually(async () =>
            (await cp.page.evaluate('document.querySelector("main").textContent.includes("Loading")')) ? undefined : true,
          );
          const width = (await cp.page.evaluate('document.documentElement.scrollWidth')) as number;
          expect({ route, width }).toEqual({ route, width: 375 });
        }
      },
      { width: 375, height: 812 },
    );
  });

  test('live tail: an event arriving while the list is open appears on top without a reload', async () => {
    const cp = admin();
    await go(cp, '#/events');
    await cp.page.getByText('Live tail: on').waitFor();
    const headers: Array<Record<string, string>> = [];
    cp.page.on('request', (r) => {
      if (r.url().includes('/v1/events/stream')) headers.push(r.headers());
    });
    const id = await ingest();
    const row = cp.page.locator(`[data-testid=events] tbody tr[data-event-id="${id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('class')).toBe('fresh');
    expect(await cp.page.locator('[data-testid=events] tbody tr').first().getAttribute('data-event-id')).toBe(id);
    // The stream is read with fetch(): the token travels in a header, never in its URL.
    expect(cp.requests.filter((u) => u.includes('/v1/events/stream') && u.includes(TOKEN))).toEqual([]);
  });
});

async function expectText(cp: ConsolePage, text: string): Promise<void> {
  await cp.page.getByText(text, { exact: false }).first().waitFor();
}

async function countEvents(url: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const res = await api(url, 'GET', `/v1/events?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    n += (get(res.body, 'data') as unknown[]).length;
    cursor = get(res.body, 'next_cursor') as string | null;
  } while (cursor);
  return n;
}
