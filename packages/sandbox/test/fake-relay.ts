import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@callbridge/core';

/**
 * A stand-in for the relay's sources API (`/v1/sources` as the round's CONTRACT.md pins it)
 * and its hook path, until the real relay has sources: it keeps sources in memory, checks the
 * admin token, and verifies each webhook with the secret of the source its path names
 * (`/hooks/vyora` with the environment's secret), answering 401 to a bad signature as the
 * relay does.
 */

export interface FakeSource {
  id: string;
  provider: string;
  name: string;
  webhook_secret: string;
  api_key?: string;
  base_url?: string;
}

export interface FakeHook {
  /** `default` or the source id of the path it came in on. */
  source: string;
  event: string;
  callId: string;
  status: number;
}

export interface FakeRelay {
  url: string;
  sources: FakeSource[];
  hooks: FakeHook[];
  /** Every /v1 request, as `METHOD path`. */
  requests: string[];
  waitForHooks(n: number, timeoutMs?: number): Promise<FakeHook[]>;
  close(): Promise<void>;
}

export async function startFakeRelay(options: { token: string; vyoraSecret: string; withSources?: boolean }): Promise<FakeRelay> {
  const sources: FakeSource[] = [];
  const hooks: FakeHook[] = [];
  const requests: string[] = [];
  let url = '';
  const view = (s: FakeSource): Record<string, unknown> => ({
    id: s.id,
    provider: s.provider,
    name: s.name,
    hook_url: `${url}/hooks/${s.provider}/${s.id}`,
    base_url: s.base_url ?? null,
    organization_id: null,
    has_api_key: s.api_key !== undefined,
    has_webhook_secret: true,
    managed_by: 'api',
  });
  const send = (res: http.ServerResponse, status: number, body?: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const hook = /^\/hooks\/vyora(?:\/([^/]+))?$/.exec(path);
      if (hook && req.method === 'POST') {
        const id = hook[1] ?? 'default';
        const secret = id === 'default' ? options.vyoraSecret : sources.find((s) => s.id === id)?.webhook_secret;
        if (secret === undefined) return send(res, 404, { error: { code: 'not_found', message: 'no such source' } });
        const ok = verifyWebhook('vyora', { rawBody: raw, headers: req.headers, secret }).ok;
        const body = JSON.parse(raw) as { event: string; call_id: string };
        hooks.push({ source: id, event: body.event, callId: body.call_id, status: ok ? 200 : 401 });
        return send(res, ok ? 200 : 401, ok ? { received: true } : { error: { code: 'invalid_signature', message: 'bad signature' } });
      }
      if (!path.startsWith('/v1/')) return send(res, 404, { error: { code: 'not_found', message: 'not found' } });
      requests.push(`${req.method} ${path}`);
      if (req.headers.authorization !== `Bearer ${options.token}`) return send(res, 401, { error: { code: 'unauthorized', message: 'bad token' } });
      if (options.withSources === false) return send(res, 404, { error: { code: 'not_found', message: 'Route not found' } });
      const one = /^\/v1\/sources\/([^/]+)$/.exec(path);
      if (path === '/v1/sources' && req.method === 'GET') {
        return send(res, 200, { data: [{ id: 'default', provider: 'vyora', name: 'vyora (environment)', hook_url: `${url}/hooks/vyora`, managed_by: 'environment' }, ...sources.map(view)] });
      }
      if (path === '/v1/sources' && req.method === 'POST') {
        const b = JSON.parse(raw) as Partial<FakeSource>;
        for (const field of ['provider', 'name', 'webhook_secret'] as const) {
          if (typeof b[field] !== 'string' || b[field] === '') {
            return send(res, 400, { error: { code: 'validation_error', message: `${field} is required`, details: [{ field, message: 'is required' }] } });
          }
        }
        const s: FakeSource = { id: `src_${sources.length + 1}`, provider: b.provider as string, name: b.name as string, webhook_secret: b.webhook_secret as string, ...(b.api_key ? { api_key: b.api_key } : {}), ...(b.base_url ? { base_url: b.base_url } : {}) };
        sources.push(s);
        return send(res, 201, view(s));
      }
      if (one && req.method === 'PATCH') {
        const s = sources.find((x) => x.id === one[1]);
        if (!s) return send(res, 404, { error: { code: 'not_found', message: 'no such source' } });
        Object.assign(s, JSON.parse(raw) as Partial<FakeSource>);
        return send(res, 200, view(s));
      }
      return send(res, 404, { error: { code: 'not_found', message: 'not found' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sources,
    hooks,
    requests,
    async waitForHooks(n, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      while (hooks.length < n) {
        if (Date.now() > until) throw new Error(`waited ${timeoutMs} ms for ${n} hooks, got ${hooks.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return hooks.slice();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
