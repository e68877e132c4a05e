import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package's own version; src/ and dist/ both sit one level below package.json. */
export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
