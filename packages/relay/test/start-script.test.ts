import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { RELAY_NODE_FLAGS } from '../src';
import { eventually, tempDir, TOKEN } from './support/harness';

/**
 * `npm start` under a process manager: stopping npm must stop the relay. npm runs a script
 * through `sh -c`, and a shell waiting on node dies of the SIGTERM npm forwards without
 * passing it on, which left the relay running as an orphan; the script now execs node.
 */
const ROOT = join(__dirname, '..', '..', '..');
const START = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start'] as string;

/** Every process below `pid`, from /proc (Linux). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: the parent pid follows it.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const [child, parent] of parents) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });
}

test('the start script runs node with the flags the relay recommends', () => {
  expect(START).toBe(`exec node ${RELAY_NODE_FLAGS.join(' ')} packages/cli/dist/bin.js relay`);
});

const linux = existsSync('/proc/self/stat');
(linux ? test : test.skip)(linux ? 'SIGTERM to npm start stops the relay (graceful, then gone)' : 'SIGTERM to npm start stops the relay (skipped: needs /proc)', async () => {
  const dir = tempDir('relay-npm-start-');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('RELAY_') && !k.endsWith('_WEBHOOK_SECRET')) env[k] = v;
  Object.assign(env, {
    RELAY_DATABASE_URL: `sqlite:${join(dir.dir, 'relay.db')}`,
    RELAY_HOST: '127.0.0.1',
    RELAY_PORT: '0',
    RELAY_API_TOKEN: TOKEN,
    RELAY_LOG_LEVEL: 'warn',
  });
  const npm = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => npm.once('exit', (code, signal) => resolve({ code, signal })));
  let stdout = '';
  let stderr = '';
  npm.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  npm.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let below: number[] = [];
  try {
    const port = await eventually(() => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      return m ? Number(m[1]) : undefined;
    }, 30_000);
    below = descendants(npm.pid as number);
    expect(below.length).toBeGreaterThan(0);
    expect(await accepts(port)).toBe(true);

    npm.kill('SIGTERM');
    await exited;
    // Every process npm started ends, after shutting down gracefully.
    await eventually(() => (below.every((pid) => !alive(pid)) ? true : undefined), 15_000);
    expect(await accepts(port)).toBe(false);
    expect(stderr).toContain('relay: SIGTERM, finishing in-flight work');
  } finally {
    for (const pid of below) if (alive(pid)) process.kill(pid, 'SIGKILL');
    if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
    dir.remove();
  }
}, 60_000);
