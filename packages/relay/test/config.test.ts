import { DEFAULT_RETRY_SCHEDULE_MS, describeConfig, loadRelayConfig, parseDuration, parseRetrySchedule, RelayConfigError } from '../src';

function error(fn: () => unknown): RelayConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RelayConfigError) return e;
    throw e;
  }
  throw new Error('expected a RelayConfigError');
}

describe('loadRelayConfig', () => {
  test('runs with no configuration at all', () => {
    const c = loadRelayConfig({});
    expect(c.host).toBe('0.0.0.0');
    expect(c.port).toBe(8080);
    expect(c.database).toEqual({ kind: 'sqlite', path: './data/relay.db' });
    expect(c.apiToken).toBeUndefined();
    expect(c.retrySchedule).toEqual(DEFAULT_RETRY_SCHEDULE_MS);
    expect(c.retrySchedule).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(c.maxBodyBytes).toBe(256 * 1024);
    expect(c.allowPrivateTargets).toBe(false);
    expect(c.deliveryTimeoutMs).toBe(10_000);
    expect(c.maxJsonDepth).toBe(64);
    expect(c.providers.vyora).toEqual({});
  });

  test('reads every variable, and flags win over the environment', () => {
    const c = loadRelayConfig(
      {
        RELAY_HOST: '127.0.0.1',
        RELAY_PORT: '9000',
        RELAY_DATABASE_URL: 'sqlite:///var/lib/relay.db',
        RELAY_API_TOKEN: 'a-long-enough-admin-token',
        RELAY_RETRY_SCHEDULE: '0.2s, 500ms,1m',
        RELAY_MAX_BODY_BYTES: '1mb',
        RELAY_ALLOW_PRIVATE_TARGETS: 'yes',
        RELAY_DELIVERY_TIMEOUT: '2.5s',
        VYORA_WEBHOOK_SECRET: 's3cret',
        VYORA_API_KEY: 'vya_live_key',
        VYORA_BASE_URL: 'http://127.0.0.1:4010/vyora/',
      },
      { port: 0, database: 'sqlite:./other.db' },
    );
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(0);
    expect(c.database).toEqual({ kind: 'sqlite', path: './other.db' });
    expect(c.retrySchedule).toEqual([200, 500, 60_000]);
    expect(c.maxBodyBytes).toBe(1024 * 1024);
    expect(c.allowPrivateTargets).toBe(true);
    expect(c.deliveryTimeoutMs).toBe(2500);
    expect(c.providers.vyora).toEqual({ webhookSecret: 's3cret', apiKey: 'vya_live_key', baseUrl: 'http://127.0.0.1:4010/vyora' });
    const shown = JSON.stringify(describeConfig(c));
    expect(shown).not.toContain('s3cret');
    expect(shown).not.toContain('vya_live_key');
    expect(shown).not.toContain('a-long-enough-admin-token');
  });

  test.each([
    [undefined, false],
    ['off', false],
    ['false', false],
    ['0', false],
    ['true', true],
    ['2', 2],
    ['10.0.0.0/8, 192.168.1.10,::1, fd00::/8', ['10.0.0.0/8', '192.168.1.10', '::1', 'fd00::/8']],
  ])('RELAY_TRUST_PROXY=%s trusts %j', (raw, expected) => {
    expect(loadRelayConfig({ RELAY_TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });

  test.each([
    [{ RELAY_PORT: 'eighty' }, {}, 'RELAY_PORT', 'port number'],
    [{ RELAY_PORT: '70000' }, {}, 'RELAY_PORT', '65535'],
    [{}, { port: 'x' }, '--port', 'port number'],
    [{ RELAY_DATABASE_URL: 'mysql://x' }, {}, 'RELAY_DATABASE_URL', 'sqlite:'],
    [{ RELAY_DATABASE_URL: 'postgres://u@h/db', RELAY_PG_POOL_SIZE: '0' }, {}, 'RELAY_PG_POOL_SIZE', 'whole number'],
    [{ RELAY_DATABASE_URL: 'postgres://u@h/db', RELAY_PG_STATEMENT_TIMEOUT: 'soon' }, {}, 'RELAY_PG_STATEMENT_TIMEOUT', ''],
    [{ RELAY_DATABASE_URL: 'postgres://u@h/db?schema=Bad-Name' }, {}, 'RELAY_DATABASE_URL ?schema=', 'lower-case'],
    [{ RELAY_DATABASE_URL: 'postgres://u@h/db', RELAY_PG_SCHEMA: '1x' }, {}, 'RELAY_PG_SCHEMA', 'lower-case'],
    [{}, { database: 'sqlite:' }, '--database', 'names no database file'],
    [{ RELAY_RETRY_SCHEDULE: '5s,,1m' }, {}, 'RELAY_RETRY_SCHEDULE', 'comma-separated'],
    [{ RELAY_RETRY_SCHEDULE: '5s,soon' }, {}, 'RELAY_RETRY_SCHEDULE', 'entry 2'],
    [{ RELAY_MAX_BODY_BYTES: 'big' }, {}, 'RELAY_MAX_BODY_BYTES', 'size'],
    [{ RELAY_ALLOW_PRIVATE_TARGETS: 'maybe' }, {}, 'RELAY_ALLOW_PRIVATE_TARGETS', 'true or false'],
    [{ RELAY_DELIVERY_TIMEOUT: '1ms' }, {}, 'RELAY_DELIVERY_TIMEOUT', 'between'],
    [{ RELAY_API_TOKEN: 'short' }, {}, 'RELAY_API_TOKEN', 'at least 16'],
    [{ AILA_BASE_URL: 'not a url' }, {}, 'AILA_BASE_URL', 'absolute'],
    [{ RELAY_RATE_LIMIT: '-1' }, {}, 'RELAY_RATE_LIMIT', 'whole number'],
    [{ RELAY_LOG_LEVEL: 'loud' }, {}, 'RELAY_LOG_LEVEL', 'one of'],
    [{ RELAY_MAX_JSON_DEPTH: '0' }, {}, 'RELAY_MAX_JSON_DEPTH', 'whole number from 1 to 1000'],
    [{ RELAY_TRUST_PROXY: 'nginx' }, {}, 'RELAY_TRUST_PROXY', '"nginx" is none of these'],
    [{ RELAY_TRUST_PROXY: '10.0.0.0/33' }, {}, 'RELAY_TRUST_PROXY', '"10.0.0.0/33" is none of these'],
    [{ RELAY_TRUST_PROXY: '10.0.0.1,,::1' }, {}, 'RELAY_TRUST_PROXY', '"" is none of these'],
    [{ RELAY_TRUST_PROXY: '127.1' }, {}, 'RELAY_TRUST_PROXY', 'comma list of proxy addresses'],
    [{ RELAY_TRUST_PROXY: '1000' }, {}, 'RELAY_TRUST_PROXY', 'more than any real chain'],
    [{ RELAY_MAX_JSON_DEPTH: 'deep' }, {}, 'RELAY_MAX_JSON_DEPTH', 'whole number'],
  ])('%j %j is refused naming %s', (env, flags, source, words) => {
    const e = error(() => loadRelayConfig(env, flags));
    expect(e.source).toBe(source);
    expect(e.message.startsWith(`${source}: `)).toBe(true);
    expect(e.message).toContain(words);
  });
});

describe('durations', () => {
  test('parse units, with bare numbers as seconds', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('0.2s')).toBe(200);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('3')).toBe(3000);
    expect(() => parseDuration('-1s')).toThrow(/duration/);
    expect(parseRetrySchedule('0.2s,0.5s')).toEqual([200, 500]);
  });
});
