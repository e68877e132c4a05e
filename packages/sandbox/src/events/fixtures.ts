import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository's shared fixtures (document examples), found by walking up from this file,
 * so the lookup works from src/ under jest and from dist/ when built. A published package
 * has no such folder; callers then fall back to the sandbox's own examples.
 */
let cached: string | null | undefined;

export function fixturesDir(): string | undefined {
  if (cached !== undefined) return cached ?? undefined;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'shared', 'fixtures');
    if (existsSync(join(candidate, 'signatures.json'))) {
      cached = candidate;
      return candidate;
    }
    dir = dirname(dir);
  }
  cached = null;
  return undefined;
}

/** A fixture's parsed JSON, or undefined when there is no such file. */
export function readFixture(provider: string, name: string, dir: string | undefined = fixturesDir()): unknown {
  if (!dir) return undefined;
  const file = join(dir, provider, `${name}.json`);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}
