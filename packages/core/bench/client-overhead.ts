import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { createClient, vyora } from '../dist/index.js';
import { median, type BenchResult } from './stats.ts';

/**
 * Client overhead: requests per second through `client.call('calls.get')` (validation, URL
 * building, retry bookkeeping, error normalisation, default transport) against a bare axios
 * GET with the same keep-alive agent, both to one local server, alternating rounds.
 */
export async function benchClientOverhead(): Promise<BenchResult> {
  const payload = JSON.stringify({ call_id: 'abc123xyz', status: 'completed', duration_seconds: 47, analysis: { summary: 'ok' } });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }).end(payload);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const bare = axios.create({
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 64 }),
    validateStatus: () => true,
    responseType: 'text',
    proxy: false,
  });
  const client = createClient(vyora, { apiKey: 'bench', baseUrl: base, rateLimit: false });

  const concurrency = 16;
  const perRound = 4000;
  const run = async (one: () => Promise<unknown>): Promise<number> => {
    let left = perRound;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left-- > 0) await one();
      }),
    );
    return perRound / (Number(process.hrtime.bigint() - started) / 1e9);
  };
  const bareOne = async () => JSON.parse((await bare.get(`${base}/v1/calls/abc123xyz`, { headers: { 'x-api-key': 'bench' } })).data as string);
  const clientOne = () => client.call('calls.get', { call_id: 'abc123xyz' });

  await run(bareOne);
  await run(clientOne); // warm both paths before measuring
  const bareRates: number[] = [];
  const clientRates: number[] = [];
  for (let i = 0; i < 5; i++) {
    bareRates.push(await run(bareOne));
    clientRates.push(await run(clientOne));
  }
  await new Promise((r) => server.close(r));
  server.closeAllConnections();
  const b = median(bareRates);
  const c = median(clientRates);
  return { name: 'client throughput vs bare axios (req/s)', baseline: Math.round(b), value: Math.round(c), ratio: c / b, goal: '>= 0.9', unit: 'req/s' };
}
