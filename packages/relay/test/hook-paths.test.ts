import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { systemClock } from '@callbridge/core';
import pino from 'pino';
import { createHookHandler } from '../src/http/hooks';
import type { Ingestor } from '../src/ingest/ingestor';
import { plainSecrets } from '../src/security/secrets-at-rest';
import { SourceRegistry } from '../src/sources/registry';
import type { RelayStorage } from '../src/storage/types';
import { RelayMetrics } from '../src/metrics';
import { get, postHook, startTestRelay, vyoraEvent, type TestRelay } from './support/harness';

/** Sends a request with exactly this path (fetch would normalise it) and reads the whole answer. */
function rawPost(base: string, path: string, body = '{}'): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text) as unknown;
        } catch {
          // keep the text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    // Before the fix these requests got no answer at all: fail fast instead of at the test timeout.
    req.setTimeout(3000, () => req.destroy(new Error(`no answer to POST ${path} within 3 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

describe('hook paths that do not decode', () => {
  let t: TestRelay;
  beforeAll(async () => {
    t = await startTestRelay();
  });
  afterAll(async () => {
    await t.close();
  });

  test.each(['/hooks/%', '/hooks/%zz', '/hooks/vyora%', '/hooks/%E0%A4%A', '/hooks/%C0%AF', '/hooks/%ff?x=1'])(
    'POST %s answers 400 malformed_path and the relay keeps serving',
    async (path) => {
      const res = await rawPost(t.url, path);
      expect(res.status).toBe(400);
      expect(get(res.body, 'error.code')).toBe('malformed_path');
      expect(get(res.body, 'error.message')).toMatch(/percent-encoding/);
      const after = await postHook(t.url, 'vyora', vyoraEvent());
      expect(after.status).toBe(200);
    },
  );

  test.each(['/v1/%', '/v1/subscriptions/%zz', '/%'])('%s, which fastify cannot route, answers 400 malformed_path in the relay\'s error shape', async (path) => {
    const res = await rawPost(t.url, path);
    expect(res.status).toBe(400);
    expect(get(res.body, 'error.code')).toBe('malformed_path');
  });

  test('a percent-encoded provider name that decodes is still understood', async () => {
    const res = await fetch(`${t.url}/hooks/vy%6Fra`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    // It decodes to "vyora": the request gets as far as the signature check.
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'missing_signature' } });
  });
});

describe('the hook handler never lets an exception escape', () => {
  test('an unexpected throw answers 500 for that request only and logs one line', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    let explode = true;
    const storage = { onConfigChange: () => () => undefined } as unknown as RelayStorage;
    const handler = createHookHandler({
      sources: new SourceRegistry(storage, plainSecrets(), { vyora: { webhookSecret: 'x' } }),
      maxBodyBytes: 1024,
      ingest: { submit: async () => ({ stored: false, status: 401, code: 'signature_mismatch', message: 'no' }) } as unknown as Ingestor,
      metrics: new RelayMetrics(),
      logger,
      clock: systemClock,
      // A dependency that fails where nothing around it expects a failure.
      isClosing: () => {
        if (explode) throw new TypeError('boom from a dependency');
        return false;
      },
    });
    const server = http.createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const first = await rawPost(base, '/hooks/vyora');
      expect(first.status).toBe(500);
      expect(get(first.body, 'error.code')).toBe('internal_error');
      const failures = lines.filter((l) => l.includes('boom from a dependency'));
      expect(failures).toHaveLength(1);
      explode = false;
      const second = await rawPost(base, '/hooks/vyora');
      expect(second.status).toBe(401);
      expect(get(second.body, 'error.code')).toBe('signature_mismatch');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
