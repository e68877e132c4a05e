import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_DIR_ENV } from './support/n8n';

export default async function setup(): Promise<void> {
  // A folder for what the journeys share through files (global-teardown.ts removes it).
  process.env[RUN_DIR_ENV] = mkdtempSync(join(tmpdir(), 'callbridge-journeys-'));
}
