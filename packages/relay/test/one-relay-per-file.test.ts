import { join } from 'node:path';
import { assertBuilt, postVyoraEvent, startRelayChild } from './support/child-relay';
import { startTestRelay, tempDir } from './support/harness';

/**
 * One relay owns a SQLite file. A second one started on it by mistake (`npm start` twice, on
 * another port) would release the first one's leases as a dead process's, so both would send
 * the same deliveries, and each would keep its own sources, tokens and rate limits in memory.
 * It must refuse to start, say why, and leave the first one working.
 */
test('a second relay on a SQLite file another relay has open refuses to start, naming the file; the first keeps working', async () => {
  assertBuilt();
  const dir = tempDir();
  const path = join(dir.dir, 'relay.db');
  const first = await startRelayChild({ RELAY_DATABASE_URL: `sqlite:${path}` });
  try {
    const refused = await startTestRelay({}, dir.dir).catch((e: unknown) => e);
    // Started after all (the defect): close it, so the failure below is the test's only outcome.
    if (!(refused instanceof Error)) await (refused as { close: () => Promise<void> }).close();
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toContain(`the database ${path} is in use by another process: another relay`);
    expect(await postVyoraEvent(first.url, 'call_after_refusal', 1)).toMatch(/^evt_/);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
  } finally {
    first.proc.kill('SIGTERM');
    await first.exited;
  }
  // Once the first has stopped, the file is free again.
  const second = await startTestRelay({}, dir.dir);
  await second.close();
  dir.remove();
});
