// The core benchmarks, each reported against a baseline measured in the same run.
// Run with `npm run bench` (root or packages/core) after a build; Node 24 runs this
// TypeScript directly by stripping its types.
import { existsSync } from 'node:fs';
import { benchClientOverhead } from './client-overhead.ts';
import { benchListRequests } from './list-requests.ts';
import { report, type BenchResult } from './stats.ts';

async function main(): Promise<void> {
  const results: BenchResult[] = [];
  results.push(...(await benchListRequests()));
  if (existsSync(new URL('./webhook-verify.ts', import.meta.url))) {
    const { benchWebhookVerify } = (await import('./webhook-verify.ts')) as { benchWebhookVerify: () => Promise<BenchResult> };
    results.push(await benchWebhookVerify());
  }
  results.push(await benchClientOverhead());
  console.log('@callbridge/core benchmarks');
  for (const r of results) console.log(report(r));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
