// Relay benchmarks, reported as ratios measured in one run (run `tsc -b` first):
//   ingest    verified, durably stored, acknowledged webhooks/s at 50 connections, against a
//             bare node:http server in the same run; p99 acknowledgement latency; the load
//             generator's own CPU use (a saturated generator would flatter the slower side)
//   delivery  deliveries/s to a local keep-alive receiver, and provider-POST-to-receiver
//             latency p50/p99 at a steady load
//   memory    the relay's RSS across a 100,000-event run
// Usage: node bench/run.js [--duration 10] [--rounds 3] [--only ingest,delivery,memory] [--json out.json]
//                          [--node-flags "<V8 flags for the relay; default RELAY_NODE_FLAGS>"] [--prof DIR]
//                          [--baseline DIR]  (a checkout of an earlier commit, built: its relay runs in the
//                                             ingest rounds too, so "no slower than before" is one run's ratio)
const { existsSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { Buffer } = require('node:buffer');
const http = require('node:http');
const { tmpdir, cpus, loadavg } = require('node:os');
const { join } = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { SECRET, CONNECTIONS, now, median, start, ask, stop, api, waitForReceiver, signedPool, cannon, measured, relayEnv } = require('./harness');

const DIST = join(__dirname, '..', 'dist', 'index.js');
const CORE = join(__dirname, '..', '..', 'core', 'dist', 'index.js');
if (!existsSync(DIST) || !existsSync(CORE)) {
  console.error('bench: compiled code is missing; run `tsc -b` (or `npm run build`) first');
  process.exit(1);
}
const { signWebhook } = require(CORE);


function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}
const DURATION = Number(arg('duration', '10'));
const ROUNDS = Number(arg('rounds', '3'));
const ONLY = new Set(String(arg('only', 'ingest,delivery,memory,postgres')).split(','));
const JSON_OUT = arg('json', '');
const PROF_DIR = arg('prof', '');
const BASELINE = arg('baseline', '');
const BASELINE_DIST = BASELINE ? join(BASELINE, 'packages', 'relay', 'dist', 'index.js') : '';
if (BASELINE && !existsSync(BASELINE_DIST)) {
  console.error(`bench: --baseline ${BASELINE} has no built relay (${BASELINE_DIST}); run tsc -b there first`);
  process.exit(1);
}
// The relay runs with the V8 flags it recommends (RELAY_NODE_FLAGS) unless --node-flags says otherwise.
const RELAY_FLAGS = arg('node-flags', null) === null ? [...require(DIST).RELAY_NODE_FLAGS] : String(arg('node-flags', '')).split(' ').filter(Boolean);

function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const round1 = (x) => Math.round(x * 10) / 10;
/** Generator CPU (% of one core) from which its own speed, not the server's, bounds a figure. */
const GENERATOR_SATURATED = 90;

// ---------------------------------------------------------------- child processes

