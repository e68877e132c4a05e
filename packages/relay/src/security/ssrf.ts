import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Keeps subscriber URLs from reaching the relay's own network: loopback, private ranges,
 * link-local (where cloud metadata services live), carrier NAT, multicast and reserved
 * addresses are refused. Names are checked after DNS resolution, at subscription time and
 * again at every connection (the sender's lookup), so a name that later resolves to a
 * private address (DNS rebinding) is refused too.
 */
const blocked = new BlockList();
const V4: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const V6: Array<[string, number]> = [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];
for (const [net, prefix] of V4) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of V6) blocked.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::) IPv6 address. */
function embeddedV4(address: string): string | null {
  const lower = address.toLowerCase();
  const m = /^(?:::ffff:(?:0:)?|64:ff9b::)(.+)$/.exec(lower);
  if (!m) return null;
  const rest = m[1] as string;
  if (isIP(rest) === 4) return rest;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest);
  if (!hex) return null;
  const hi = parseInt(hex[1] as string, 16);
  const lo = parseInt(hex[2] as string, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** Why this address may not be a delivery target, or null when it may. */
export function forbiddenAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return `"${address}" is not an IP address`;
  if (family === 6) {
    const v4 = embeddedV4(address);
    if (v4) return forbiddenAddressReason(v4);
    return blocked.check(address, 'ipv6') ? `${address} is a loopback, private, link-local or reserved address` : null;
  }
  return blocked.check(address, 'ipv4') ? `${address} is a loopback, private, link-local or reserved address` : null;
}

/** `invalid`: not a usable URL; `forbidden`: a usable URL this relay may not send to. */
export type TargetCheck = { ok: true; url: URL } | { ok: false; kind: 'invalid' | 'forbidden'; message: string };

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => {
      if (err) reject(err);
      else resolve(addresses.map((a) => a.address));
    });
  });

export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Parses a subscriber URL and, unless private targets are allowed, checks every address it resolves to. */
export async function checkTargetUrl(
  raw: string,
  options: { allowPrivate: boolean; resolve?: Resolver },
): Promise<TargetCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, kind: 'invalid', message: 'must be an absolute http or https URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, kind: 'invalid', message: `must use http or https, not ${url.protocol}` };
  if (url.username || url.password) return { ok: false, kind: 'invalid', message: 'must not carry credentials; send them as headers instead' };
  if (url.hash) return { ok: false, kind: 'invalid', message: 'must not have a #fragment' };
  if (options.allowPrivate) return { ok: true, url };
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (options.resolve ?? systemResolver)(host);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      return { ok: false, kind: 'forbidden', message: `host ${host} could not be resolved (${code})` };
    }
    if (addresses.length === 0) return { ok: false, kind: 'forbidden', message: `host ${host} resolves to no address` };
  }
  for (const a of addresses) {
    const reason = forbiddenAddressReason(a);
    if (reason) return { ok: false, kind: 'forbidden', message: `is not allowed: ${host} resolves to ${reason}` };
  }
  return { ok: true, url };
}

export class ForbiddenTargetError extends Error {
  readonly code = 'ETARGETFORBIDDEN';
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenTargetError';
  }
}

/** A `lookup` for http.request that refuses forbidden addresses at connection time. */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses;
    for (const a of list) {
      const reason = forbiddenAddressReason(a.address);
      if (reason) return callback(new ForbiddenTargetError(`${hostname} resolves to ${reason}`), '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
    const first = list[0];
    if (!first) return callback(new ForbiddenTargetError(`${hostname} resolves to no address`), '', 0);
    callback(null, first.address, first.family);
  });
};
