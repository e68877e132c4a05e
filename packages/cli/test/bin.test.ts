import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './helpers';

const BIN = join(__dirname, '..', 'dist', 'bin.js');

function node(args: string[], env: Record<string, string> = {}) {
  // A clean environment: no provider keys or secrets leak in from the shell running the tests.
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 15_000 });
}

describe('the built command (dist/bin.js, run by node as a subprocess)', () => {
  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`tsc -b\` (the root \`npm test\` builds first)`);
  });

  test('runs on Node 24 and prints the same --help as in-process', async () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
    const child = node(['--help']);
    expect(child.status).toBe(0);
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe((await run(['--help'])).stdout);
  });

  test('invalid input exits 2 with the field named, before any network', () => {
    const child = node(['call', 'vyora', 'calls.trigger', '--json', '{"phone_number":"12345"}'], { VYORA_API_KEY: 'unused-key-123', VYORA_BASE_URL: 'http://127.0.0.1:9' });
    expect(child.status).toBe(2);
    expect(child.stdout).toBe('');
    expect(child.stderr).toContain('phone_number: must be an E.164 phone number');
  });
});
