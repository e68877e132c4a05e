import type { LookupAddress } from 'node:dns';
import { DeliverySender, SendError } from '../src/delivery/sender';
import { checkTargetUrl, createGuardedLookup, ForbiddenTargetError, forbiddenAddressReason, type BaseLookup } from '../src/security/ssrf';
import { api, get, startTestRelay, type TestRelay } from './support/harness';

/**
 * Every special-purpose range of the IANA IPv4 and IPv6 Special-Purpose Address Registries
 * (plus the multicast blocks and the IPv6 forms that embed an IPv4 address), each with
 * addresses from inside it, refused at subscribe time (a literal URL, and a name resolving
 * to it) and at connect time (the sender's literal check and its guarded DNS lookup).
 */
interface Range {
  cidr: string;
  name: string;
  /** Where the range is defined. */
  rfc: string;
  samples: string[];
}

const IPV4: Range[] = [
  { cidr: '0.0.0.0/8', name: '"This network"', rfc: 'RFC 791 §3.2', samples: ['0.0.0.0', '0.1.2.3', '0.255.255.255'] },
  { cidr: '0.0.0.0/32', name: '"This host on this network"', rfc: 'RFC 1122 §3.2.1.3', samples: ['0.0.0.0'] },
  { cidr: '10.0.0.0/8', name: 'Private-Use', rfc: 'RFC 1918', samples: ['10.0.0.1', '10.255.255.254'] },
  { cidr: '100.64.0.0/10', name: 'Shared Address Space', rfc: 'RFC 6598', samples: ['100.64.0.1', '100.127.255.254'] },
  { cidr: '127.0.0.0/8', name: 'Loopback', rfc: 'RFC 1122 §3.2.1.3', samples: ['127.0.0.1', '127.255.255.254'] },
  { cidr: '169.254.0.0/16', name: 'Link Local', rfc: 'RFC 3927', samples: ['169.254.169.254', '169.254.0.1'] },
  { cidr: '172.16.0.0/12', name: 'Private-Use', rfc: 'RFC 1918', samples: ['172.16.0.1', '172.31.255.254'] },
  { cidr: '192.0.0.0/24', name: 'IETF Protocol Assignments', rfc: 'RFC 6890 §2.1', samples: ['192.0.0.1', '192.0.0.255'] },
  { cidr: '192.0.0.0/29', name: 'IPv4 Service Continuity Prefix', rfc: 'RFC 7335', samples: ['192.0.0.1', '192.0.0.7'] },
  { cidr: '192.0.0.8/32', name: 'IPv4 dummy address', rfc: 'RFC 7600', samples: ['192.0.0.8'] },
  { cidr: '192.0.0.9/32', name: 'Port Control Protocol Anycast', rfc: 'RFC 7723', samples: ['192.0.0.9'] },
  { cidr: '192.0.0.10/32', name: 'Traversal Using Relays around NAT Anycast', rfc: 'RFC 8155', samples: ['192.0.0.10'] },
  { cidr: '192.0.0.170/32, 192.0.0.171/32', name: 'NAT64/DNS64 Discovery', rfc: 'RFC 8880, RFC 7050 §2.2', samples: ['192.0.0.170', '192.0.0.171'] },
  { cidr: '192.0.2.0/24', name: 'Documentation (TEST-NET-1)', rfc: 'RFC 5737', samples: ['192.0.2.1', '192.0.2.255'] },
  { cidr: '192.31.196.0/24', name: 'AS112-v4', rfc: 'RFC 7535', samples: ['192.31.196.1'] },
  { cidr: '192.52.193.0/24', name: 'AMT', rfc: 'RFC 7450', samples: ['192.52.193.1'] },
  { cidr: '192.88.99.0/24', name: 'Deprecated (6to4 Relay Anycast)', rfc: 'RFC 7526', samples: ['192.88.99.1'] },
  { cidr: '192.168.0.0/16', name: 'Private-Use', rfc: 'RFC 1918', samples: ['192.168.0.1', '192.168.255.254'] },
  { cidr: '192.175.48.0/24', name: 'Direct Delegation AS112 Service', rfc: 'RFC 7534', samples: ['192.175.48.1'] },
  { cidr: '198.18.0.0/15', name: 'Benchmarking', rfc: 'RFC 2544', samples: ['198.18.0.1', '198.19.255.254'] },
  { cidr: '198.51.100.0/24', name: 'Documentation (TEST-NET-2)', rfc: 'RFC 5737', samples: ['198.51.100.1'] },
  { cidr: '203.0.113.0/24', name: 'Documentation (TEST-NET-3)', rfc: 'RFC 5737', samples: ['203.0.113.1'] },
  { cidr: '240.0.0.0/4', name: 'Reserved', rfc: 'RFC 1112 §4', samples: ['240.0.0.1', '254.255.255.254'] },
  { cidr: '255.255.255.255/32', name: 'Limited Broadcast', rfc: 'RFC 8190, RFC 919 §7', samples: ['255.255.255.255'] },
  // Not in the special-purpose registry but never a webhook receiver: IANA's multicast registry.
  { cidr: '224.0.0.0/4', name: 'Multicast', rfc: 'RFC 5771', samples: ['224.0.0.1', '239.255.255.255'] },
];

