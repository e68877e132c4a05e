import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Keeps subscriber URLs from reaching the relay's own network. Only ordinary unicast
 * addresses are allowed: IPv4 that ipaddr.js classifies `unicast`, and IPv6 that it
 * classifies `unicast` inside the global unicast space (2000::/3). Everything in the IANA
 * special-purpose registries is refused: loopback, private, link-local (where cloud metadata
 * services answer), shared, reserved, documentation, benchmarking, multicast. IPv6 forms
 * that carry an IPv4 address are judged by that address (IPv4-mapped, SIIT, NAT64's
 * well-known prefix), or refused where it cannot be trusted (IPv4-compatible, local-use
 * NAT64, 6to4, Teredo).
 *
 * Names are checked after DNS resolution, at subscription time and again at every
 * connection (the sender's lookup), so a name that later resolves to a private address
 * (DNS rebinding) is refused too. The classification is ipaddr.js's, a well-kept library,
 * rather than a list kept here.
 */

const IPV4_KINDS: Record<string, string> = {
  unspecified: 'an unspecified ("this network") address',
  broadcast: 'the limited broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address (where cloud metadata services answer)',
  loopback: 'a loopback address',
  carrierGradeNat: 'a shared (carrier-grade NAT) address',
  private: 'a private-network address',
  reserved: 'a reserved, benchmarking or documentation address',
  as112: 'an AS112 (DNS sink) address',
  amt: 'an AMT relay address',
};

const IPV6_KINDS: Record<string, string> = {
  unspecified: 'the unspecified address',
  linkLocal: 'a link-local address',
  multicast: 'a multicast address',
  loopback: 'a loopback address',
  uniqueLocal: 'a unique-local (private) address',
  deprecatedSiteLocal: 'a site-local address',
  discard: 'a discard-only address',
  benchmarking: 'a benchmarking address',
  amt: 'an AMT relay address',
  as112v6: 'an AS112 (DNS sink) address',
  deprecatedOrchid: 'an ORCHID address',
  orchid2: 'an ORCHIDv2 address',
  droneRemoteIdProtocolEntityTags: 'a drone remote ID (DET) address',
  segmentRouting: 'a segment routing (SRv6) address',
  reserved: 'a reserved or documentation address',
};

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

function ipv4Kind(address: ipaddr.IPv4): string | null {
  const range = address.range();
  if (range === 'unicast') return null;
  return IPV4_KINDS[range] ?? `a special-purpose address (${range})`;
}

/** The IPv4 address in the last 32 bits of an IPv6 address. */
function lastFour(address: ipaddr.IPv6): ipaddr.IPv4 {
  return new ipaddr.IPv4(address.toByteArray().slice(12));
}

/** An IPv6 form that carries an IPv4 address is allowed exactly when that address is. */
function embeddedKind(form: string, v4: ipaddr.IPv4): string | null {
  const kind = ipv4Kind(v4);
  return kind === null ? null : `${form} of ${v4.toString()}, ${kind}`;
}

function ipv6Kind(address: ipaddr.IPv6): string | null {
  const range = address.range();
  switch (range) {
    case 'ipv4Mapped':
      return embeddedKind('an IPv4-mapped form', lastFour(address));
    case 'rfc6145':
      return embeddedKind('an IPv4-translated (SIIT) form', lastFour(address));
    case 'rfc6052':
      // The well-known prefix embeds the IPv4 address in its last 32 bits (RFC 6052 §2.2);
      // in the local-use block the operator picks the prefix length, so it cannot be read.
      if (address.match(NAT64_WELL_KNOWN)) return embeddedKind('a NAT64 form', lastFour(address));
      return 'a local-use NAT64 address (64:ff9b:1::/48)';
    case '6to4':
      return 'a 6to4 address (2002::/16), tunnelled to IPv4';
    case 'teredo':
      return 'a Teredo address (2001::/32), tunnelled to IPv4';
    case 'unicast':
      // ::/128 and ::1 are classified above; the rest of ::/96 is the deprecated
      // IPv4-compatible form, which some stacks still tunnel to its IPv4 address.
      if (address.match(IPV4_COMPATIBLE)) return `an IPv4-compatible form of ${lastFour(address).toString()} (::/96, deprecated)`;
      if (!address.match(GLOBAL_UNICAST)) return 'not a global unicast address (outside 2000::/3)';
      return null;
    default:
      return IPV6_KINDS[range] ?? `a special-purpose address (${range})`;
  }
}

/** What kind of address this is when it may not be a delivery target ("a loopback address"), or null when it may. */
export function forbiddenAddressKind(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv4' ? ipv4Kind(parsed as ipaddr.IPv4) : ipv6Kind(parsed as ipaddr.IPv6);
}

/** Why this address may not be a delivery target ("127.0.0.1 is a loopback address"), or null when it may. */
export function forbiddenAddressReason(address: string): string | null {
  if (isIP(address) === 0) return `"${address}" is not an IP address`;
  const kind = forbiddenAddressKind(address);
  return kind === null ? null : `${address} is ${kind}`;
}

const ALLOW_HINT = 'set RELAY_ALLOW_PRIVATE_TARGETS=true to allow private targets (tests, one LAN)';

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
  if (isIP(host)) {
    const kind = forbiddenAddressKind(host);
    if (kind) return { ok: false, kind: 'forbidden', message: `is not allowed: ${host} is ${kind}; ${ALLOW_HINT}` };
    return { ok: true, url };
  }
  let addresses: string[];
  try {
    addresses = await (options.resolve ?? systemResolver)(host);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, kind: 'forbidden', message: `is not allowed: ${host} could not be resolved (${code})` };
  }
  if (addresses.length === 0) return { ok: false, kind: 'forbidden', message: `is not allowed: ${host} resolves to no address` };
  for (const a of addresses) {
    const kind = forbiddenAddressKind(a);
    if (kind) return { ok: false, kind: 'forbidden', message: `is not allowed: ${host} resolves to ${a}, ${kind}; ${ALLOW_HINT}` };
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

/** dns.lookup with `all: true`: what the guarded lookup asks (injectable for tests). */
export type BaseLookup = (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/** A `lookup` for http.request that refuses forbidden addresses at connection time. */
export function createGuardedLookup(base: BaseLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const a of addresses) {
        const kind = forbiddenAddressKind(a.address);
        if (kind) return callback(new ForbiddenTargetError(`${hostname} resolves to ${a.address}, ${kind}`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new ForbiddenTargetError(`${hostname} resolves to no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

export const guardedLookup: LookupFunction = createGuardedLookup();
