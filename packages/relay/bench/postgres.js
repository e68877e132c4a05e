// PostgreSQL beside SQLite, in one run: ingest and delivery for SQLite (one relay),
// PostgreSQL with one relay, and PostgreSQL with two relays on one schema. A two-core
// machine cannot show raw scale-out (the relays, PostgreSQL and the load generator share
// the cores), so each row also reports events per relay CPU-second: the relays' own CPU
// time (process.cpuUsage, all threads) read before and after. Two replicas that do not
// contend keep that figure within 10% of one replica's.
// Needs CALLBRIDGE_TEST_POSTGRES_URL (or BENCH_POSTGRES_URL); without it the rows are skipped.
// Used by run.js (`--only postgres`), or alone: node bench/postgres.js [--duration 8] [--rounds 2]
const { randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const autocannon = require('autocannon');
const { SECRET, TOKEN, CONNECTIONS, now, median, start, ask, stop, api, waitForReceiver } = require('./harness');

const DIST = join(__dirname, '..', 'dist', 'index.js');
const CORE = join(__dirname, '..', '..', 'core', 'dist', 'index.js');
const PG_URL = process.env.BENCH_POSTGRES_URL || process.env.CALLBRIDGE_TEST_POSTGRES_URL || '';
// BENCH_PG_PROF=DIR writes a CPU profile of each relay there (node --cpu-prof), for tuning.
const PROF_DIR = process.env.BENCH_PG_PROF || '';


function startRelay(env) {
  return start('relay', { env, execArgv: PROF_DIR ? [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`] : [] });
}

/** The relays' CPU seconds (user + system, every thread) since `before`. */
async function cpuSeconds(relays, before) {
  const after = await Promise.all(relays.map((r) => ask(r, 'stats')));
  return after.reduce((s, a, i) => s + (a.cpu.user - before[i].cpu.user + a.cpu.system - before[i].cpu.system) / 1e6, 0);
}

let serial = 0;
function signedPool(signWebhook, n) {
  const run = `${process.pid}-${Date.now()}-${serial++}`;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const body = `{"event":"call_completed","call_id":"pg-${run}-${i}","phone_number":"+919876543210","status":"completed","duration_seconds":47}`;
    out[i] = { body, sig: signWebhook('vyora', { rawBody: body, secret: SECRET }).value };
  }
  return out;
}

/** Load spread over the relays (connections split evenly), each request a distinct event; `amount` or `duration`. */
async function load(relays, pool, options) {
  let i = 0;
  const per = Math.floor(CONNECTIONS / relays.length);
  const results = await Promise.all(
    relays.map((r) =>
      autocannon({
        url: r.url,
        connections: per,
        ...(options.amount ? { amount: Math.ceil(options.amount / relays.length) } : { duration: options.duration }),
        requests: [
          {
            method: 'POST',
            path: '/hooks/vyora',
            setupRequest: (req) => {
              const b = pool[i++ % pool.length];
              req.body = b.body;
              req.headers = { 'content-type': 'application/json', 'x-vyora-signature': b.sig };
              return req;
            },
          },
        ],
      }),
    ),
  );
  const ok = results.reduce((s, r) => s + r.requests.total - r.non2xx - r.errors - r.timeouts, 0);
  const rps = results.reduce((s, r) => s + r.requests.average, 0);
  const errors = results.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0);
  return { ok, rps, errors, p99: Math.max(...results.map((r) => r.latency.p99)) };
}

function env(databaseUrl, extra = {}) {
  return {
    RELAY_DATABASE_URL: databaseUrl,
    RELAY_HOST: '127.0.0.1',
    RELAY_PORT: '0',
    RELAY_API_TOKEN: TOKEN,
    RELAY_ALLOW_PRIVATE_TARGETS: 'true',
    RELAY_RATE_LIMIT: '0',
    RELAY_LOG_LEVEL: 'warn',
    VYORA_WEBHOOK_SECRET: SECRET,
    ...extra,
  };
}

/** One configuration: ingest rounds with no subscription, then a replay measured for delivery. */
async function measureSetup(name, envs, signWebhook, { duration, rounds }) {
  const relays = [];
  for (const e of envs) relays.push(await startRelay(e)); // one at a time: the first migrates
  const receiver = await start('receiver');
  try {
    await load(relays, signedPool(signWebhook, 5000), { duration: 2 }); // warm up
    const ingest = [];
    for (let r = 0; r < rounds; r++) {
      const pool = signedPool(signWebhook, Math.ceil(30_000 * duration));
      const before = await Promise.all(relays.map((x) => ask(x, 'stats')));
      const res = await load(relays, pool, { duration });
      const cpu = await cpuSeconds(relays, before);
      ingest.push({ rps: res.rps, perCpuSecond: res.ok / cpu, p99: res.p99, errors: res.errors });
    }

    // Delivery: n events stored and delivered once; then all replayed at once (through one
    // relay: the others are woken by NOTIFY), so the workers alone set the pace.
    await api(relays[0].url, 'POST', '/v1/subscriptions', { target_url: `${receiver.url}/hook`, events: ['vyora.*'] });
    const n = 20_000;
    await load(relays, signedPool(signWebhook, n), { amount: n });
    await waitForReceiver(receiver, n, 180_000);
    await ask(receiver, 'reset');
    const before = await Promise.all(relays.map((x) => ask(x, 'stats')));
    const t0 = now();
    const replay = await api(relays[0].url, 'POST', '/v1/deliveries/replay', { state: 'succeeded' });
    const s = await waitForReceiver(receiver, replay.replayed, 180_000);
    const seconds = (s.last - t0) / 1000;
    await sleep(300); // let the last results commit before reading CPU
    const cpu = await cpuSeconds(relays, before);
    const row = {
      name,
      relays: relays.length,
      ingestRps: Math.round(median(ingest.map((x) => x.rps))),
      ingestPerRelayCpuSecond: Math.round(median(ingest.map((x) => x.perCpuSecond))),
      ingestP99Ms: median(ingest.map((x) => x.p99)),
      ingestErrors: ingest.reduce((a, x) => a + x.errors, 0),
      deliveries: replay.replayed,
      deliveryPerSecond: Math.round(replay.replayed / seconds),
      deliveryPerRelayCpuSecond: Math.round(replay.replayed / cpu),
    };
    console.log(
      `  ${name.padEnd(24)} ingest ${row.ingestRps}/s (${row.ingestPerRelayCpuSecond}/relay CPU-s, p99 ${row.ingestP99Ms} ms, ${row.ingestErrors} errors) | ` +
        `delivery ${row.deliveryPerSecond}/s (${row.deliveryPerRelayCpuSecond}/relay CPU-s)`,
    );
    return row;
  } finally {
    for (const r of relays) await stop(r);
    await stop(receiver);
  }
}

async function dropSchema(schema) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Adds report.postgres: the three rows and the two goals, or a note saying why it was skipped. */
async function benchPostgres(report, options) {
  if (!PG_URL) {
    console.log('  skipped: set CALLBRIDGE_TEST_POSTGRES_URL (or BENCH_POSTGRES_URL) to a PostgreSQL server to compare');
    report.postgres = { skipped: 'set CALLBRIDGE_TEST_POSTGRES_URL' };
    return;
  }
  const { signWebhook } = require(CORE);
  require.resolve(DIST);
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-pg-'));
  const schemas = [`bench_${randomBytes(4).toString('hex')}`, `bench_${randomBytes(4).toString('hex')}`];
  const rows = [];
  try {
    rows.push(await measureSetup('SQLite, 1 relay', [env(`sqlite:${join(dir, 'relay.db')}`)], signWebhook, options));
    const pg = (schema) => env(PG_URL, { RELAY_PG_SCHEMA: schema });
    rows.push(await measureSetup('PostgreSQL, 1 relay', [pg(schemas[0])], signWebhook, options));
    rows.push(await measureSetup('PostgreSQL, 2 relays', [pg(schemas[1]), pg(schemas[1])], signWebhook, options));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const s of schemas) await dropSchema(s).catch((e) => console.error(`could not drop ${s}: ${e.message}`));
  }
  const [sqlite, one, two] = rows;
  const ratio = (a, b) => Math.round((a / b) * 100) / 100;
  report.postgres = {
    rows,
    ingestPgVsSqlite: ratio(one.ingestRps, sqlite.ingestRps),
    ingestPerCpuTwoVsOne: ratio(two.ingestPerRelayCpuSecond, one.ingestPerRelayCpuSecond),
    deliveryPerCpuTwoVsOne: ratio(two.deliveryPerRelayCpuSecond, one.deliveryPerRelayCpuSecond),
  };
  const p = report.postgres;
  console.log(
    `  PostgreSQL ingest / SQLite ingest = ${p.ingestPgVsSqlite} (goal >= 0.5); per relay CPU-second, 2 relays / 1 relay: ` +
      `ingest ${p.ingestPerCpuTwoVsOne}, delivery ${p.deliveryPerCpuTwoVsOne} (goal >= 0.9)`,
  );
}

module.exports = { benchPostgres };

if (require.main === module) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? fallback : process.argv[i + 1];
  };
  const report = {};
  console.log('PostgreSQL beside SQLite (50 connections in all; rows per relay CPU-second):');
  benchPostgres(report, { duration: Number(arg('duration', '8')), rounds: Number(arg('rounds', '2')) }).then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
