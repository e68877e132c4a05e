import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands } from '../src/commands';
import { run } from './helpers';

describe('help and version', () => {
  test('--help lists every command in the table with its usage and summary, and the environment', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const c of commands) {
      expect(r.stdout).toContain(`  ${c.name} ${c.usage}`);
      expect(r.stdout).toContain(c.summary);
    }
    for (const v of ['<PROVIDER>_API_KEY', '<PROVIDER>_BASE_URL', '<PROVIDER>_WEBHOOK_SECRET']) expect(r.stdout).toContain(v);
    expect(r.stdout).toMatch(/^ {2}2 {2}invalid input/m);
  });

  test('-h and `help` print the same', async () => {
    const long = await run(['--help']);
    expect((await run(['-h'])).stdout).toBe(long.stdout);
    expect((await run(['help'])).stdout).toBe(long.stdout);
  });

  test('no command prints the help on stderr and exits 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: callbridge <command>');
  });

  test.each(commands.map((c) => [c.name]))('help %s and %s --help show its usage and options', async (name) => {
    const viaHelp = await run(['help', name]);
    const viaFlag = await run([name, '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaFlag).toEqual(viaHelp);
    expect(viaHelp.stdout.startsWith(`Usage: callbridge ${name} `)).toBe(true);
    expect(viaHelp.stdout).toContain('Examples:');
  });

  test('call help says --json also takes @file and - because shell quoting is painful', async () => {
    const r = await run(['help', 'call']);
    expect(r.stdout).toContain('--json @file.json');
    expect(r.stdout).toContain('--json - (stdin)');
    expect(r.stdout).toContain('quoting JSON in a shell is');
  });

  test("list help says what it prints without --all or --limit, with each provider's default", async () => {
    const r = await run(['help', 'list']);
    expect(r.stdout).toContain("the provider's default page size");
    expect(r.stdout).toContain('Vyora 50');
  });

  test('an unknown command is exit 2 with a suggestion and the list of commands', async () => {
    const r = await run(['cal', 'vyora']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "cal"; did you mean call?');
    expect(r.stderr).toContain(`Commands: ${commands.map((c) => c.name).join(', ')}, help`);
    expect((await run(['help', 'nope'])).code).toBe(2);
  });

  test('an unknown option is exit 2 and suggests the nearest known one', async () => {
    const r = await run(['list', 'vyora', 'agents.list', '--limt', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --limt for list; did you mean --limit?');
    expect(r.stderr).toContain('Options: --help, --verbose, --json, --all, --limit.');
    const far = await run(['sign', 'vyora', '--zzzzzz']);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain('unknown option --zzzzzz for sign\n');
  });

  test('an option before the command is exit 2', async () => {
    const r = await run(['--verbose', 'ops']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option "--verbose"');
  });

  test('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) expect(await run([flag])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  test('command names are unique, so one line in the table registers one command', () => {
    const names = commands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['ops', 'call', 'list', 'verify', 'sign']));
  });
});

describe('help relay', () => {
  test('lists every relay setting, each on one line with its default', async () => {
    const { SETTINGS } = await import('@callbridge/relay');
    const r = await run(['help', 'relay']);
    expect(r.code).toBe(0);
    for (const s of SETTINGS) {
      const line = r.stdout.split('\n').find((l) => l.trim().startsWith(`${s.name} `));
      expect([s.name, line]).toEqual([s.name, expect.stringContaining(s.description)]);
      expect(line).toMatch(new RegExp(`^ *${s.name} +${(s.default ?? '-').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
    }
    expect(r.stdout).toContain('RELAY_STREAM_HEARTBEAT');
  });
});
