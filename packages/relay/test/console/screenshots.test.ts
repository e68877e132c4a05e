import { randomBytes } from 'node:crypto';
import { providers } from '@callbridge/core';
import type { Browser, Page } from 'playwright-core';
import { api, eventually, get, postHook, startReceiver, startTestRelay, TOKEN, type Receiver, type TestRelay } from '../support/harness';
import { browserSuite, go, launchBrowser, screenshot, sharedAdminPage, signIn, withPage } from './support/browser';

/**
 * The docs' pictures of every console view (docs/images/console-*.png, replaced only with
 * CALLBRIDGE_UPDATE_SCREENSHOTS=1), taken of an agency's relay after forty minutes of work:
 * three client workspaces as sources, their automations as subscriptions, a scoped token per
 * client, calls coming in, a receiver that stumbles now and then and a CRM that cannot be
 * reached. The relay runs on a clock that starts forty minutes back and catches up, so the
 * charts have a history. Each test checks what its picture shows.
 */
const MINUTES = 40;
const CONTACTS: ReadonlyArray<readonly [string, string]> = [
  ['Rahul Sharma', '+919876543210'],
  ['Priya Nair', '+919845012345'],
  ['Arjun Mehta', '+919820098765'],
  ['Sneha Kapoor', '+919811122233'],
  ['Vikram Rao', '+919900112233'],
  ['Ananya Iyer', '+919876001122'],
  ['Kabir Singh', '+919833344455'],
];
const OUTCOMES: ReadonlyArray<readonly [string, string]> = [
  ['Interested', 'Lead expressed strong interest, asked about EMI options.'],
  ['Callback', 'Asked to be called back on Friday after 5 pm.'],
  ['Not Interested', 'Already has a home loan with another bank.'],
  ['Interested', 'Wants a quote for a 20-year term and a prepayment option.'],
  ['Callback', 'Driving; asked for a call tomorrow morning.'],
];
const BORROWERS = ['Maria Lopez', 'James Carter', 'Aisha Khan', 'Tom Becker', 'Lucia Romero'];