/** The relay runs with the node flags it ships with (and a CPU profile with --prof DIR). */
function startRelay(env) {
  const execArgv = [...RELAY_FLAGS, ...(PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`] : [])];
  return start('relay', { env, execArgv });
}

// ---------------------------------------------------------------- load

async function benchIngest(report) {
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  const baseDir = mkdtempSync(join(tmpdir(), 'relay-bench-base-'));
  const bare = await start('bare');
  const relay = await startRelay(relayEnv(dir));
  const baseline = BASELINE_DIST ? await startRelay({ ...relayEnv(baseDir), BENCH_RELAY_DIST: BASELINE_DIST }) : null;
  const rounds = { bare: [], relay: [], baseline: [] };
  try {
    const warm = signedPool(5000);
    await cannon(bare.url, warm, { duration: 2 });
    await cannon(relay.url, warm, { duration: 2 });
    if (baseline) await cannon(baseline.url, warm, { duration: 2 });
    // Rounds alternate so that noise from the machine falls on both sides alike.
    for (let r = 0; r < ROUNDS; r++) {
      const pool = signedPool(Math.ceil(45_000 * DURATION));
      rounds.bare.push(await measured(bare, () => cannon(bare.url, pool, { duration: DURATION })));
      rounds.relay.push(await measured(relay, () => cannon(relay.url, pool, { duration: DURATION })));
      if (baseline) rounds.baseline.push(await measured(baseline, () => cannon(baseline.url, signedPool(Math.ceil(45_000 * DURATION)), { duration: DURATION })));
      const b = rounds.bare[r];
      const x = rounds.relay[r];
      console.log(
        `  round ${r + 1}: bare ${Math.round(b.rps)}/s p99 ${b.p99} ms, ${b.serverCpuUs} us CPU/req (${b.serverSysUs} sys) (generator ${Math.round(b.generatorCpu * 100)}% CPU) | ` +
          `relay ${Math.round(x.rps)}/s p99 ${x.p99} ms, ${x.serverCpuUs} us CPU/req (${x.serverSysUs} sys) (generator ${Math.round(x.generatorCpu * 100)}% CPU) | ratio ${(x.rps / b.rps).toFixed(2)}` +
          (baseline ? ` | baseline ${Math.round(rounds.baseline[r].rps)}/s, ${rounds.baseline[r].serverCpuUs} us CPU/req: relay/baseline ${(x.rps / rounds.baseline[r].rps).toFixed(2)}` : ''),
      );
    }
  } finally {
    await stop(relay);
    if (baseline) await stop(baseline);
    await stop(bare);
    rmSync(dir, { recursive: true, force: true });
    rmSync(baseDir, { recursive: true, force: true });
  }
  const bareRps = median(rounds.bare.map((x) => x.rps));
  const relayRps = median(rounds.relay.map((x) => x.rps));
  report.ingest = {
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    rounds: ROUNDS,
    bareRps: Math.round(bareRps),
    relayRps: Math.round(relayRps),
    // The median of each round's own ratio: a round's two sides see the same machine.
    ratio: Math.round(median(rounds.relay.map((x, i) => x.rps / rounds.bare[i].rps)) * 100) / 100,
    relayP99Ms: median(rounds.relay.map((x) => x.p99)),
    bareP99Ms: median(rounds.bare.map((x) => x.p99)),
    relayErrors: rounds.relay.reduce((s, x) => s + x.errors, 0),
    relayCpuUsPerRequest: median(rounds.relay.map((x) => x.serverCpuUs)),
    bareCpuUsPerRequest: median(rounds.bare.map((x) => x.serverCpuUs)),
    generatorCpuBare: round1(median(rounds.bare.map((x) => x.generatorCpu)) * 100),
    generatorCpuRelay: round1(median(rounds.relay.map((x) => x.generatorCpu)) * 100),
    ...(baseline
      ? {
          baselineRps: Math.round(median(rounds.baseline.map((x) => x.rps))),
          baselineCpuUsPerRequest: median(rounds.baseline.map((x) => x.serverCpuUs)),
          // Each round's relay against the baseline measured in the same round.
          relayVsBaseline: Math.round(median(rounds.relay.map((x, i) => x.rps / rounds.baseline[i].rps)) * 100) / 100,
        }
      : {}),
  };
}

// ---------------------------------------------------------------- delivery

let pacedRun = 0;

/** Posts `rate` events a second for `seconds`, each stamped with its send time, over keep-alive. */
async function paced(url, rate, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const acks = [];
  let failed = 0;
  const total = rate * seconds;
  const started = now();
  const inflight = new Set();
  const run = `${process.pid}-${Date.now()}-${pacedRun++}`;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - now();
    if (wait > 1) await sleep(wait);
    const sent = now();
    const body = `{"event":"call_completed","call_id":"paced-${run}-${i}","status":"completed","sent_at":${sent}}`;
    const sig = signWebhook('vyora', { rawBody: body, secret: SECRET }).value;
    const p = new Promise((resolve) => {
      const req = http.request(
        `${url}/hooks/vyora`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-vyora-signature': sig, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) acks.push(now() - sent);
            else failed += 1;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed += 1;
        resolve();
      });
      req.end(body);
    });
    inflight.add(p);
    p.then(() => inflight.delete(p));
  }
  await Promise.all([...inflight]);
  agent.destroy();
  return { acks, failed, total };
}

async function benchDelivery(report) {
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  const receiver = await start('receiver');
  const relay = await startRelay(relayEnv(dir));
  try {
    await api(relay.url, 'POST', '/v1/subscriptions', { target_url: `${receiver.url}/hook`, events: ['vyora.*'] });

    // Throughput: N events delivered once, then all N replayed at once, so the worker
    // alone sets the pace (no ingest competing for the CPU).
    const n = 30_000;
    await cannon(relay.url, signedPool(n), { amount: n });
    await waitForReceiver(receiver, n, 120_000);
    await ask(receiver, 'reset');
    const cpu0 = (await ask(relay, 'stats')).cpu;
    const rcpu0 = (await ask(receiver, 'stats')).cpu;
    const t0 = now();
    const replay = await api(relay.url, 'POST', '/v1/deliveries/replay', { state: 'succeeded' });
    const s = await waitForReceiver(receiver, replay.replayed, 120_000);
    const seconds = (s.last - t0) / 1000;
    const cpu1 = (await ask(relay, 'stats')).cpu;
    const rcpu1 = (await ask(receiver, 'stats')).cpu;
    const perDelivery = (a, b) => Math.round((b.user - a.user + b.system - a.system) / replay.replayed);
    const deliveriesPerSecond = replay.replayed / seconds;
    const relayUs = perDelivery(cpu0, cpu1);
    const receiverUs = perDelivery(rcpu0, rcpu1);
    console.log(`  replay of ${replay.replayed} deliveries: ${Math.round(deliveriesPerSecond)}/s (relay ${relayUs} us CPU, receiver ${receiverUs} us CPU per delivery)`);

    // Pipeline at full ingest: events in as fast as the relay takes them, each delivered.
    await ask(receiver, 'reset');
    const m = 30_000;
    const blast = await cannon(relay.url, signedPool(m), { amount: m });
    const s2 = await waitForReceiver(receiver, m, 120_000);
    const pipelineSeconds = (s2.last - s2.first) / 1000;
    console.log(`  ingest and delivery together: ${m} events in at ${Math.round(blast.rps)}/s, out at ${Math.round(m / pipelineSeconds)}/s`);

    // Latency at a steady load: provider POST to receiver, each event timed from its send.
    const steady = {};
    for (const rate of [1000, 2500]) {
      await ask(receiver, 'reset');
      const seconds = Math.max(5, Math.round(DURATION));
      const load = await paced(relay.url, rate, seconds);
      const got = await waitForReceiver(receiver, load.acks.length, 60_000);
      steady[rate] = {
        eventsPerSecond: rate,
        seconds,
        delivered: got.count,
        failed: load.failed,
        endToEndP50Ms: round1(percentile(got.latencies, 50)),
        endToEndP99Ms: round1(percentile(got.latencies, 99)),
        ackP50Ms: round1(percentile(load.acks, 50)),
        ackP99Ms: round1(percentile(load.acks, 99)),
      };
      console.log(`  steady ${rate}/s: end-to-end p50 ${steady[rate].endToEndP50Ms} ms, p99 ${steady[rate].endToEndP99Ms} ms; ack p99 ${steady[rate].ackP99Ms} ms`);
    }
    report.delivery = {
      replayDeliveriesPerSecond: Math.round(deliveriesPerSecond),
      relayCpuUsPerDelivery: relayUs,
      receiverCpuUsPerDelivery: receiverUs,
      pipeline: { ingestRps: Math.round(blast.rps), deliveriesPerSecond: Math.round(m / pipelineSeconds) },
      steady,
    };
  } finally {
    await stop(relay);
    await stop(receiver);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- memory

async function benchMemory(report) {
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  const receiver = await start('receiver');
  const relay = await startRelay(relayEnv(dir));
  const samples = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push((await ask(relay, 'stats')).rss);
      await sleep(200);
    }
  })();
  try {
    await api(relay.url, 'POST', '/v1/subscriptions', { target_url: `${receiver.url}/hook`, events: ['*'] });
    const total = 100_000;
    const pool = signedPool(total);
    const startRss = (await ask(relay, 'stats')).rss;
    let sent = 0;
    const quarters = [];
    for (let q = 0; q < 4; q++) {
      await cannon(relay.url, pool.slice(q * (total / 4), (q + 1) * (total / 4)), { amount: total / 4 });
      sent += total / 4;
      quarters.push((await ask(relay, 'stats')).rss);
    }
    await waitForReceiver(receiver, sent, 300_000);
    await sleep(1000);
    const endRss = (await ask(relay, 'stats')).rss;
    sampling = false;
    await sampler;
    const mib = (b) => round1(b / 1024 / 1024);
    report.memory = {
      events: total,
      delivered: (await ask(receiver, 'stats')).count,
      startRssMiB: mib(startRss),
      afterEachQuarterMiB: quarters.map(mib),
      maxRssMiB: mib(Math.max(...samples)),
      endRssMiB: mib(endRss),
    };
    console.log(`  RSS start ${report.memory.startRssMiB} MiB, per 25k ${report.memory.afterEachQuarterMiB.join(' / ')} MiB, max ${report.memory.maxRssMiB} MiB, end ${report.memory.endRssMiB} MiB`);
  } finally {
    sampling = false;
    await stop(relay);
    await stop(receiver);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const report = {
    node: process.version,
    relayNodeFlags: RELAY_FLAGS,
    cpus: cpus().length,
    loadAverageAtStart: loadavg().map(round1),
    startedAt: new Date().toISOString(),
  };
  console.log(
    `relay benchmarks on Node ${process.version}, ${report.cpus} CPUs, load ${report.loadAverageAtStart.join(' ')}, relay flags: ${RELAY_FLAGS.join(' ') || '(none)'}`,
  );
  if (ONLY.has('ingest')) {
    console.log('ingest (50 connections, distinct signed Vyora events):');
    await benchIngest(report);
  }
  if (ONLY.has('delivery')) {
    console.log('delivery (local keep-alive receiver):');
    await benchDelivery(report);
  }
  if (ONLY.has('postgres')) {
    console.log('PostgreSQL beside SQLite (bench/postgres.js: 1 and 2 relays, 50 connections each, per relay CPU-second):');
    await require('./postgres').benchPostgres(report, { duration: Math.min(DURATION, 8), rounds: ROUNDS });
  }
  if (ONLY.has('memory')) {
    console.log('memory (100,000 events ingested and delivered):');
    await benchMemory(report);
  }
  console.log('\nsummary');
  if (report.ingest) {
    const i = report.ingest;
    console.log(
      `  ingest: relay ${i.relayRps}/s vs bare node:http ${i.bareRps}/s = ratio ${i.ratio} (goal >= 0.5); ` +
        `relay p99 ${i.relayP99Ms} ms (goal <= 10); generator CPU ${i.generatorCpuRelay}% (relay) / ${i.generatorCpuBare}% (bare) of one core`,
    );
    // autocannon runs on one core: near 100% it, not the server, set the pace.
    if (i.relayVsBaseline !== undefined) {
      console.log(`  ingest against the baseline build: ${i.relayRps}/s vs ${i.baselineRps}/s = ${i.relayVsBaseline} (CPU per request ${i.relayCpuUsPerRequest} vs ${i.baselineCpuUsPerRequest} us)`);
    }
    if (i.generatorCpuBare >= GENERATOR_SATURATED) {
      console.log(
        `  note: the generator used ${i.generatorCpuBare}% of a core against the bare server, so the bare figure is the ` +
          `generator's limit, not the server's: the ratio is an upper bound`,
      );
    }
    if (i.generatorCpuRelay >= GENERATOR_SATURATED) {
      console.log(`  note: the generator used ${i.generatorCpuRelay}% of a core against the relay: its figure is the generator's limit`);
    }
  }
  if (report.delivery) {
    const d = report.delivery;
    const st = d.steady[1000];
    console.log(`  delivery: ${d.replayDeliveriesPerSecond}/s (goal >= 5000); end-to-end at 1000/s p50 ${st.endToEndP50Ms} ms, p99 ${st.endToEndP99Ms} ms (goal < 50)`);
  }
  if (report.memory) {
    const m = report.memory;
    console.log(`  memory: max RSS ${m.maxRssMiB} MiB over ${m.events} events (goal < 150)`);
  }
  if (report.postgres && report.postgres.rows) {
    const p = report.postgres;
    console.log(
      `  postgres: ingest ${p.ingestPgVsSqlite}x SQLite's (goal >= 0.5); 2 relays / 1 relay per relay CPU-second: ` +
        `ingest ${p.ingestPerCpuTwoVsOne}, delivery ${p.deliveryPerCpuTwoVsOne} (goal >= 0.9); ingest with 50 connections split over 2: ${p.ingestPerCpuTwoSplitVsOne}`,
    );
  }
  if (JSON_OUT) writeFileSync(JSON_OUT, `${JSON.stringify(report, null, 2)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
