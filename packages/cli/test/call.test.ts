import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { main } from '../src/main';
import { env, KEY, run, VYORA } from './helpers';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const PHONE = '+919876543210';

/** Fails the test if anything reaches the network: validation must stop before it. */
/** Counts requests that reach the network layer; validation must stop before any. */
function forbidRequests(): { count: () => number } {
  let seen = 0;
  const onRequest = (): void => {
    seen++;
  };
  nock.emitter.on('no match', onRequest);
  afterCleanup.push(() => nock.emitter.removeListener('no match', onRequest));
  return { count: () => seen };
}
const afterCleanup: Array<() => void> = [];
afterEach(() => afterCleanup.splice(0).forEach((f) => f()));

describe('call: success', () => {
  test('prints the result as one line of JSON in a pipe, sending the key and the body', async () => {
    const scope = nock(VYORA, { reqheaders: { 'x-api-key': KEY } })
      .post('/v1/calls', { phone_number: PHONE, agent_name: 'Home Loan Agent' })
      .reply(200, { call_id: 'abc123xyz', status: 'registered' });
    const r = await run(['call', 'vyora', 'calls.trigger', '--json', JSON.stringify({ phone_number: PHONE, agent_name: 'Home Loan Agent' })], { env });
    expect(r).toEqual({ code: 0, stdout: '{"call_id":"abc123xyz","status":"registered"}\n', stderr: '' });
    scope.done();
  });

  test('pretty-prints at a terminal', async () => {
    nock(VYORA).get('/v1/calls/abc').reply(200, { call_id: 'abc', status: 'completed' });
    const r = await run(['call', 'vyora', 'calls.get', '--json', '{"call_id":"abc"}'], { env, tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JSON.stringify({ call_id: 'abc', status: 'completed' }, null, 2)}\n`);
  });

  test('sends --idempotency-key as the Idempotency-Key header', async () => {
    const scope = nock(VYORA)
      .post('/v1/calls')
      .matchHeader('idempotency-key', 'order-42')
      .reply(200, { call_id: 'c1', status: 'registered' });
    const r = await run(['call', 'vyora', 'calls.trigger', '--json', `{"phone_number":"${PHONE}"}`, '--idempotency-key', 'order-42'], { env });
    expect(r.code).toBe(0);
    scope.done();
  });

  test('VYORA_BASE_URL points the client elsewhere (the sandbox)', async () => {
    const scope = nock('http://127.0.0.1:4010').get('/v1/calls/c9').reply(200, { call_id: 'c9' });
    const r = await run(['call', 'vyora', 'calls.get', '--json', '{"call_id":"c9"}'], {
      env: { ...env, VYORA_BASE_URL: 'http://127.0.0.1:4010' },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ call_id: 'c9' });
    scope.done();
  });

  test('an invalid VYORA_BASE_URL is invalid input naming the variable', async () => {
    const r = await run(['call', 'vyora', 'calls.get', '--json', '{"call_id":"c9"}'], { env: { ...env, VYORA_BASE_URL: 'ftp:/x' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('VYORA_BASE_URL');
  });
});

describe('call: --json sources', () => {
  test('@file reads the input from a file', async () => {
    const scope = nock(VYORA).get('/v1/calls/from-file').reply(200, { call_id: 'from-file' });
    const r = await run(['call', 'vyora', 'calls.get', '--json', '@in.json'], { env, files: { 'in.json': '\uFEFF{"call_id":"from-file"}\n' } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ call_id: 'from-file' });
    scope.done();
  });

  test('@file reads a real file from disk by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callbridge-cli-'));
    try {
      const path = join(dir, 'input.json');
      writeFileSync(path, '{"call_id":"on-disk"}');
      const scope = nock(VYORA).get('/v1/calls/on-disk').reply(200, { call_id: 'on-disk' });
      const out: string[] = [];
      const code = await main(['call', 'vyora', 'calls.get', '--json', `@${path}`], env, {
        stdout: { write: (c) => out.push(String(c)) },
        stderr: { write: (c) => out.push(String(c)) },
      });
      expect(code).toBe(0);
      expect(JSON.parse(out.join(''))).toEqual({ call_id: 'on-disk' });
      scope.done();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('- reads the input from stdin', async () => {
    const scope = nock(VYORA).get('/v1/calls/from-stdin').reply(200, { call_id: 'from-stdin' });
    const r = await run(['call', 'vyora', 'calls.get', '--json', '-'], { env, stdin: '{"call_id":"from-stdin"}' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ call_id: 'from-stdin' });
    scope.done();
  });

  test('a missing @file is exit 2 naming --json and the file', async () => {
    const r = await run(['call', 'vyora', 'calls.get', '--json', '@missing.json'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--json @missing\.json: cannot read: ENOENT/);
  });

  test.each([
    ['{call_id: abc}', /--json: invalid JSON/],
    ['[1,2]', /--json: must be a JSON object/],
    ['"abc"', /--json: must be a JSON object/],
    ['null', /--json: must be a JSON object/],
  ])('bad --json %s is exit 2 and sends nothing', async (json, message) => {
    const net = forbidRequests();
    const r = await run(['call', 'vyora', 'calls.get', '--json', json], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(net.count()).toBe(0);
  });

  test('invalid JSON on stdin is exit 2', async () => {
    const r = await run(['call', 'vyora', 'calls.get', '--json', '-'], { env, stdin: '{"call_id":' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--json - \(stdin\): invalid JSON/);
  });
});

describe('call: invalid input exits 2 with the field named and nothing sent', () => {
  test('a phone number that is not E.164', async () => {
    const net = forbidRequests();
    const r = await run(['call', 'vyora', 'calls.trigger', '--json', '{"phone_number":"98765"}'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ {2}phone_number: must be an E\.164 phone number/m);
    expect(r.stderr).toContain('vyora calls.trigger');
    expect(net.count()).toBe(0);
  });

  test('a missing required field and an unknown one, each named', async () => {
    const net = forbidRequests();
    const r = await run(['call', 'vyora', 'calls.trigger', '--json', '{"phone":"+15551234567"}'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/phone_number: is required/);
    expect(r.stderr).toMatch(/phone: is not a field of this operation/);
    expect(net.count()).toBe(0);
  });

  test('validation comes before the key check: no key needed to learn the input is wrong', async () => {
    const r = await run(['call', 'vyora', 'calls.get', '--json', '{}'], { env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/call_id: is required/);
  });

  test('a missing API key is exit 2 naming the variable', async () => {
    const net = forbidRequests();
    const r = await run(['call', 'vyora', 'calls.get', '--json', '{"call_id":"c1"}'], { env: { VYORA_API_KEY: '  ' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('VYORA_API_KEY is not set');
    expect(net.count()).toBe(0);
  });

  test('an unknown provider lists the known ones', async () => {
    const r = await run(['call', 'vyoro', 'calls.get'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown provider "vyoro"; did you mean vyora?');
    expect(r.stderr).toMatch(/Known providers: .*vyora/);
  });

  test("an unknown operation lists the provider's operations", async () => {
    const r = await run(['call', 'vyora', 'calls.list'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown operation "calls.list" for vyora');
    expect(r.stderr).toContain('Vyora operations: agents.list, calls.trigger, calls.get, calls.waitForAnalysis');
  });

  test.each([
    [['call', 'vyora'], /missing <operation>/],
    [['call'], /missing <provider>/],
    [['call', 'vyora', 'calls.get', 'extra'], /unexpected argument "extra"/],
    [['call', 'vyora', 'calls.get', '--jsn', '{}'], /unknown option --jsn for call; did you mean --json\?/],
    [['call', 'vyora', 'calls.get', '--json'], /--json/],
    [['call', 'vyora', 'calls.get', '--idempotency-key', ''], /--idempotency-key must not be empty/],
  ])('%j is exit 2', async (argv, message) => {
    const r = await run(argv, { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('call: provider errors exit 1 with the normalized error as JSON on stderr', () => {
  test("Vyora's {error: \"Call not found\"}", async () => {
    nock(VYORA).get('/v1/calls/nope').reply(404, { error: 'Call not found' }, { 'x-request-id': 'req-7' });
    const r = await run(['call', 'vyora', 'calls.get', '--json', '{"call_id":"nope"}'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toMatchObject({
      name: 'CallbridgeError',
      provider: 'vyora',
      operation: 'calls.get',
      status: 404,
      code: 'call_not_found',
      message: 'Call not found',
      requestId: 'req-7',
      retryable: false,
      kind: 'provider',
    });
  });

  test('the key never shows: not in --verbose lines, not in an error that echoes it', async () => {
    nock(VYORA).get('/v1/calls/c1').reply(401, { error: `Invalid API key ${KEY}` });
    const r = await run(['call', 'vyora', 'calls.get', '--json', '{"call_id":"c1"}', '--verbose'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('→ GET https://api.vyora.ai/v1/calls/c1 (attempt 1)');
    expect(r.stderr).toContain('← 401');
    expect(r.stderr).toContain('Invalid API key [redacted]');
    expect(r.stderr + r.stdout).not.toContain(KEY);
  });

  test('a base URL with credentials in it is blanked in --verbose output', async () => {
    nock('http://127.0.0.1:4010').get('/v1/calls/c1').reply(200, { call_id: 'c1' });
    const r = await run(['call', 'vyora', 'calls.get', '--json', '{"call_id":"c1"}', '-v'], {
      env: { ...env, VYORA_BASE_URL: 'http://user:hunter2pass@127.0.0.1:4010' },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('http://***@127.0.0.1:4010/v1/calls/c1');
    expect(r.stderr).not.toContain('hunter2pass');
  });
});
