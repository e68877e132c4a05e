import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quickstartBlocks, REPO_ROOT } from './support/readme';
import { journey } from './support/steps';

/**
 * Journey 0, the README's Quickstart, command by command as written: the sandbox wired to a
 * relay, the relay, a receiver with `callbridge listen`, and a call through the relay's action
 * route, each block in its own shell, as in the reader's terminals. The call's three events
 * must reach the receiver. Two things differ from a reader's run, both outside the commands:
 * `npm ci` is not run again (the test command just built everything), and the relay's
 * database is a temporary file instead of ./data, so a developer's own relay data is untouched.
 */

const BLOCKS = ['setup', 'sandbox', 'relay', 'receiver', 'call'] as const;
const PORTS = [4010, 8080, 3000];
const EVENTS = ['vyora.call_started', 'vyora.call_completed', 'vyora.all_processing_completed'];

/** One reader's terminal: a shell running one block, its output kept for the assertions. */
class Terminal {
  readonly child: ChildProcess;
  output = '';
  private exit: Promise<number | null>;

  constructor(readonly name: string, script: string, env: NodeJS.ProcessEnv) {
    // Its own process group, so that stopping the terminal stops what it started (npm, node, the `&` receiver).
    this.child = spawn('bash', ['-c', script], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b: Buffer) => (this.output += b.toString('utf8'));
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exit = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Resolves once the output matches, or fails naming the terminal, the wait and its output so far. */
  async waitFor(pattern: RegExp | ((out: string) => boolean), what: string, ms = 60_000): Promise<void> {
    const test = typeof pattern === 'function' ? pattern : (out: string) => pattern.test(out);
    const until = Date.now() + ms;
    while (!test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`terminal "${this.name}" exited (${this.child.exitCode}) before ${what}:\n${this.output}`);
      if (Date.now() > until) throw new Error(`terminal "${this.name}": no ${what} within ${ms / 1000} s:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  finished(): Promise<number | null> {
    return this.exit;
  }

  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid !== undefined && this.child.exitCode === null) {
      // The whole group: bash, what it started, and the receiver it put in the background.
      signalGroup(pid, 'SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([this.exit.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 10_000)))]);
      clearTimeout(timer);
      if (!stopped) signalGroup(pid, 'SIGKILL');
    }
    // A background job (the receiver) may outlive bash and hold the pipes open.
    if (pid !== undefined) signalGroup(pid, 'SIGKILL');
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** The Quickstart's ports must be free, or a leftover process would answer instead of ours. */
async function assertFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`port ${port} is in use (${e.code}); the Quickstart needs 4010, 8080 and 3000 free: stop whatever holds it`)),
    );
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

/** A reader's fresh shell: none of the provider or relay settings this process may have. */
function freshEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(RELAY_|AYRA_|VYORA_|AILA_|AYLA_|CALLBRIDGE_)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

describe('journey 0: the README Quickstart, as written', () => {
  const terminals: Terminal[] = [];
  let dir = '';

  afterAll(async () => {
    // Last started, first stopped: listen before the relay, the relay before the sandbox.
    for (const t of terminals.reverse()) await t.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gets a sandbox call delivered through the relay to a local receiver', async () => {
    const j = journey('quickstart');
    const blocks = quickstartBlocks();
    expect([...blocks.keys()]).toEqual([...BLOCKS]);
    expect(blocks.get('setup')).toBe('npm ci');
    for (const port of PORTS) await assertFree(port);
    dir = mkdtempSync(join(tmpdir(), 'callbridge-quickstart-'));
    const env = freshEnv({ RELAY_DATABASE_URL: `sqlite:${join(dir, 'relay.db')}` });
    const open = (name: (typeof BLOCKS)[number]) => {
      const t = new Terminal(name, blocks.get(name) ?? '', env);
      terminals.push(t);
      return t;
    };

    const sandbox = await j.step('terminal 1: the sandbox, wired to the relay', async () => {
      const t = open('sandbox');
      await t.waitFor(/listening on http:\/\/127\.0\.0\.1:4010/, 'banner');
      return t;
    });
    expect(sandbox.output).toContain('export VYORA_WEBHOOK_SECRET=callbridge_sandbox_vyora_secret');

    await j.step('terminal 2: the relay (npm start)', async () => {
      const t = open('relay');
      await t.waitFor(/callbridge relay listening on http:\/\/127\.0\.0\.1:8080/, 'start banner');
      expect(t.output).toContain('admin token: RELAY_API_TOKEN from the environment');
    });

    const receiver = await j.step('terminal 3: the receiver and callbridge listen', async () => {
      const t = open('receiver');
      await t.waitFor(/Connected to http:\/\/127\.0\.0\.1:8080/, 'connection to the relay');
      return t;
    });

    const callId = await j.step('terminal 4: a call through the relay action route', async () => {
      const t = open('call');
      expect(await t.finished()).toBe(0);
      const answer = JSON.parse(t.output) as { call_id?: unknown };
      expect(answer.call_id).toEqual(expect.any(String));
      return String(answer.call_id);
    });

    await j.step('the three call events reach the receiver, forwarded with 200', async () => {
      const received = (out: string) =>
        out
          .split('\n')
          .filter((l) => l.startsWith('received '))
          .map((l) => JSON.parse(l.slice('received '.length)) as { type: string; data: { call_id?: string } });
      await receiver.waitFor((out) => EVENTS.every((type) => received(out).some((b) => b.type === type && b.data.call_id === callId)), 'three events', 60_000);
      await receiver.waitFor((out) => EVENTS.every((type) => new RegExp(`${type.replace('.', '\\.')}\\s+evt_\\w+\\s+-> 200`).test(out)), "listen's three 200 lines", 10_000);
    });
  });
});
