// Readies n8n for the journeys in test/ (the same install and packing as the live test):
//
//   node packages/n8n/live/prepare.mjs <work folder>
//
// installs n8n into the cache if needed, builds and packs the four packages into
// <work folder>/custom, and prints one JSON line on stdout: {"node","bin","custom","version"}.
// Progress goes to stderr. The journeys run it as a child so that they stay CommonJS.
import { buildAndInstall, ensureN8n, n8nBin, n8nCache, N8N_VERSION, runtimeNode } from './install.mjs';

const log = (line) => process.stderr.write(`[n8n prepare] ${line}\n`);

function main() {
  const work = process.argv[2];
  if (!work) throw new Error('usage: node packages/n8n/live/prepare.mjs <work folder>');
  const node = runtimeNode();
  const cache = n8nCache();
  ensureN8n(cache, node, log);
  // The build's own output would mix with the JSON on stdout.
  const custom = buildAndInstall(work, log, ['ignore', 'ignore', 'inherit']);
  process.stdout.write(`${JSON.stringify({ node: node.node, bin: n8nBin(cache), custom, version: N8N_VERSION })}\n`);
}

try {
  main();
} catch (e) {
  log(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
}
