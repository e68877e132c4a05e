// Preloaded (node --require) into the zapier-platform CLI by the validate tests: every
// attempt to open a network connection or resolve a name is written to the file named by
// CALLBRIDGE_NETWORK_LOG and fails, so a test can prove the CLI validated offline.
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');

const logFile = process.env.CALLBRIDGE_NETWORK_LOG;

function record(what) {
  if (logFile) fs.appendFileSync(logFile, `${what}\n`);
}

const refused = () => Object.assign(new Error('network access is disabled in this test'), { code: 'ENETUNREACH' });

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  // Local IPC (a Unix socket path) is not the network.
  if (first && typeof first === 'object' && typeof first.path === 'string') return originalConnect.apply(this, args);
  const target = first && typeof first === 'object' ? `${first.host ?? 'localhost'}:${first.port}` : `${args[1] ?? 'localhost'}:${first}`;
  record(`connect ${target}`);
  process.nextTick(() => this.destroy(refused()));
  return this;
};

function blockedLookup(host, ...rest) {
  record(`dns ${host}`);
  const callback = rest.find((r) => typeof r === 'function');
  if (callback) process.nextTick(() => callback(refused()));
}
dns.lookup = blockedLookup;
dns.promises.lookup = async (host) => {
  record(`dns ${host}`);
  throw refused();
};
