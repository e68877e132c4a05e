import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get, postHook, startTestRelay, vyoraEvent, type TestRelay } from './support/harness';

/**
 * A full disk, for real: the relay's database on a 4 MiB tmpfs that a filler file then
 * fills. Mounting needs root; elsewhere this suite is skipped and says why (the health
 * state machine is tested with injected failures in storage-health.test.ts either way).
 */
function mountSmallTmpfs(): string | null {
  if (process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'relay-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

/** Writes zeros until the filesystem refuses (ENOSPC). */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

const mounted = mountSmallTmpfs();
const suite = mounted ? describe : describe.skip;

suite(mounted ? 'a full disk (a 4 MiB tmpfs)' : 'a full disk (skipped: mounting a small tmpfs needs root)', () => {
  const dir = mounted as string;
  let t: TestRelay;
  beforeAll(async () => {
    t = await startTestRelay({ RELAY_LOG_LEVEL: 'debug' }, dir);
  });
  afterAll(async () => {
    await t?.close().catch(() => undefined);
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('ingest answers 503, health and relay_storage_up turn at once, one log line without a stack, and it recovers', async () => {
    const metric = async (): Promise<string> => (await (await fetch(`${t.url}/metrics`)).text()).split('\n').find((l) => l.startsWith('relay_storage_up ')) ?? '';
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect(await metric()).toBe('relay_storage_up 1');

    const filler = join(dir, 'filler');
    fill(filler);
    // The WAL may still have room for a few events; then a commit needs space it cannot get.
    let failed: Awaited<ReturnType<typeof postHook>> | undefined;
    for (let i = 0; i < 400 && !failed; i++) {
      const res = await postHook(t.url, 'vyora', vyoraEvent('call_completed', { transcript: 'x'.repeat(3000) }));
      if (res.status !== 200) failed = res;
    }
    expect(failed?.status).toBe(503);
    expect(get(failed?.body, 'error.code')).toBe('storage_unavailable');

    // No probe interval to wait out: the failed write already turned both.
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unavailable', error: expect.stringMatching(/disk is full|SQLITE_FULL|ENOSPC/i) });
    expect(await metric()).toBe('relay_storage_up 0');

    for (let i = 0; i < 20; i++) expect((await postHook(t.url, 'vyora', vyoraEvent())).status).toBe(503);
    const lines = t.logs.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string });
    const loud = lines.filter((l) => l.level >= 30);
    const failures = loud.filter((l) => l.msg.startsWith('storage write failed'));
    expect(failures).toHaveLength(1);
    expect(JSON.stringify(loud)).not.toContain('"stack"');
    expect(loud.filter((l) => l.msg.includes('could not be stored') || l.msg.includes('could not store'))).toEqual([]);

    unlinkSync(filler);
    const again = await postHook(t.url, 'vyora', vyoraEvent());
    expect(again.status).toBe(200);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect(await metric()).toBe('relay_storage_up 1');
  });
});
