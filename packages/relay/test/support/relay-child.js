// Runs the compiled relay (packages/relay/dist) as its own process, configured from the
// environment like `callbridge relay`, for tests that must kill it (SIGKILL) and restart it.
// Prints one JSON line {"url","port"} on stdout once it listens; SIGTERM closes it gracefully.
const { loadRelayConfig, startRelay } = require('../../dist/index.js');

async function main() {
  // A test may give idle keep-alive connections a longer grace at close than the default
  // (a starved test process can leave its sockets idle for over a second).
  const grace = process.env.RELAY_TEST_DRAIN_GRACE_MS;
  const relay = await startRelay(loadRelayConfig(process.env), grace ? { drain: { idleGraceMs: Number(grace) } } : {});
  process.stdout.write(`${JSON.stringify({ url: relay.url, port: relay.port })}\n`);
  process.once('SIGTERM', () => {
    relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
