import { DeliverySender, SendError } from '../src/delivery/sender';
import { checkTargetUrl, forbiddenAddressReason } from '../src/security/ssrf';
import { api, get, startReceiver, startTestRelay, type TestRelay } from './support/harness';

describe('forbiddenAddressReason', () => {
  test.each([
    '127.0.0.1',
    '127.255.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '64:ff9b::a9fe:a9fe',
  ])('refuses %s', (address) => {
    expect(forbiddenAddressReason(address)).toMatch(/^\S+ is (a|an|the) .*address/);
  });

  test.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(forbiddenAddressReason(address)).toBeNull();
  });
});

describe('checkTargetUrl', () => {
  test('checks every address a name resolves to', async () => {
    const resolve = async (host: string): Promise<string[]> => (host === 'mixed.example' ? ['93.184.216.34', '10.0.0.5'] : ['93.184.216.34']);
    expect((await checkTargetUrl('https://public.example/hook', { allowPrivate: false, resolve })).ok).toBe(true);
    const mixed = await checkTargetUrl('https://mixed.example/hook', { allowPrivate: false, resolve });
    expect(mixed).toMatchObject({ ok: false, kind: 'forbidden' });
    const failing = await checkTargetUrl('https://nowhere.example/', {
      allowPrivate: false,
      resolve: async () => {
        throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
      },
    });
    expect(failing).toMatchObject({ ok: false, kind: 'forbidden', message: expect.stringContaining('ENOTFOUND') });
  });

  test('refuses credentials in the URL and non-http schemes even when private targets are allowed', async () => {
    expect(await checkTargetUrl('http://user:pw@127.0.0.1/', { allowPrivate: true })).toMatchObject({ ok: false, kind: 'invalid' });
    expect(await checkTargetUrl('file:///etc/passwd', { allowPrivate: true })).toMatchObject({ ok: false, kind: 'invalid' });
    expect((await checkTargetUrl('http://127.0.0.1:9/', { allowPrivate: true })).ok).toBe(true);
  });
});

describe('subscriptions on a relay that does not allow private targets', () => {
  let t: TestRelay;
  beforeAll(async () => {
    t = await startTestRelay({ RELAY_ALLOW_PRIVATE_TARGETS: 'false' });
  });
  afterAll(async () => {
    await t.close();
  });

  test.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost:8080/hook',
    'http://[::1]/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://192.168.0.10/',
    'http://2130706433/',
    'http://[::ffff:127.0.0.1]/',
  ])('%s is refused 422 after resolution', async (target) => {
    const res = await api(t.url, 'POST', '/v1/subscriptions', { target_url: target });
    expect(res.status).toBe(422);
    expect(get(res.body, 'error.code')).toBe('target_not_allowed');
    expect(get(res.body, 'error.details')).toEqual([expect.objectContaining({ field: 'target_url' })]);
  });

  test('a public address is accepted', async () => {
    // No event reaches this relay, so nothing is ever sent there.
    const res = await api(t.url, 'POST', '/v1/subscriptions', { target_url: 'https://93.184.216.34/hook' });
    expect(res.status).toBe(201);
    expect((await api(t.url, 'DELETE', `/v1/subscriptions/${String(get(res.body, 'id'))}`)).status).toBe(204);
  });
});

describe('the sender checks again at connection time', () => {
  test('a literal private address and a name resolving to loopback are refused without a request', async () => {
    const receiver = await startReceiver();
    const sender = new DeliverySender({ timeoutMs: 1000, allowPrivate: false, maxSocketsPerHost: 2, userAgent: 'test' });
    try {
      const port = new URL(receiver.url).port;
      for (const url of [`http://127.0.0.1:${port}/`, `http://localhost:${port}/`]) {
        const err = await sender.send({ url, headers: {}, body: '{}' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SendError);
        expect((err as SendError).code).toBe('ETARGETFORBIDDEN');
      }
      expect(receiver.received).toHaveLength(0);
      const open = new DeliverySender({ timeoutMs: 1000, allowPrivate: true, maxSocketsPerHost: 2, userAgent: 'test' });
      await expect(open.send({ url: `http://localhost:${port}/`, headers: {}, body: '{}' })).resolves.toMatchObject({ status: 200 });
      open.close();
      expect(receiver.received).toHaveLength(1);
    } finally {
      sender.close();
      await receiver.close();
    }
  });
});