/** A view that fits its window: wide data (URLs, ids, filters) wraps instead of pushing the page sideways. */
async function fitsItsWidth(page: Page): Promise<void> {
  const [scroll, viewport] = (await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as [number, number];
  expect({ scroll }).toEqual({ scroll: viewport });
}

interface Source {
  id: string;
  secret: string;
}

browserSuite('console in Chromium: the docs’ screenshots, of a working agency relay', () => {
  let offsetMs = -MINUTES * 60_000;
  const clock = { now: (): number => Date.now() + offsetMs };
  let relay: TestRelay;
  let browser: Browser;
  let n8n: Receiver;
  let zapier: Receiver;
  let make: Receiver;
  let acme: Source;
  let loneStar: Source;
  let bayview: Source;
  const subs: Record<'acmeCalls' | 'acmeInterested' | 'loneStar' | 'bayviewCrm' | 'longCalls', string> = {
    acmeCalls: '',
    acmeInterested: '',
    loneStar: '',
    bayviewCrm: '',
    longCalls: '',
  };
  const tokens: Record<string, string> = {};
  let calls = 0;

  async function source(provider: 'vyora' | 'aila', name: string, extra: Record<string, string> = {}): Promise<Source> {
    const secret = `${name.toLowerCase().replace(/\W+/g, '_')}_${randomBytes(8).toString('hex')}`;
    const res = await api(relay.url, 'POST', '/v1/sources', { provider, name, webhook_secret: secret, ...extra });
    expect(res.status).toBe(201);
    return { id: get(res.body, 'id') as string, secret };
  }

  async function subscription(key: keyof typeof subs, body: Record<string, unknown>): Promise<void> {
    const res = await api(relay.url, 'POST', '/v1/subscriptions', body);
    expect(res.status).toBe(201);
    subs[key] = get(res.body, 'id') as string;
  }

  /** A Vyora call event as the documents show it, for one of the clients' contacts. */
  async function vyoraCall(to: Source | 'default', event: 'call_started' | 'call_completed' | 'all_processing_completed'): Promise<string> {
    calls += 1;
    const [name, phone] = CONTACTS[calls % CONTACTS.length] as readonly [string, string];
    const [classification, summary] = OUTCOMES[calls % OUTCOMES.length] as readonly [string, string];
    const sample = providers.vyora.webhooks?.samples?.[event] as Record<string, unknown>;
    const body = JSON.stringify({
      ...sample,
      call_id: `call_${(0x5f3a1 + calls * 7919).toString(36)}`,
      contact_name: name,
      phone_number: phone,
      agent_id: 'agt_6f1c9e2a4b7d',
      custom_args: { name, product: 'Home Loan' },
      ...(event === 'call_started' ? {} : { duration_seconds: 35 + ((calls * 53) % 380), recording_url: `https://cdn.vyora.ai/recordings/call_${(0x5f3a1 + calls * 7919).toString(36)}.mp3` }),
      // Vyora's call_completed carries no transcript or analysis yet (README "Provider notes").
      ...(event === 'call_completed' ? { transcript: null, analysis: null } : {}),
      ...(event === 'all_processing_completed' ? { analysis: { summary, classification } } : {}),
      called_at: new Date(clock.now() - 90_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      timestamp: new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
    });
    const res = await postHook(relay.url, 'vyora', body, to === 'default' ? {} : { source: to.id, secret: to.secret });
    expect(res.status).toBe(200);
    return get(res.body, 'id') as string;
  }

  async function ailaEvent(event: 'call.completed' | 'call.data.extracted'): Promise<string> {
    calls += 1;
    const sample = providers.aila.webhooks?.samples?.[event] as { data: Record<string, unknown> };
    const callId = `call_${(0x8f3c2 + calls * 104729).toString(36)}`;
    const data =
      event === 'call.completed'
        ? { ...sample.data, call_id: callId, duration_seconds: 180 + ((calls * 41) % 600) }
        : { ...sample.data, call_id: callId, fields: { ...(sample.data['fields'] as object), borrower_name: BORROWERS[calls % BORROWERS.length] } };
    const body = JSON.stringify({ ...sample, id: `evt_${randomBytes(5).toString('hex')}`, created_at: new Date(clock.now()).toISOString(), data });
    const res = await postHook(relay.url, 'aila', body, { source: loneStar.id, secret: loneStar.secret });
    expect(res.status).toBe(200);
    return get(res.body, 'id') as string;
  }

  async function settled(): Promise<void> {
    await eventually(async () => (get((await api(relay.url, 'GET', '/v1/stats?minutes=1')).body, 'pending') === 0 ? true : undefined), 20_000, 5);
  }

  beforeAll(async () => {
    [relay, browser, n8n, zapier, make] = await Promise.all([
      startTestRelay({ RELAY_RETRY_SCHEDULE: '0.1s,0.1s', RELAY_RATE_LIMIT: '0' }, undefined, { clock }),
      launchBrowser(),
      // The office's n8n answers 503 now and then (a restart), and the retry gets through.
      startReceiver((_req, count) => (count % 9 === 4 ? { status: 503, body: '{"message":"n8n is restarting; try again shortly"}' } : { status: 200, body: '{"message":"Workflow was started"}' })),
      startReceiver(),
      startReceiver(),
    ]);
    acme = await source('vyora', 'Acme Mortgage', { api_key: `vya_live_${randomBytes(12).toString('hex')}` });
    loneStar = await source('aila', 'Lone Star Lending', { api_key: `aila_${randomBytes(12).toString('hex')}`, organization_id: 'org_5tq81' });
    bayview = await source('vyora', 'Bayview Realty');

    await subscription('acmeCalls', {
      target_url: `${n8n.url}/webhook/acme-calls`,
      events: ['vyora.call_completed', 'vyora.all_processing_completed'],
      description: 'Acme: every finished call into the call log (n8n)',
      headers: { 'x-n8n-auth': `n8n_${randomBytes(10).toString('hex')}` },
      sources: [acme.id],
    });
    await subscription('acmeInterested', {
      target_url: `${make.url}/make/acme-interested-leads`,
      events: ['vyora.all_processing_completed'],
      description: 'Acme: interested leads to the sales CRM (Make)',
      headers: { 'x-make-apikey': `mk_${randomBytes(10).toString('hex')}` },
      filter: { 'data.analysis.classification': 'Interested' },
      rate_limit_per_second: 2,
      sources: [acme.id],
    });
    await subscription('loneStar', {
      target_url: `${zapier.url}/hooks/catch/4815162/lonestar/`,
      events: ['aila.call.completed', 'aila.call.data.extracted'],
      description: 'Lone Star: processed calls and extracted loan data (Zapier)',
      sources: [loneStar.id],
    });
    await subscription('bayviewCrm', {
      target_url: 'https://crm.bayview-realty.example/hooks/calls',
      events: ['vyora.*'],
      description: 'Bayview: calls into their CRM',
      sources: [bayview.id],
    });
    await subscription('longCalls', {
      target_url: `${n8n.url}/webhook/long-calls`,
      events: ['vyora.call_completed'],
      description: 'Calls over five minutes, every client, for QA review',
      filter: { 'data.duration_seconds': { $gte: 300 } },
    });
    for (const [name, sources] of [
      ["Acme's Make account", [acme.id]],
      ["Lone Star's Zapier", [loneStar.id]],
      ['Bayview n8n', [bayview.id, 'default']],
    ] as const) {
      const res = await api(relay.url, 'POST', '/v1/tokens', { name, sources });
      expect(res.status).toBe(201);
      tokens[name] = get(res.body, 'token') as string;
    }

    // Forty minutes of calls, a minute at a time, each minute settled before the clock moves on.
    for (let minute = 0; minute < MINUTES; minute++) {
      const start = offsetMs;
      const busy = 2 + ((minute * 7) % 5) + (minute > 25 && minute < 33 ? 4 : 0);
      const posts: Array<() => Promise<string>> = [];
      for (let i = 0; i < busy; i++) {
        posts.push(() => vyoraCall(acme, 'call_started'), () => vyoraCall(acme, 'call_completed'));
        if (i % 2 === 0) posts.push(() => vyoraCall(acme, 'all_processing_completed'));
      }
      if (minute % 3 === 0) posts.push(() => ailaEvent('call.completed'), () => ailaEvent('call.data.extracted'));
      if (minute % 11 === 5) posts.push(() => vyoraCall(bayview, 'call_completed'));
      if (minute % 6 === 2) posts.push(() => vyoraCall('default', 'call_completed'));
      // Spread over the minute, as calls arrive; the clock moves on only once every delivery
      // is done, so no attempt's latency spans a jump of the clock.
      for (const post of posts) {
        await post();
        await settled();
        offsetMs += Math.floor(55_000 / posts.length);
      }
      offsetMs = start + 60_000;
    }
    offsetMs = 0;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([n8n?.close(), zapier?.close(), make?.close()]);
    await relay?.close();
  });

  const admin = sharedAdminPage(
    () => browser,
    () => relay.url,
    TOKEN,
  );

  test('events: the newest first, from every client', async () => {
    const newest = get((await api(relay.url, 'GET', '/v1/events?limit=1')).body, 'data.0.id') as string;
    const cp = admin();
    await go(cp, '#/events');
    const rows = cp.page.locator('[data-testid=events] tbody tr');
    await eventually(async () => ((await rows.count()) === 50 ? true : undefined));
    expect(await rows.first().getAttribute('data-event-id')).toBe(newest);
    await fitsItsWidth(cp.page);
    await screenshot(cp.page, 'events');
  });

  test('an event: its payload, a delivery that needed a retry, and its attempts', async () => {
    const delivered = get((await api(relay.url, 'GET', `/v1/deliveries?subscription_id=${subs.acmeCalls}&state=succeeded&limit=100`)).body, 'data') as Array<{
      event_id: string;
      attempts: number;
    }>;
    const retried = delivered.find((d) => d.attempts === 2);
    expect(retried).toBeDefined();
    const cp = admin();
    await go(cp, `#/events/${retried?.event_id as string}`);
    const attempts = cp.page.getByTestId('attempts').locator('tbody tr');
    await eventually(async () => ((await attempts.count()) >= 2 ? true : undefined));
    const statuses = await attempts.evaluateAll((rows) => rows.map((r) => r.querySelectorAll('td')[3]?.textContent));
    expect(statuses).toEqual(expect.arrayContaining(['503', '200']));
    await fitsItsWidth(cp.page);
    await screenshot(cp.page, 'event', true);
  });

  test('dead letters: the deliveries to a CRM that cannot be reached', async () => {
    const dead = get((await api(relay.url, 'GET', `/v1/deliveries?state=dead&subscription_id=${subs.bayviewCrm}`)).body, 'data') as unknown[];
    expect(dead.length).toBeGreaterThan(0);
    const cp = admin();
    await go(cp, `#/dead?subscription_id=${subs.bayviewCrm}`);
    const rows = cp.page.locator('[data-testid=deliveries] tbody tr');
    await eventually(async () => ((await rows.count()) === dead.length ? true : undefined));
    expect(await cp.page.getByTestId('deliveries').textContent()).toContain('ENOTFOUND');
    await fitsItsWidth(cp.page);
    await screenshot(cp.page, 'dead-letters');
  });

  test('subscriptions: each client’s automations with their filters, limits and sources', async () => {
    const cp = admin();
    await go(cp, '#/subscriptions');
    for (const id of Object.values(subs)) await cp.page.locator(`[data-subscription-id="${id}"]`).waitFor();
    const text = (await cp.page.getByRole('main').textContent()) ?? '';
    expect(text).toContain('Acme: interested leads to the sales CRM (Make)');
    expect(text).toContain(acme.id);
    await fitsItsWidth(cp.page);
    await screenshot(cp.page, 'subscriptions');
  });

  test('a subscription: its settings, headers masked, and its recent deliveries', async () => {
    const cp = admin();
    await go(cp, `#/subscriptions/${subs.acmeInterested}`);
    const shown = cp.page.getByTestId('subscription');
    await shown.waitFor();
    await eventually(async () => ((await cp.page.locator('[data-testid=deliveries] tbody tr').count()) > 0 ? true : undefined));
    const text = (await shown.textContent()) ?? '';
    expect(text).toContain('x-make-apikey: ********');
    expect(text).toContain('2 per second');
    expect(text).toContain('"data.analysis.classification": "Interested"');
    await fitsItsWidth(cp.page);
    await screenshot(cp.page, 'subscription');
  });

  test('editing a subscription: the form holds its current settings', async () => {
    const cp = admin();
    await go(cp, `#/subscriptions/${subs.acmeInterested}`);
    await cp.page.getByRole('button', { name: 'Edit' }).click();
    expect(await cp.page.getByLabel('Description (optional)').inputValue()).toBe('Acme: interested leads to the sales CRM (Make)');
    expect(await cp.page.getByLabel('Rate limit per second (optional)').inputValue()).toBe('2');
    expect(await cp.page.getByLabel('Filter (optional)').inputValue()).toContain('Interested');
    // The form, from its heading down.
    await cp.page.getByRole('heading', { name: 'Edit', exact: true }).evaluate((h) => h.scrollIntoView());
    await fitsItsWidth(cp.page);
    await screenshot(cp.page, 'subscription-edit');
    await go(cp, '#/subscriptions');
  });

  test('sources: one per client workspace, beside the environment’s; no secret shown', async () => {
    const cp = admin();
    await go(cp, '#/sources');
    for (const s of [acme, loneStar, bayview]) await cp.page.locator(`[data-source-id="${s.id}"]`).waitFor();
    const text = (await cp.page.getByTestId('sources').textContent()) ?? '';
    expect(text).toContain('Lone Star Lending');
    for (const s of [acme, loneStar, bayview]) expect(text).not.toContain(s.secret);
    await fitsItsWidth(cp.page);
    await screenshot(cp.page, 'sources');
  });

  test('tokens: one per client connection, never the token itself', async () => {
    const cp = admin();
    await go(cp, '#/tokens');
    const table = cp.page.getByTestId('tokens');
    for (const name of Object.keys(tokens)) await table.locator('tr', { hasText: name }).waitFor();
    const text = (await cp.page.getByRole('main').textContent()) ?? '';
    for (const token of Object.values(tokens)) expect(text).not.toContain(token);
    await fitsItsWidth(cp.page);
    await screenshot(cp.page, 'tokens');
  });

  test('a scoped token: Acme’s Make account sees Acme’s events only', async () => {
    await withPage(browser, async (cp) => {
      await signIn(cp, relay.url, tokens["Acme's Make account"] as string);
      expect(await cp.page.getByTestId('identity').textContent()).toBe(`Scoped token “Acme's Make account” · ${acme.id}`);
      const rows = cp.page.locator('[data-testid=events] tbody tr');
      await eventually(async () => ((await rows.count()) === 50 ? true : undefined));
      const sources = await rows.evaluateAll((trs) => [...new Set(trs.map((tr) => tr.querySelectorAll('td')[3]?.textContent))]);
      expect(sources).toEqual([acme.id]);
      await fitsItsWidth(cp.page);
      await screenshot(cp.page, 'scoped-token');
    });
  });

  test('charts: forty minutes of throughput and failures', async () => {
    const minutes = get((await api(relay.url, 'GET', '/v1/stats?minutes=60')).body, 'minutes') as Array<{ received: number; failed: number }>;
    const received = minutes.reduce((n, m) => n + m.received, 0);
    expect(minutes.filter((m) => m.received > 0).length).toBeGreaterThanOrEqual(MINUTES - 1);
    expect(minutes.reduce((n, m) => n + m.failed, 0)).toBeGreaterThan(0);
    const cp = admin();
    await go(cp, '#/stats');
    await cp.page.locator('[data-testid=chart-received] canvas').waitFor();
    await cp.page.locator('[data-testid=chart-failed] canvas').waitFor();
    expect(await cp.page.getByRole('figure').first().textContent()).toContain(`Received: ${received}`);
    await fitsItsWidth(cp.page);
    await screenshot(cp.page, 'charts', true);
  });

  test('live tail: a call arriving while the list is open appears on top, marked new', async () => {
    const cp = admin();
    await go(cp, '#/events');
    await cp.page.getByText('Live tail: on').waitFor();
    const id = await vyoraCall(acme, 'call_completed');
    const row = cp.page.locator(`[data-testid=events] tbody tr[data-event-id="${id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('class')).toBe('fresh');
    await fitsItsWidth(cp.page);
    await screenshot(cp.page, 'live-tail');
  });

  test('on a phone: the events list at 375 px', async () => {
    await withPage(
      browser,
      async (cp) => {
        await signIn(cp, relay.url, TOKEN);
        await cp.page.locator('[data-testid=events] tbody tr').first().waitFor();
        expect(await cp.page.evaluate('document.documentElement.scrollWidth')).toBe(375);
        await fitsItsWidth(cp.page);
        await screenshot(cp.page, 'events-375px');
      },
      { width: 375, height: 812 },
    );
  });
});
