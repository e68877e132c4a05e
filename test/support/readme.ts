import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The README's Quickstart, read from the file itself: each shell block is preceded by a
 * `<!-- quickstart: <name> -->` marker, so the journey runs exactly the commands a newcomer
 * copies, and an edit to the README is an edit to the test.
 */

export const REPO_ROOT = join(__dirname, '..', '..');

export function quickstartBlocks(readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')): Map<string, string> {
  const blocks = new Map<string, string>();
  const marker = /<!-- quickstart: ([a-z0-9-]+) -->\s*\n```sh\n([\s\S]*?)\n```/g;
  for (const m of readme.matchAll(marker)) {
    const [, name, body] = m;
    if (name === undefined || body === undefined) continue;
    if (blocks.has(name)) throw new Error(`README: two Quickstart blocks are named "${name}"`);
    blocks.set(name, body);
  }
  return blocks;
}
