import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, getProvider } from '../dist/index.js';
import type { BenchResult } from './stats.ts';

/**
 * Requests used to list 1,000 items from a local server that pages as each provider documents.
 * The baseline is the fewest possible: ceil(1000 / 100).
 */
export async function benchListRequests(): Promise<BenchResult[]> {
  const total = 1000;
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    const items = (from: number, n: number) => Array.from({ length: Math.max(0, Math.min(n, total - from)) }, (_, i) => ({ id: `a${from + i}` }));
    let body: unknown;
    if (q.has('page')) {
      const page = Number(q.get('page'));
      const per = Math.min(100, Number(q.get('per_page') ?? 25));
      body = { data: items((page - 1) * per, per), meta: { total, page, per_page: per, total_pages: Math.ceil(total / per) } };
    } else {
      const offset = Number(q.get('offset') ?? 0);
      const limit = Math.min(100, Number(q.get('limit') ?? 50));
      const data = items(offset, limit);
      body = url.pathname.includes('/agents') && !url.pathname.startsWith('/aila')
        ? { agents: data, total, limit, offset }
        : { success: true, data, meta: { limit, total } };
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cases: Array<[string, string]> = [
    ['ayra', 'agents.list'],
    ['vyora', 'agents.list'],
    ['aila', 'calls.list'],
  ];
  const out: BenchResult[] = [];
  try {
    for (const [provider, op] of cases) {
      let spec;
      try {
        spec = getProvider(provider);
      } catch {
        continue; // a provider not described yet
      }
      const client = createClient(spec, { apiKey: 'bench', baseUrl: `${base}/${provider}`, rateLimit: false });
      requests = 0;
      let n = 0;
      for await (const _ of client.list(op, {})) n++;
      if (n !== total) throw new Error(`${provider} ${op}: listed ${n} of ${total}`);
      const ideal = Math.ceil(total / 100);
      out.push({ name: `requests to list 1,000 (${provider} ${op})`, baseline: ideal, value: requests, ratio: ideal / requests, goal: '= 10 requests (ratio 1)', unit: 'req' });
    }
  } finally {
    await new Promise((r) => server.close(r));
  }
  return out;
}
