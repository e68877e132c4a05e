import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { run } from './helpers';

const SECRET = 'vyora-webhook-secret-1';
const BODY = '{"event":"call_completed","call_id":"abc123xyz","status":"completed","timestamp":"2026-05-24T10:31:15Z"}';
const files = { 'body.json': BODY };

/** Vyora's documented scheme, computed here independently of core. */
function vyoraSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

describe('verify <provider>', () => {
  test('a valid signature prints "valid" and exits 0', async () => {
    const r = await run(['verify', 'vyora', '--body-file', 'body.json', '--signature', vyoraSignature(BODY, SECRET), '--secret', SECRET], { files });
    expect(r).toEqual({ code: 0, stdout: 'valid\n', stderr: '' });
  });

  test('the secret comes from VYORA_WEBHOOK_SECRET when --secret is absent', async () => {
    const r = await run(['verify', 'vyora', '--body-file', 'body.json', '--signature', vyoraSignature(BODY, SECRET)], {
      files,
      env: { VYORA_WEBHOOK_SECRET: SECRET },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('valid\n');
  });

  test('a tampered body exits 1 with the reason as JSON on stderr', async () => {
    const tampered = BODY.replace('completed', 'started');
    const r = await run(['verify', 'vyora', '--body-file', 'body.json', '--signature', vyoraSignature(BODY, SECRET), '--secret', SECRET], {
      files: { 'body.json': tampered },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toMatchObject({ valid: false, provider: 'vyora', reason: 'signature_mismatch' });
  });

  test('the wrong secret exits 1, and the secret is not shown', async () => {
    const r = await run(['verify', 'vyora', '--body-file', 'body.json', '--signature', vyoraSignature(BODY, SECRET), '--secret', 'another-secret-9'], { files });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toMatchObject({ reason: 'signature_mismatch' });
    expect(r.stderr).not.toContain('another-secret-9');
  });

  test('a malformed signature exits 1 with reason malformed_signature', async () => {
    const r = await run(['verify', 'vyora', '--body-file', 'body.json', '--signature', 'sha256=xyz', '--secret', SECRET], { files });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toMatchObject({ reason: 'malformed_signature' });
  });

  test('no secret anywhere is exit 2 naming --secret and the variable', async () => {
    const r = await run(['verify', 'vyora', '--body-file', 'body.json', '--signature', vyoraSignature(BODY, SECRET)], { files });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --secret or set VYORA_WEBHOOK_SECRET');
  });

  test.each([
    [['verify', 'vyora', '--signature', 'sha256=00', '--secret', SECRET], '--body-file is required'],
    [['verify', 'vyora', '--body-file', 'body.json', '--secret', SECRET], '--signature is required'],
    [['verify', 'vyora', '--body-file', 'nope.json', '--signature', 'x', '--secret', SECRET], '--body-file nope.json: cannot read'],
    [['verify', 'vyora', '--body-file', 'body.json', '--signature', 'x', '--secret', SECRET, '--id', 'e1'], '--id applies to Standard Webhooks'],
    [['verify', 'ayla', '--body-file', 'body.json', '--signature', 'x', '--secret', SECRET], 'Ayla (ayla) sends no webhooks'],
    [['verify', 'nope', '--body-file', 'body.json', '--signature', 'x', '--secret', SECRET], 'unknown provider "nope"'],
  ])('%j is exit 2', async (argv, message) => {
    const r = await run(argv, { files });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  test('--body-file - reads the body from stdin, byte for byte', async () => {
    const r = await run(['verify', 'vyora', '--body-file', '-', '--signature', vyoraSignature(BODY, SECRET), '--secret', SECRET], { stdin: BODY });
    expect(r.stdout).toBe('valid\n');
  });
});

describe('sign <provider>', () => {
  test('prints the header value, as the provider computes it', async () => {
    const r = await run(['sign', 'vyora', '--body-file', 'body.json', '--secret', SECRET], { files });
    expect(r).toEqual({ code: 0, stdout: `${vyoraSignature(BODY, SECRET)}\n`, stderr: '' });
  });

  test.each(['vyora', 'aila', 'ayra'])('%s: what sign prints, verify accepts, and a changed byte it rejects', async (provider) => {
    const variable = `${provider.toUpperCase()}_WEBHOOK_SECRET`;
    const bytes = Buffer.from(`{"event":"x","note":"caf\u00e9 \u2713"}`, 'utf8');
    const signed = await run(['sign', provider, '--body-file', 'b'], { files: { b: bytes }, env: { [variable]: SECRET } });
    expect(signed.code).toBe(0);
    const signature = signed.stdout.trim();
    const ok = await run(['verify', provider, '--body-file', 'b', '--signature', signature], { files: { b: bytes }, env: { [variable]: SECRET } });
    expect(ok.stdout).toBe('valid\n');
    const changed = Buffer.from(bytes);
    const at = changed.length - 2;
    changed[at] = (changed[at] as number) ^ 1;
    const bad = await run(['verify', provider, '--body-file', 'b', '--signature', signature], { files: { b: changed }, env: { [variable]: SECRET } });
    expect(bad.code).toBe(1);
  });

  test('without a secret is exit 2', async () => {
    const r = await run(['sign', 'vyora', '--body-file', 'body.json'], { files });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('VYORA_WEBHOOK_SECRET');
  });

  test('for a provider without webhooks is exit 2', async () => {
    const r = await run(['sign', 'ayla', '--body-file', 'body.json', '--secret', SECRET], { files });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sends no webhooks');
  });
});

describe('standard webhooks (the relay deliveries)', () => {
  const whsec = `whsec_${Buffer.from('0123456789abcdef01234567').toString('base64')}`;

  test('sign standard matches the standardwebhooks package, and verify standard accepts it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const signed = await run(['sign', 'standard', '--body-file', 'body.json', '--id', 'evt_1', '--timestamp', String(now), '--secret', whsec], { files });
    expect(signed.code).toBe(0);
    const signature = signed.stdout.trim();
    expect(signature).toBe(new Webhook(whsec).sign('evt_1', new Date(now * 1000), BODY));

    const ok = await run(['verify', 'standard', '--body-file', 'body.json', '--signature', signature, '--id', 'evt_1', '--timestamp', String(now)], {
      files,
      env: { STANDARD_WEBHOOK_SECRET: whsec },
    });
    expect(ok).toEqual({ code: 0, stdout: 'valid\n', stderr: '' });

    const otherId = await run(['verify', 'standard', '--body-file', 'body.json', '--signature', signature, '--id', 'evt_2', '--timestamp', String(now), '--secret', whsec], { files });
    expect(otherId.code).toBe(1);
    expect(JSON.parse(otherId.stderr)).toMatchObject({ reason: 'signature_mismatch', provider: 'standard' });
  });

  test('an old timestamp fails unless --tolerance allows it', async () => {
    const old = Math.floor(Date.now() / 1000) - 3600;
    const signature = new Webhook(whsec).sign('evt_1', new Date(old * 1000), BODY);
    const argv = ['verify', 'standard', '--body-file', 'body.json', '--signature', signature, '--id', 'evt_1', '--timestamp', String(old), '--secret', whsec];
    const stale = await run(argv, { files });
    expect(stale.code).toBe(1);
    expect(JSON.parse(stale.stderr)).toMatchObject({ reason: 'timestamp_out_of_tolerance' });
    const allowed = await run([...argv, '--tolerance', '7200'], { files });
    expect(allowed.stdout).toBe('valid\n');
  });

  test.each([
    [['verify', 'standard', '--body-file', 'body.json', '--signature', 'v1,x', '--timestamp', '1', '--secret', 'whsec_AA=='], '--id is required'],
    [['verify', 'standard', '--body-file', 'body.json', '--signature', 'v1,x', '--id', 'e', '--secret', 'whsec_AA=='], '--timestamp is required'],
    [['verify', 'standard', '--body-file', 'body.json', '--signature', 'v1,x', '--id', 'e', '--timestamp', 'soon', '--secret', 'whsec_AA=='], '--timestamp must be whole unix seconds'],
    [['sign', 'standard', '--body-file', 'body.json', '--id', 'e', '--secret', 'whsec_not base64!'], '--secret: must be "whsec_" followed by base64'],
    [['sign', 'standard', '--body-file', 'body.json', '--secret', 'whsec_AA=='], '--id is required'],
  ])('%j is exit 2', async (argv, message) => {
    const r = await run(argv, { files });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('not base64!');
  });
});
