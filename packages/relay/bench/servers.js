// Child processes for the benchmarks, started by run.js with fork(): each runs one server
// on its own core-sized process so the load generator never shares its event loop.
//   bare      node:http that reads the body and answers 200 (the yardstick)
//   relay     the compiled relay (dist), configured from the environment
//   receiver  a keep-alive node:http receiver that measures provider-to-receiver latency
// Each sends {type:'ready', port} when listening and answers {type:'stats'} requests.
const { Buffer } = require('node:buffer');
const http = require('node:http');
const { performance } = require('node:perf_hooks');

const mode = process.argv[2];
const now = () => performance.timeOrigin + performance.now();

function rss() {
  return process.memoryUsage().rss;
}

async function main() {
  if (mode === 'bare') {
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        Buffer.concat(chunks);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"received":true}');
      });
    });
    server.keepAliveTimeout = 65_000;
    server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
    process.on('message', (m) => {
      if (m.type === 'stats') process.send({ type: 'stats', rss: rss(), cpu: process.cpuUsage() });
      if (m.type === 'close') server.close(() => process.exit(0));
    });
    return;
  }

  if (mode === 'relay') {
    // BENCH_RELAY_DIST runs another build of the relay (an earlier commit) as a baseline.
    const { loadRelayConfig, startRelay } = require(process.env.BENCH_RELAY_DIST || '../dist/index.js');
    const relay = await startRelay(loadRelayConfig(process.env));
    process.send({ type: 'ready', port: relay.port, url: relay.url });
    process.on('message', (m) => {
      if (m.type === 'stats') process.send({ type: 'stats', rss: rss(), memory: process.memoryUsage(), cpu: process.cpuUsage() });
      if (m.type === 'close') relay.close().then(() => process.exit(0));
    });
    return;
  }

  if (mode === 'receiver') {
    let count = 0;
    let first = 0;
    let last = 0;
    let latencies = [];
    // Per path: how many arrived, and for paths under /timed/ when each arrived (rate checks).
    let byPath = {};
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const t = now();
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const sent = body && body.data && body.data.sent_at;
        if (typeof sent === 'number') latencies.push(t - sent);
        if (count === 0) first = t;
        last = t;
        count += 1;
        const entry = (byPath[req.url] ??= { count: 0, arrivals: [] });
        entry.count += 1;
        if (req.url.startsWith('/timed/')) entry.arrivals.push(t);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
        res.end('{}');
      });
    });
    server.keepAliveTimeout = 65_000;
    server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
    process.on('message', (m) => {
      if (m.type === 'stats') {
        process.send({ type: 'stats', count, first, last, latencies, byPath, rss: rss(), cpu: process.cpuUsage() });
      }
      if (m.type === 'reset') {
        count = 0;
        first = 0;
        last = 0;
        latencies = [];
        byPath = {};
        process.send({ type: 'reset' });
      }
    });
    return;
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
