import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Builds an app with the same script `zapier-platform push` runs, then runs
 * `zapier-platform validate --without-style` on the built dist, with the Node this test
 * runs on (24; the CLI needs 22+), offline: no deploy key, analytics and the update check
 * off, and a preload that records and refuses any network connection the CLI attempts.
 */

const ROOT = resolve(__dirname, '../../../..');
const CLI = join(ROOT, 'node_modules/zapier-platform-cli/src/bin/run');
const BUILD = resolve(__dirname, '../build.mjs');
const NO_NETWORK = resolve(__dirname, 'no-network.cjs');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** The keys of the built app's triggers, creates and searches, read by importing dist/index.js as Zapier does. */
export async function builtKeys(appDir: string): Promise<Record<string, string[]>> {
  const script =
    `const m = await import(${JSON.stringify(join(appDir, 'dist/index.js'))});` +
    'const a = m.default;' +
    'console.log(JSON.stringify({ triggers: Object.keys(a.triggers ?? {}), creates: Object.keys(a.creates ?? {}), searches: Object.keys(a.searches ?? {}), version: a.version }));';
  const res = await run(['--input-type=module', '-e', script], appDir, process.env);
  if (res.code !== 0) throw new Error(`importing the built app failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Record<string, string[]>;
}

export interface ValidateResult {
  build: RunResult;
  validate: RunResult;
  /** Schema errors the CLI reported (its `--format json` table). */
  errors: unknown[];
  /** Connections and lookups the CLI attempted. */
  network: string[];
}

export async function buildAndValidate(appDir: string): Promise<ValidateResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['ZAPIER_DEPLOY_KEY'];
  delete env['NODE_OPTIONS'];
  const build = await run([BUILD, appDir], appDir, env);
  if (build.code !== 0) return { build, validate: { code: null, stdout: '', stderr: '', ms: 0 }, errors: [], network: [] };

  const scratch = mkdtempSync(join(tmpdir(), 'zapier-validate-'));
  const log = join(scratch, 'network.log');
  try {
    const validate = await run([CLI, 'validate', '--without-style', '--skip-build', '--format', 'json'], appDir, {
      ...env,
      DISABLE_ZAPIER_ANALYTICS: '1',
      NO_UPDATE_NOTIFIER: '1',
      // Keeps a developer's ~/.zapierrc out of it.
      ZAPIER_AUTH_LOCATION: join(scratch, 'zapierrc'),
      CALLBRIDGE_NETWORK_LOG: log,
      NODE_OPTIONS: `--require ${NO_NETWORK}`,
    });
    let errors: unknown[] = [];
    try {
      const parsed: unknown = JSON.parse(validate.stdout);
      errors = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      errors = [`unreadable validate output: ${validate.stdout.slice(0, 500)}`];
    }
    const network = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    return { build, validate, errors, network };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

interface AppKeys {
  triggers?: object;
  creates?: object;
  searches?: object;
  version: string;
}

/** Registers the validate test of one app: built, validated offline in seconds, and the same app as the source. */
export function describeValidate(appDir: string, source: AppKeys): void {
  describe(`zapier-platform validate (${appDir.split('/').pop()})`, () => {
    it('builds, passes validate --without-style offline within seconds, and ships the same app as the source', async () => {
      const result = await buildAndValidate(appDir);
      expect({ build: result.build.code, stderr: result.build.stderr }).toEqual({ build: 0, stderr: '' });
      expect({ code: result.validate.code, errors: result.errors }).toEqual({ code: 0, errors: [] });
      expect(result.network).toEqual([]);
      expect(result.validate.ms).toBeLessThan(20_000);

      const built = await builtKeys(appDir);
      expect(built).toEqual({
        triggers: Object.keys(source.triggers ?? {}),
        creates: Object.keys(source.creates ?? {}),
        searches: Object.keys(source.searches ?? {}),
        version: source.version,
      });
    }, 60_000);
  });
}
