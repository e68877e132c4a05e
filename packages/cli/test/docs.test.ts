import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsHelp } from '@callbridge/relay';
import { commands } from '../src/commands';

/** docs/cli.md is written by hand; these keep it from drifting away from the command table. */
const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'cli.md'), 'utf8');

describe('docs/cli.md', () => {
  test('shows an example of every command and subcommand', () => {
    const missing: string[] = [];
    for (const c of commands) {
      const names = [c.name, ...(c.subcommands ?? []).map((s) => s.name)];
      for (const name of names) if (!new RegExp(`callbridge ${name}( |$)`, 'm').test(doc)) missing.push(name);
    }
    expect(missing).toEqual([]);
  });

  test('lists the relay settings exactly as `callbridge help relay` does', () => {
    const block = /<!-- relay settings:[^\n]*-->\n```text\n([\s\S]*?)\n```/.exec(doc)?.[1];
    // On a mismatch, paste the settings lines of `npx callbridge help relay` into the block.
    expect(block).toBe(settingsHelp());
  });
});