const IPV6: Range[] = [
  { cidr: '::1/128', name: 'Loopback Address', rfc: 'RFC 4291', samples: ['::1'] },
  { cidr: '::/128', name: 'Unspecified Address', rfc: 'RFC 4291', samples: ['::'] },
  { cidr: '::ffff:0:0/96', name: 'IPv4-mapped Address (of a special IPv4)', rfc: 'RFC 4291 §2.5.5.2', samples: ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', '::ffff:0.0.0.0'] },
  { cidr: '64:ff9b::/96', name: 'IPv4-IPv6 Translation (of a special IPv4)', rfc: 'RFC 6052', samples: ['64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '64:ff9b::192.168.1.1'] },
  { cidr: '64:ff9b:1::/48', name: 'IPv4-IPv6 Translation, local use', rfc: 'RFC 8215', samples: ['64:ff9b:1::7f00:1', '64:ff9b:1::808:808', '64:ff9b:1:ffff::1'] },
  { cidr: '100::/64', name: 'Discard-Only Address Block', rfc: 'RFC 6666', samples: ['100::', '100::1'] },
  { cidr: '100:0:0:1::/64', name: 'Dummy IPv6 Prefix', rfc: 'RFC 9780', samples: ['100:0:0:1::1'] },
  { cidr: '2001::/23', name: 'IETF Protocol Assignments', rfc: 'RFC 2928', samples: ['2001:100::1', '2001:1ff:ffff::1'] },
  { cidr: '2001:1::1/128', name: 'Port Control Protocol Anycast', rfc: 'RFC 7723', samples: ['2001:1::1'] },
  { cidr: '2001:1::2/128', name: 'Traversal Using Relays around NAT Anycast', rfc: 'RFC 8155', samples: ['2001:1::2'] },
  { cidr: '2001:1::3/128', name: 'DNS-SD Service Registration Protocol Anycast', rfc: 'RFC 9665', samples: ['2001:1::3'] },
  { cidr: '2001::/32', name: 'TEREDO', rfc: 'RFC 4380, RFC 8190', samples: ['2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001::a9fe:a9fe'] },
  { cidr: '2001:2::/48', name: 'Benchmarking', rfc: 'RFC 5180, RFC Errata 1752', samples: ['2001:2::1'] },
  { cidr: '2001:3::/32', name: 'AMT', rfc: 'RFC 7450', samples: ['2001:3::1'] },
  { cidr: '2001:4:112::/48', name: 'AS112-v6', rfc: 'RFC 7535', samples: ['2001:4:112::1'] },
  { cidr: '2001:10::/28', name: 'Deprecated (previously ORCHID)', rfc: 'RFC 4843', samples: ['2001:10::1'] },
  { cidr: '2001:20::/28', name: 'ORCHIDv2', rfc: 'RFC 7343', samples: ['2001:20::1'] },
  { cidr: '2001:30::/28', name: 'Drone Remote ID Protocol Entity Tags (DETs) Prefix', rfc: 'RFC 9374', samples: ['2001:30::1'] },
  { cidr: '2001:db8::/32', name: 'Documentation', rfc: 'RFC 3849', samples: ['2001:db8::1', '2001:db8:ffff::1'] },
  { cidr: '2002::/16', name: '6to4', rfc: 'RFC 3056', samples: ['2002:7f00:1::1', '2002:808:808::1'] },
  { cidr: '2620:4f:8000::/48', name: 'Direct Delegation AS112 Service', rfc: 'RFC 7534', samples: ['2620:4f:8000::1'] },
  { cidr: '3fff::/20', name: 'Documentation', rfc: 'RFC 9637', samples: ['3fff::1', '3fff:fff::1'] },
  { cidr: '5f00::/16', name: 'Segment Routing (SRv6) SIDs', rfc: 'RFC 9602', samples: ['5f00::1'] },
  { cidr: 'fc00::/7', name: 'Unique-Local', rfc: 'RFC 4193, RFC 8190', samples: ['fc00::1', 'fd00:ec2::254', 'fdff::1'] },
  { cidr: 'fe80::/10', name: 'Link-Local Unicast', rfc: 'RFC 4291', samples: ['fe80::1', 'febf::1'] },
  // Outside the special-purpose registry, refused all the same:
  { cidr: 'ff00::/8', name: 'Multicast', rfc: 'RFC 4291 §2.7', samples: ['ff02::1', 'ff05::2'] },
  { cidr: 'fec0::/10', name: 'Site-Local (deprecated)', rfc: 'RFC 3879', samples: ['fec0::1'] },
  { cidr: '::/96', name: 'IPv4-Compatible (deprecated)', rfc: 'RFC 4291 §2.5.5.1', samples: ['::127.0.0.1', '::7f00:1', '::a9fe:a9fe', '::808:808'] },
  { cidr: '::ffff:0:0:0/96', name: 'IPv4-translated (SIIT) of a special IPv4', rfc: 'RFC 6145, RFC 7915', samples: ['::ffff:0:7f00:1', '::ffff:0:a00:1'] },
  { cidr: 'outside 2000::/3', name: 'not global unicast (reserved by the IETF)', rfc: 'RFC 4291 §2.4', samples: ['::ffff:0:0:7f00:1', '4000::1', 'e000::1', '1::1'] },
];

const ALL = [...IPV4, ...IPV6].flatMap((r) => r.samples.map((address) => ({ ...r, address })));

const PUBLIC = ['8.8.8.8', '93.184.216.34', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '2a00:1450:4001::1', '::ffff:8.8.8.8', '64:ff9b::808:808', '64:ff9b::8.8.8.8', '::ffff:0:808:808'];

const literalUrl = (address: string): string => (address.includes(':') ? `http://[${address}]:8080/hook` : `http://${address}:8080/hook`);

/** A DNS lookup that answers every name with the given addresses. */
function fakeLookup(addresses: string[]): BaseLookup {
  return (_hostname, _options, callback) => {
    const list: LookupAddress[] = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    setImmediate(() => callback(null, list));
  };
}

function lookupOnce(lookup: ReturnType<typeof createGuardedLookup>, all: boolean): Promise<unknown> {
  return new Promise((resolve) => {
    lookup('target.example', { all }, (err: NodeJS.ErrnoException | null, address: unknown) => resolve(err ?? address));
  });
}

describe('forbiddenAddressReason over the IANA special-purpose registries', () => {
  test.each(ALL.map((r) => [r.address, r.cidr, r.rfc]))('refuses %s (%s, %s)', (address) => {
    const reason = forbiddenAddressReason(address);
    expect(reason).not.toBeNull();
    expect(reason).toMatch(new RegExp(`^${address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is (a|an|the|not) `));
  });

  test.each(PUBLIC)('allows the public address %s', (address) => {
    expect(forbiddenAddressReason(address)).toBeNull();
  });

  test('refusals read as a sentence naming the kind of address', () => {
    expect(forbiddenAddressReason('127.0.0.1')).toBe('127.0.0.1 is a loopback address');
    expect(forbiddenAddressReason('169.254.169.254')).toBe('169.254.169.254 is a link-local address (where cloud metadata services answer)');
    expect(forbiddenAddressReason('::ffff:7f00:1')).toBe('::ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1, a loopback address');
    expect(forbiddenAddressReason('::7f00:1')).toBe('::7f00:1 is an IPv4-compatible form of 127.0.0.1 (::/96, deprecated)');
    expect(forbiddenAddressReason('64:ff9b:1::7f00:1')).toBe('64:ff9b:1::7f00:1 is a local-use NAT64 address (64:ff9b:1::/48)');
    expect(forbiddenAddressReason('2001::1')).toBe('2001::1 is a Teredo address (2001::/32), tunnelled to IPv4');
    expect(forbiddenAddressReason('4000::1')).toBe('4000::1 is not a global unicast address (outside 2000::/3)');
    expect(forbiddenAddressReason('not-an-ip')).toBe('"not-an-ip" is not an IP address');
  });
});

describe('at subscribe time', () => {
  test.each(ALL.map((r) => [r.address, r.cidr]))('a literal %s (%s) is refused', async (address) => {
    const checked = await checkTargetUrl(literalUrl(address), { allowPrivate: false });
    expect(checked).toMatchObject({ ok: false, kind: 'forbidden' });
  });

  test.each(ALL.map((r) => [r.address, r.cidr]))('a name resolving to %s (%s) is refused, even beside a public address', async (address) => {
    const checked = await checkTargetUrl('https://target.example/hook', { allowPrivate: false, resolve: async () => ['93.184.216.34', address] });
    expect(checked).toMatchObject({ ok: false, kind: 'forbidden', message: expect.stringContaining(`target.example resolves to ${address}, `) });
  });

  test.each(PUBLIC)('a literal public %s is accepted', async (address) => {
    expect((await checkTargetUrl(literalUrl(address), { allowPrivate: false })).ok).toBe(true);
  });

  test('the refusal says what the address is and how to allow private targets', async () => {
    expect(await checkTargetUrl('http://127.0.0.1/', { allowPrivate: false })).toMatchObject({
      message: 'is not allowed: 127.0.0.1 is a loopback address; set RELAY_ALLOW_PRIVATE_TARGETS=true to allow private targets (tests, one LAN)',
    });
    expect(await checkTargetUrl('http://metadata.example/', { allowPrivate: false, resolve: async () => ['169.254.169.254'] })).toMatchObject({
      message:
        'is not allowed: metadata.example resolves to 169.254.169.254, a link-local address (where cloud metadata services answer); set RELAY_ALLOW_PRIVATE_TARGETS=true to allow private targets (tests, one LAN)',
    });
  });
});

describe('at connect time', () => {
  test.each(ALL.map((r) => [r.address, r.cidr]))('the guarded lookup refuses a name resolving to %s (%s)', async (address) => {
    const lookup = createGuardedLookup(fakeLookup(['93.184.216.34', address]));
    for (const all of [true, false]) {
      const err = await lookupOnce(lookup, all);
      expect(err).toBeInstanceOf(ForbiddenTargetError);
      expect((err as Error).message).toContain(`target.example resolves to ${address}, `);
    }
  });

  test('the guarded lookup passes public answers through', async () => {
    const lookup = createGuardedLookup(fakeLookup(['93.184.216.34', '2606:4700::1111']));
    expect(await lookupOnce(lookup, true)).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ]);
  });

  test('the sender refuses every literal without sending anything', async () => {
    const sender = new DeliverySender({ timeoutMs: 500, allowPrivate: false, maxSocketsPerHost: 1, userAgent: 'test' });
    try {
      for (const { address } of ALL) {
        const err = await sender.send({ url: literalUrl(address), headers: {}, body: '{}' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SendError);
        expect(err).toMatchObject({ code: 'ETARGETFORBIDDEN' });
      }
    } finally {
      sender.close();
    }
  });
});

describe('through the API of a relay that does not allow private targets', () => {
  let t: TestRelay;
  beforeAll(async () => {
    t = await startTestRelay({ RELAY_ALLOW_PRIVATE_TARGETS: 'false', RELAY_RATE_LIMIT: '0' });
  });
  afterAll(async () => {
    await t.close();
  });

  test('every special-purpose literal is refused 422 target_not_allowed', async () => {
    const refused: string[] = [];
    for (const { address } of ALL) {
      const res = await api(t.url, 'POST', '/v1/subscriptions', { target_url: literalUrl(address) });
      if (res.status === 422 && get(res.body, 'error.code') === 'target_not_allowed') refused.push(address);
    }
    expect(refused).toEqual(ALL.map((r) => r.address));
  });

  test('the forms the issue found accepted are refused, with a message that reads well', async () => {
    for (const target of ['http://[::127.0.0.1]/', 'http://[::a9fe:a9fe]/', 'http://[64:ff9b:1::7f00:1]/', 'http://[2001::1]/', 'http://[::ffff:0:0:7f00:1]/']) {
      const res = await api(t.url, 'POST', '/v1/subscriptions', { target_url: target });
      expect(res.status).toBe(422);
    }
    const res = await api(t.url, 'POST', '/v1/subscriptions', { target_url: 'http://127.0.0.1:9/' });
    expect(get(res.body, 'error.message')).toBe(
      'target_url is not allowed: 127.0.0.1 is a loopback address; set RELAY_ALLOW_PRIVATE_TARGETS=true to allow private targets (tests, one LAN)',
    );
  });

  test('a host that does not resolve is refused', async () => {
    // .invalid never resolves (RFC 6761 §6.4).
    const res = await api(t.url, 'POST', '/v1/subscriptions', { target_url: 'https://no-such-host.invalid/hook' });
    expect(res.status).toBe(422);
    expect(get(res.body, 'error.message')).toMatch(/no-such-host\.invalid .*(resolve|ENOTFOUND)/);
  });
});
