// The relay for the long run, as ratios measured in one run (run `tsc -b` first):
//   retention  ingest on a database that has received 1,000,000 events (most pruned) against
//              ingest on a fresh one, rounds alternating; the database file's size over the run
//   filters    ingest with fan-out to 50 subscriptions that each carry a filter, against 50
//              without, rounds alternating (the filters match, so both fan out alike and the
//              difference is the filters' cost); one filter evaluation in microseconds
//   rate       a subscription limited to 5/s over a minute on one relay and on two replicas
//              sharing PostgreSQL, and an unlimited subscription's delivery rate beside it
//              against the same without the limited one
//   sources    ingest through /hooks/vyora/<source> with 100 sources configured against
//              /hooks/vyora, rounds alternating
// Usage: node bench/long-run.js [--only retention,filters,rate,sources] [--duration 8] [--rounds 3]
//        [--events 1000000] [--rate-seconds 60] [--json out.json]
// Run by `npm run bench` after run.js. PostgreSQL rows need CALLBRIDGE_TEST_POSTGRES_URL.
const { randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { median, start, ask, stop, api, waitForReceiver, signedPool, cannon, relayEnv } = require('./harness');

const DIST = join(__dirname, '..', 'dist', 'index.js');
if (!existsSync(DIST)) {
  console.error('bench: compiled code is missing; run `tsc -b` (or `npm run build`) first');
  process.exit(1);
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}
const DURATION = Number(arg('duration', '8'));
const ROUNDS = Number(arg('rounds', '3'));
const EVENTS = Number(arg('events', '1000000'));
const RATE_SECONDS = Number(arg('rate-seconds', '60'));
const ONLY = new Set(String(arg('only', 'retention,filters,rate,sources')).split(','));
const JSON_OUT = arg('json', '');
const PG_URL = process.env.BENCH_POSTGRES_URL || process.env.CALLBRIDGE_TEST_POSTGRES_URL || '';

const round2 = (x) => Math.round(x * 100) / 100;
const mib = (b) => Math.round((b / 1024 / 1024) * 10) / 10;
const relay = (env) => start('relay', { env, execArgv: ['--max-semi-space-size=8', '--max-old-space-size=256'] });

function fileBytes(dir) {
  let total = 0;
  for (const f of ['relay.db', 'relay.db-wal']) {
    try {
      total += statSync(join(dir, f)).size;
    } catch {
      // not there (yet)
    }
  }
  return total;
}

/** Alternating rounds of two sides; each side is a cannon run. Returns per-round figures and the median ratio b/a. */
async function alternate(label, a, b) {
  const rows = [];
  for (let r = 0; r < ROUNDS; r++) {
    const x = await a.run();
    const y = await b.run();
    rows.push({ a: x.rps, b: y.rps, ratio: y.rps / x.rps, errors: x.errors + y.errors });
    console.log(`  round ${r + 1}: ${a.name} ${Math.round(x.rps)}/s | ${b.name} ${Math.round(y.rps)}/s | ratio ${(y.rps / x.rps).toFixed(2)}${x.errors + y.errors ? ` (${x.errors + y.errors} errors)` : ''}`);
  }
  return {
    [`${a.name}Rps`]: Math.round(median(rows.map((r) => r.a))),
    [`${b.name}Rps`]: Math.round(median(rows.map((r) => r.b))),
    ratio: round2(median(rows.map((r) => r.ratio))),
    errors: rows.reduce((s, r) => s + r.errors, 0),
    label,
  };
}

// ---------------------------------------------------------------- retention

async function benchRetention(report) {
  const agedDir = mkdtempSync(join(tmpdir(), 'relay-bench-aged-'));
  const freshDir = mkdtempSync(join(tmpdir(), 'relay-bench-fresh-'));
  // A short window so that a million events overflow it many times over in one run.
  const retention = { RELAY_RETENTION: '10s', RELAY_PRUNE_INTERVAL: '2s' };
  const aged = await relay(relayEnv(agedDir, retention));
  const sizes = [];
  try {
    const t0 = Date.now();
    let sent = 0;
    const chunk = 100_000;
    while (sent < EVENTS) {
      const n = Math.min(chunk, EVENTS - sent);
      const r = await cannon(aged.url, signedPool(n), { amount: n });
      sent += n;
      sizes.push({ events: sent, seconds: Math.round((Date.now() - t0) / 1000), mib: mib(fileBytes(agedDir)) });
      console.log(`  ${sent} events received (${Math.round(r.rps)}/s), database ${sizes[sizes.length - 1].mib} MiB`);
    }
    await sleep(3000);
    const fresh = await relay(relayEnv(freshDir, retention));
    try {
      const result = await alternate(
        'ingest after 1M events / fresh',
        { name: 'fresh', run: () => cannon(fresh.url, signedPool(20_000 * DURATION), { duration: DURATION }) },
        { name: 'aged', run: () => cannon(aged.url, signedPool(20_000 * DURATION), { duration: DURATION }) },
      );
      report.retention = { events: EVENTS, retention: retention.RELAY_RETENTION, ...result, sizes, finalMiB: mib(fileBytes(agedDir)) };
    } finally {
      await stop(fresh);
    }
  } finally {
    await stop(aged);
    rmSync(agedDir, { recursive: true, force: true });
    rmSync(freshDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- filters

function filterMicrobench() {
  const { compileFilter } = require(join(__dirname, '..', 'dist', 'filters', 'compile.js'));
  const { FilterRouter } = require(join(__dirname, '..', 'dist', 'storage', 'filter-router.js'));
  const body = {
    id: 'evt_1',
    type: 'vyora.call_completed',
    provider: 'vyora',
    source: 'default',
    created_at: '2026-05-24T10:31:00Z',
    data: { call_id: 'c1', duration_seconds: 47, analysis: { classification: 'Interested' } },
  };
  const filter = compileFilter({ 'data.analysis.classification': { $in: ['Interested', 'Callback'] }, 'data.duration_seconds': { $gte: 30 } }).filter;
  const n = 1_000_000;
  for (let i = 0; i < 10_000; i++) filter.matches(body);
  let t = process.hrtime.bigint();
  let hits = 0;
  for (let i = 0; i < n; i++) if (filter.matches(body)) hits += 1;
  const perFilterUs = Number(process.hrtime.bigint() - t) / 1000 / n;
  // The router's cost per event with 50 filtered subscriptions: one parse of the payload, 50 evaluations.
  const router = new FilterRouter();
  router.set(Array.from({ length: 50 }, (_, i) => ({ id: `sub_${i}`, events: ['vyora.*'], sources: null, filter: filter.text })));
  const event = { id: 'evt_1', type: 'vyora.call_completed', provider: 'vyora', source: 'default', createdAt: body.created_at, data: JSON.stringify(body.data) };
  const m = 20_000;
  t = process.hrtime.bigint();
  for (let i = 0; i < m; i++) hits += router.evaluate(event).pass.length;
  const perEventUs = Number(process.hrtime.bigint() - t) / 1000 / m;
  return { perFilterUs: round2(perFilterUs), routerPerEventWith50Us: round2(perEventUs), hits };
}

async function benchFilters(report) {
  const receiver = await start('receiver');
  const dirs = [mkdtempSync(join(tmpdir(), 'relay-bench-f-')), mkdtempSync(join(tmpdir(), 'relay-bench-p-'))];
  // One delivery at a time: the worker barely competes, so the rounds measure ingest and fan-out.
  const env = (dir) => relayEnv(dir, { RELAY_DELIVERY_CONCURRENCY: '1', RELAY_RETENTION: '0' });
  const filtered = await relay(env(dirs[0]));
  const plain = await relay(env(dirs[1]));
  try {
    const matching = { 'data.status': { $in: ['completed', 'failed'] }, 'data.duration_seconds': { $gte: 30 } };
    for (let i = 0; i < 50; i++) {
      await api(filtered.url, 'POST', '/v1/subscriptions', { target_url: `${receiver.url}/f${i}`, events: ['vyora.*'], filter: matching });
      await api(plain.url, 'POST', '/v1/subscriptions', { target_url: `${receiver.url}/p${i}`, events: ['vyora.*'] });
    }
    const pool = () => signedPool(4_000 * DURATION);
    const result = await alternate(
      'ingest + fan-out to 50 filtered / 50 unfiltered subscriptions',
      { name: 'unfiltered', run: () => cannon(plain.url, pool(), { duration: DURATION }) },
      { name: 'filtered', run: () => cannon(filtered.url, pool(), { duration: DURATION }) },
    );
    const micro = filterMicrobench();
    console.log(`  one filter evaluation: ${micro.perFilterUs} us; the router with 50 filtered subscriptions: ${micro.routerPerEventWith50Us} us per event`);
    report.filters = { subscriptions: 50, ...result, ...micro };
  } finally {
    await stop(filtered);
    await stop(plain);
    await stop(receiver);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- rate limits

/** Deliveries per second to a path over the window that starts at its first arrival. */
function rateOver(arrivals, seconds) {
  if (arrivals.length === 0) return 0;
  const from = arrivals[0];
  return arrivals.filter((t) => t < from + seconds * 1000).length / seconds;
}

async function rateCase(name, relays, receiver) {
  const [first] = relays;
  const limited = await api(first.url, 'POST', '/v1/subscriptions', { target_url: `${receiver.url}/timed/limited`, events: ['vyora.*'], rate_limit_per_second: 5 });
  const other = await api(first.url, 'POST', '/v1/subscriptions', { target_url: `${receiver.url}/timed/other`, events: ['vyora.*'] });
  await ask(receiver, 'reset');
  // Enough backlog for the whole window: the limited subscription drains it at 5/s.
  const n = RATE_SECONDS * 5 + 100;
  const pool = signedPool(n);
  const half = Math.ceil(n / relays.length);
  await Promise.all(relays.map((r, i) => cannon(r.url, pool.slice(i * half, (i + 1) * half), { amount: Math.min(half, n - i * half) })));
  const t0 = Date.now();
  await waitForReceiver(receiver, n, 120_000); // the unlimited one gets all n quickly
  const otherStats = (await ask(receiver, 'stats')).byPath['/timed/other'];
  const otherSeconds = (otherStats.arrivals[otherStats.arrivals.length - 1] - otherStats.arrivals[0]) / 1000;
  await sleep(Math.max(0, RATE_SECONDS * 1000 + 2000 - (Date.now() - t0)));
  const lim = (await ask(receiver, 'stats')).byPath['/timed/limited'];
  const perSecond = rateOver(lim.arrivals, RATE_SECONDS);
  // At most 5 in any one-second window.
  let maxInSecond = 0;
  for (let i = 0, j = 0; i < lim.arrivals.length; i++) {
    while (lim.arrivals[i] - lim.arrivals[j] >= 1000) j += 1;
    maxInSecond = Math.max(maxInSecond, i - j + 1);
  }
  await api(first.url, 'DELETE', `/v1/subscriptions/${limited.id}`);
  await api(first.url, 'DELETE', `/v1/subscriptions/${other.id}`);
  console.log(
    `  ${name}: limited subscription ${perSecond.toFixed(2)}/s over ${RATE_SECONDS} s (goal 5 ± 10%), at most ${maxInSecond} in any second; ` +
      `the unlimited one got ${n} in ${otherSeconds.toFixed(1)} s (${Math.round(n / Math.max(otherSeconds, 0.001))}/s)`,
  );
  return { limitedPerSecond: round2(perSecond), maxInOneSecond: maxInSecond, otherDeliveriesPerSecond: Math.round(n / Math.max(otherSeconds, 0.001)), events: n };
}

/** The unlimited subscription alone, for comparison. */
async function controlCase(relays, receiver) {
  const [first] = relays;
  const other = await api(first.url, 'POST', '/v1/subscriptions', { target_url: `${receiver.url}/timed/other`, events: ['vyora.*'] });
  await ask(receiver, 'reset');
  const n = RATE_SECONDS * 5 + 100;
  await cannon(first.url, signedPool(n), { amount: n });
  await waitForReceiver(receiver, n, 120_000);
  const s = (await ask(receiver, 'stats')).byPath['/timed/other'];
  await api(first.url, 'DELETE', `/v1/subscriptions/${other.id}`);
  const seconds = (s.arrivals[s.arrivals.length - 1] - s.arrivals[0]) / 1000;
  return Math.round(n / Math.max(seconds, 0.001));
}

async function benchRate(report) {
  const receiver = await start('receiver');
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-rate-'));
  report.rate = {};
  try {
    const one = await relay(relayEnv(dir));
    try {
      const control = await controlCase([one], receiver);
      report.rate.sqlite = { ...(await rateCase('SQLite, one relay', [one], receiver)), otherAloneDeliveriesPerSecond: control };
    } finally {
      await stop(one);
    }
    if (!PG_URL) {
      console.log('  PostgreSQL, two replicas: skipped (set CALLBRIDGE_TEST_POSTGRES_URL)');
      return;
    }
    const schema = `bench_rate_${randomBytes(4).toString('hex')}`;
    const pgEnv = relayEnv(dir, { RELAY_DATABASE_URL: PG_URL, RELAY_PG_SCHEMA: schema, RELAY_ENCRYPTION_KEY: randomBytes(32).toString('hex') });
    const a = await relay(pgEnv);
    const b = await relay(pgEnv);
    try {
      const control = await controlCase([a, b], receiver);
      report.rate.postgresTwoReplicas = { ...(await rateCase('PostgreSQL, two replicas', [a, b], receiver)), otherAloneDeliveriesPerSecond: control };
    } finally {
      await stop(a);
      await stop(b);
      const { Client } = require('pg');
      const c = new Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  } finally {
    await stop(receiver);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- sources

async function benchSources(report) {
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-src-'));
  const r = await relay(relayEnv(dir));
  try {
    const sources = [];
    for (let i = 0; i < 100; i++) {
      const secret = `bench_source_secret_${i}_${randomBytes(6).toString('hex')}`;
      const s = await api(r.url, 'POST', '/v1/sources', { provider: 'vyora', name: `Client ${i}`, webhook_secret: secret });
      sources.push({ id: s.id, secret });
    }
    const target = sources[57];
    const result = await alternate(
      '/hooks/vyora/<source> with 100 sources / /hooks/vyora',
      { name: 'environment', run: () => cannon(r.url, signedPool(20_000 * DURATION), { duration: DURATION }, '/hooks/vyora') },
      { name: 'source', run: () => cannon(r.url, signedPool(20_000 * DURATION, { secret: target.secret }), { duration: DURATION }, `/hooks/vyora/${target.id}`) },
    );
    report.sources = { sources: 100, ...result };
  } finally {
    await stop(r);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const report = { startedAt: new Date().toISOString() };
  if (ONLY.has('retention')) {
    console.log(`retention (${EVENTS} events through a 10 s window, then fresh vs aged, rounds alternating):`);
    await benchRetention(report);
  }
  if (ONLY.has('filters')) {
    console.log('filters (50 subscriptions, rounds alternating):');
    await benchFilters(report);
  }
  if (ONLY.has('rate')) {
    console.log(`rate limits (5/s over ${RATE_SECONDS} s):`);
    await benchRate(report);
  }
  if (ONLY.has('sources')) {
    console.log('sources (100 configured):');
    await benchSources(report);
  }
  console.log('\nsummary');
  if (report.retention) {
    const x = report.retention;
    console.log(`  retention: ingest after ${x.events} events / fresh = ${x.ratio} (goal >= 0.9); database ${x.sizes.map((s) => s.mib).join(' -> ')} MiB, ${x.finalMiB} at the end`);
  }
  if (report.filters) {
    const x = report.filters;
    console.log(`  filters: 50 filtered / 50 unfiltered = ${x.ratio} (goal >= 0.8); one evaluation ${x.perFilterUs} us`);
  }
  if (report.rate && report.rate.sqlite) {
    for (const [k, x] of Object.entries(report.rate)) {
      console.log(`  rate (${k}): ${x.limitedPerSecond}/s (goal 5 ± 10%), max ${x.maxInOneSecond} in a second; others ${x.otherDeliveriesPerSecond}/s vs ${x.otherAloneDeliveriesPerSecond}/s alone`);
    }
  }
  if (report.sources) console.log(`  sources: /hooks/vyora/<source> / /hooks/vyora = ${report.sources.ratio} (goal >= 0.95)`);
  if (JSON_OUT) writeFileSync(JSON_OUT, `${JSON.stringify(report, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
