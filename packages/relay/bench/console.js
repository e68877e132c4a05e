// The console on a large database, in a real Chromium: a relay holding 1,000,000 events (with
// a delivery each), then the time from opening /console signed in (token in session storage) to
// the first page of events on screen, against the same on a database of 1,000 events in the
// same run; plus the bundle's gzipped size. Needs Debian's chromium (or CALLBRIDGE_CHROMIUM).
// Usage: node bench/console.js [--events 1000000] [--rounds 5] [--json out.json]
const { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');
const { TOKEN, median, start, stop, relayEnv } = require('./harness');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}
const EVENTS = Number(arg('events', '1000000'));
const ROUNDS = Number(arg('rounds', '5'));
const JSON_OUT = arg('json', '');
const DIST = join(__dirname, '..', 'dist');
const CHROMIUM = process.env.CALLBRIDGE_CHROMIUM || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** Fills a database directly through the storage layer: far faster than posting a million webhooks. */
async function fill(dir, n) {
  const { SqliteStorage } = require(join(DIST, 'storage', 'sqlite.js'));
  const s = new SqliteStorage({ path: join(dir, 'relay.db') });
  await s.createSubscription({ id: 'sub_bench', targetUrl: 'http://127.0.0.1:9/none', events: ['*'], headers: {}, secret: 'whsec_YmVuY2g=', createdAt: new Date().toISOString() });
  // The deliveries are done: a large relay's deliveries are mostly finished ones.
  const types = ['vyora.call_started', 'vyora.call_completed', 'vyora.all_processing_completed'];
  const batch = 5000;
  for (let at = 0; at < n; at += batch) {
    const events = [];
    for (let i = at; i < Math.min(n, at + batch); i++) {
      const type = types[i % 3];
      events.push({
        id: `evt_bench${String(i).padStart(21, '0')}`,
        type,
        provider: 'vyora',
        event: type.slice('vyora.'.length),
        createdAt: '2026-05-24T10:31:00Z',
        receivedAt: Date.now() - (n - i) * 10,
        dedupeKey: `bench:${i}`,
        data: JSON.stringify({ event: type.slice(6), call_id: `call_${i}`, status: 'completed', duration_seconds: 47, analysis: { classification: 'Interested' } }),
      });
    }
    s.ingestDeferred(events);
  }
  s.stmt("UPDATE deliveries SET state = 'succeeded', next_attempt_at = NULL").run();
  await s.close();
}

async function firstView(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Sign in as a person does; then time a fresh load of the events view, as a returning user
  // (the token in the tab's session storage) sees it.
  await page.goto(`${url}/console/`);
  await page.getByLabel('API token').fill(TOKEN);
  await page.getByLabel('API token').press('Enter');
  await page.getByTestId('identity').waitFor();
  await page.goto('about:blank');
  const t0 = Date.now();
  await page.goto(`${url}/console/#/events`);
  await page.getByTestId('events').locator('tbody tr').first().waitFor();
  const ms = Date.now() - t0;
  const rows = await page.getByTestId('events').locator('tbody tr').count();
  await context.close();
  return { ms, rows };
}

function bundleGzipBytes() {
  const dir = join(DIST, 'console');
  return readdirSync(dir).reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0);
}

async function main() {
  if (!CHROMIUM) {
    console.log('console bench: skipped (no Chromium at CALLBRIDGE_CHROMIUM or /usr/bin/chromium)');
    return;
  }
  const report = { events: EVENTS, bundleGzipKiB: Math.round((bundleGzipBytes() / 1024) * 10) / 10 };
  const big = mkdtempSync(join(tmpdir(), 'relay-bench-console-big-'));
  const small = mkdtempSync(join(tmpdir(), 'relay-bench-console-small-'));
  const t0 = Date.now();
  await fill(big, EVENTS);
  await fill(small, 1000);
  console.log(`  filled ${EVENTS} events in ${Math.round((Date.now() - t0) / 1000)} s`);
  // RELAY_RETENTION=0: nothing is pruned while we look.
  const env = { RELAY_RETENTION: '0' };
  const relays = [await start('relay', { env: relayEnv(big, env) }), await start('relay', { env: relayEnv(small, env) })];
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const rows = { big: [], small: [] };
    await firstView(browser, relays[0].url);
    await firstView(browser, relays[1].url);
    for (let r = 0; r < ROUNDS; r++) {
      const b = await firstView(browser, relays[0].url);
      const s = await firstView(browser, relays[1].url);
      rows.big.push(b.ms);
      rows.small.push(s.ms);
      console.log(`  round ${r + 1}: ${EVENTS} events ${b.ms} ms (${b.rows} rows shown) | 1,000 events ${s.ms} ms`);
    }
    report.firstViewMsAt1M = median(rows.big);
    report.firstViewMsAt1k = median(rows.small);
    report.ratio = Math.round((report.firstViewMsAt1M / report.firstViewMsAt1k) * 100) / 100;
  } finally {
    await browser.close();
    for (const r of relays) await stop(r);
    rmSync(big, { recursive: true, force: true });
    rmSync(small, { recursive: true, force: true });
  }
  console.log(
    `\nsummary\n  console: first view on ${EVENTS} events ${report.firstViewMsAt1M} ms (goal < 1000), on 1,000 events ${report.firstViewMsAt1k} ms; bundle ${report.bundleGzipKiB} KiB gzipped (goal < 150)`,
  );
  if (JSON_OUT) writeFileSync(JSON_OUT, `${JSON.stringify(report, null, 2)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
