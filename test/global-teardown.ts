import { rmSync } from 'node:fs';
import { RUN_DIR_ENV } from './support/n8n';

/** Removes what the journeys of this run shared: the run's folder (n8n's packed packages). */
export default function teardown(): void {
  const dir = process.env[RUN_DIR_ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
