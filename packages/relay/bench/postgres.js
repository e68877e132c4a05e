// PostgreSQL beside SQLite, in one run: ingest for SQLite (one relay), PostgreSQL with one
// relay and PostgreSQL with two relays on one schema, then delivery for the two PostgreSQL
// setups. A two-core machine cannot show raw scale-out (the relays, PostgreSQL and the load
// generator share the cores), so each figure is also given per relay CPU-second: the
// relays' own CPU time (process.cpuUsage, all threads) read before and after, and per
// PostgreSQL transaction (pg_stat_database), the count that CPU follows. Two replicas that
// do not contend keep the per-CPU-second figure within 10% of one replica's.
// Needs CALLBRIDGE_TEST_POSTGRES_URL (or BENCH_POSTGRES_URL); without it the rows are skipped.
// Used by run.js (`--only postgres`), or alone: node bench/postgres.js [--duration 8] [--rounds 2]
const { randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const autocannon = require('autocannon');
const { CONNECTIONS, now, median, start, ask, stop, api, waitForReceiver, signedPool, relayEnv } = require('./harness');

const DIST = join(__dirname, '..', 'dist', 'index.js');
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

/**
 * `perRelay` connections to each relay, each request a distinct event; `amount` (split
 * evenly) or `duration`.
 */
async function load(relays, pool, options) {
  let i = 0;
  const results = await Promise.all(
    relays.map((r) =>
      autocannon({
        url: r.url,
        connections: options.perRelay,
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

/** The bench relay's environment, on PostgreSQL at `databaseUrl`. */
function env(databaseUrl, extra = {}) {
  return relayEnv(tmpdir(), { RELAY_DATABASE_URL: databaseUrl, ...extra });
}

/** One statement on a connection of its own (the bench's bookkeeping, apart from the relays' pools). */
async function pgQuery(sql) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Transactions PostgreSQL has finished in this database: per event, the statements a relay spends. */
async function transactions() {
  const [row] = await pgQuery('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()');
  return Number(row.n);
}

/** One ingest round on a setup: throughput, events per relay CPU-second and (PostgreSQL) per transaction. */
async function ingestRound(setup, options) {
  const pool = signedPool(Math.ceil(30_000 * options.duration * setup.relays.length));
  const before = await Promise.all(setup.relays.map((x) => ask(x, 'stats')));
  const tx0 = setup.pg ? await transactions() : 0;
  const res = await load(setup.relays, pool, { duration: options.duration, perRelay: options.perRelay });
  const cpu = await cpuSeconds(setup.relays, before);
  // The two reads of the counter are transactions of their own: one is counted.
  const tx = setup.pg ? (await transactions()) - tx0 - 1 : 0;
  return { rps: res.rps, perCpuSecond: res.ok / cpu, p99: res.p99, errors: res.errors, perTransaction: setup.pg ? res.ok / tx : null };
}

/** Stores `n` events with a subscription and waits until all are delivered, so replays have work. */
async function prepareDelivery(setup, receiver, n) {
  await api(setup.relays[0].url, 'POST', '/v1/subscriptions', { target_url: `${receiver.url}/hook`, events: ['vyora.*'] });
  await ask(receiver, 'reset');
  await load(setup.relays, signedPool(n), { amount: n, perRelay: CONNECTIONS });
  await waitForReceiver(receiver, n, 180_000);
}

/**
 * Every succeeded delivery replayed at once through the first relay (the others are woken
 * by NOTIFY), so the workers alone set the pace.
 */
async function deliveryRound(setup, receiver) {
  await ask(receiver, 'reset');
  const before = await Promise.all(setup.relays.map((x) => ask(x, 'stats')));
  const tx0 = setup.pg ? await transactions() : 0;
  const t0 = now();
  const replay = await api(setup.relays[0].url, 'POST', '/v1/deliveries/replay', { state: 'succeeded' });
  const s = await waitForReceiver(receiver, replay.replayed, 180_000);
  const seconds = (s.last - t0) / 1000;
  await sleep(300); // let the last results commit before reading CPU
  const cpu = await cpuSeconds(setup.relays, before);
  const tx = setup.pg ? (await transactions()) - tx0 - 1 : 0;
  return { n: replay.replayed, perSecond: replay.replayed / seconds, perCpuSecond: replay.replayed / cpu, perTransaction: setup.pg ? replay.replayed / tx : null };
}

function dropSchema(schema) {
  return pgQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

const ratio = (a, b) => Math.round((a / b) * 100) / 100;
const fixed = (x) => (x === null ? '-' : x.toFixed(1));

/**
 * Adds report.postgres, or a note saying why it was skipped. The setups run side by side
 * and their rounds alternate (SQLite, PostgreSQL x1, PostgreSQL x2, then again), and each
 * ratio is the median of the ratios within a round: this machine's speed drifts by more
 * than the 10% the goal allows, and a round's setups see the same drift.
 *
 * Each relay gets the same 50 connections (so two relays get 100): a replica added for load
 * carries as much as the first. Splitting 50 between two relays would halve each one's load,
 * and a Node process at half load spends more CPU per event (fewer events per statement and
 * per turn of its event loop) without contending with anything; that figure is reported too.
 */
async function benchPostgres(report, options) {
  if (!PG_URL) {
    console.log('  skipped: set CALLBRIDGE_TEST_POSTGRES_URL (or BENCH_POSTGRES_URL) to a PostgreSQL server to compare');
    report.postgres = { skipped: 'set CALLBRIDGE_TEST_POSTGRES_URL' };
    return;
  }
  require.resolve(DIST);
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-pg-'));
  const schemas = [0, 1, 2, 3].map(() => `bench_${randomBytes(4).toString('hex')}`);
  const pg = (schema) => env(PG_URL, { RELAY_PG_SCHEMA: schema });
  const setups = [
    { name: 'SQLite, 1 relay', envs: [env(`sqlite:${join(dir, 'relay.db')}`)], pg: false },
    { name: 'PostgreSQL, 1 relay', envs: [pg(schemas[0])], pg: true },
    { name: 'PostgreSQL, 2 relays', envs: [pg(schemas[1]), pg(schemas[1])], pg: true },
    // The control: two relays that share no table, under the same load as the pair above.
    // What the pair loses and this one loses too is the machine's, not contention.
    { name: 'PostgreSQL, 2 apart', envs: [pg(schemas[2]), pg(schemas[3])], pg: true },
  ];
  const [sqlite, one, two, apart] = setups;
  const receivers = [];
  try {
    for (const setup of setups) {
      setup.relays = [];
      for (const e of setup.envs) setup.relays.push(await startRelay(e)); // one at a time: the first migrates
      await load(setup.relays, signedPool(5000), { duration: 2, perRelay: CONNECTIONS }); // warm up
    }
    const rounds = [];
    for (let r = 0; r < options.rounds; r++) {
      const x = {};
      for (const setup of setups) x[setup.name] = await ingestRound(setup, { duration: options.duration, perRelay: CONNECTIONS });
      x.split = await ingestRound(two, { duration: options.duration, perRelay: CONNECTIONS / 2 });
      rounds.push(x);
      const show = (k) => `${Math.round(x[k].rps)}/s ${Math.round(x[k].perCpuSecond)}/CPU-s ${fixed(x[k].perTransaction)}/tx`;
      console.log(
        `  ingest round ${r + 1}: SQLite ${show(sqlite.name)} | PG x1 ${show(one.name)} | PG x2 ${show(two.name)} | ` +
          `PG x2 apart ${show(apart.name)} | PG x2 on 25+25 ${show('split')}`,
      );
    }

    // Delivery: PostgreSQL only (SQLite's has its own benchmark in run.js).
    const deliveries = [];
    for (const setup of [one, two]) {
      const receiver = await start('receiver');
      receivers.push(receiver);
      setup.receiver = receiver;
      await prepareDelivery(setup, receiver, 20_000);
    }
    for (let r = 0; r < options.rounds; r++) {
      const a = await deliveryRound(one, one.receiver);
      const b = await deliveryRound(two, two.receiver);
      deliveries.push({ one: a, two: b });
      const show = (d) => `${Math.round(d.perSecond)}/s ${Math.round(d.perCpuSecond)}/CPU-s ${fixed(d.perTransaction)}/tx`;
      console.log(`  delivery round ${r + 1}: PG x1 ${show(a)} | PG x2 ${show(b)}`);
    }

    const med = (f) => Math.round(median(rounds.map(f)));
    const row = (setup) => ({
      name: setup.name,
      relays: setup.relays.length,
      connectionsPerRelay: CONNECTIONS,
      ingestRps: med((x) => x[setup.name].rps),
      ingestPerRelayCpuSecond: med((x) => x[setup.name].perCpuSecond),
      ingestP99Ms: median(rounds.map((x) => x[setup.name].p99)),
      ingestErrors: rounds.reduce((a, x) => a + x[setup.name].errors, 0),
      ingestEventsPerTransaction: setup.pg ? Math.round(median(rounds.map((x) => x[setup.name].perTransaction)) * 10) / 10 : null,
    });
    report.postgres = {
      rows: setups.map(row),
      delivery: {
        oneRelayPerSecond: Math.round(median(deliveries.map((d) => d.one.perSecond))),
        twoRelaysPerSecond: Math.round(median(deliveries.map((d) => d.two.perSecond))),
        oneRelayPerTransaction: Math.round(median(deliveries.map((d) => d.one.perTransaction)) * 10) / 10,
        twoRelaysPerTransaction: Math.round(median(deliveries.map((d) => d.two.perTransaction)) * 10) / 10,
      },
      ingestPgVsSqlite: ratio(median(rounds.map((x) => x[one.name].rps / x[sqlite.name].rps)), 1),
      ingestPerCpuTwoVsOne: ratio(median(rounds.map((x) => x[two.name].perCpuSecond / x[one.name].perCpuSecond)), 1),
      deliveryPerCpuTwoVsOne: ratio(median(deliveries.map((d) => d.two.perCpuSecond / d.one.perCpuSecond)), 1),
      ingestPerCpuTwoSplitVsOne: ratio(median(rounds.map((x) => x.split.perCpuSecond / x[one.name].perCpuSecond)), 1),
      ingestPerCpuApartVsOne: ratio(median(rounds.map((x) => x[apart.name].perCpuSecond / x[one.name].perCpuSecond)), 1),
      ingestPerCpuTwoVsApart: ratio(median(rounds.map((x) => x[two.name].perCpuSecond / x[apart.name].perCpuSecond)), 1),
    };
  } finally {
    for (const setup of setups) for (const r of setup.relays ?? []) await stop(r);
    for (const r of receivers) await stop(r);
    rmSync(dir, { recursive: true, force: true });
    for (const s of schemas) await dropSchema(s).catch((e) => console.error(`could not drop ${s}: ${e.message}`));
  }
  const p = report.postgres;
  console.log(
    `  PostgreSQL ingest / SQLite ingest = ${p.ingestPgVsSqlite} (goal >= 0.5); per relay CPU-second, 2 relays / 1 relay: ` +
      `ingest ${p.ingestPerCpuTwoVsOne}, delivery ${p.deliveryPerCpuTwoVsOne} (goal >= 0.9); ` +
      `control, 2 relays sharing nothing / 1 relay: ingest ${p.ingestPerCpuApartVsOne} (so sharing costs ${p.ingestPerCpuTwoVsApart}); ` +
      `ingest with 50 connections split over the 2 relays: ${p.ingestPerCpuTwoSplitVsOne}`,
  );
}

module.exports = { benchPostgres };

if (require.main === module) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? fallback : process.argv[i + 1];
  };
  const report = {};
  console.log('PostgreSQL beside SQLite (50 connections per relay; per relay CPU-second):');
  benchPostgres(report, { duration: Number(arg('duration', '8')), rounds: Number(arg('rounds', '3')) }).then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
