/**
 * Verifications per second of verifyWebhook('vyora', …) against the bare reference check
 * from Vyora's document (HMAC-SHA256 → hex → string compare), in the same process, on a
 * realistic ~1.5 KB body. The ratio of the medians is what the goal is set on: the safe
 * path (header lookup, decoding, constant-time compare) should cost at most a fifth more.
 *
 * Called by bench/run.js; also runnable alone:
 *   npm run build && node packages/core/bench/webhook-verify.ts
 */
import { createHmac } from 'node:crypto';
import { verifyWebhook } from '@callbridge/core';

export interface BenchResult {
  name: string;
  baseline: number;
  value: number;
  ratio: number;
  goal: string;
}

const ROUNDS = 7;
const ROUND_MS = 150;

function realisticBody(): Buffer {
  const turns = [
    { bot: "Hi Rahul, I'm calling from Home Loans about the inquiry you made on our website yesterday." },
    { user: 'Yes, I was interested in learning more about the interest rates and the EMI options.' },
    { bot: 'Of course. For a loan of fifty lakh over twenty years, the EMI starts at about forty-three thousand.' },
    { user: 'That sounds reasonable. Can I prepay part of it without a penalty after a couple of years?' },
    { bot: 'Yes, part prepayment is free on floating-rate loans. Shall I book a call with an advisor?' },
    { user: 'Please do, tomorrow afternoon works for me.' },
    { bot: 'Done: an advisor will call you tomorrow at three. Is there anything else I can help you with today?' },
    { user: 'No, that is all. Thank you so much.' },
  ];
  const payload = {
    event: 'call_completed',
    call_id: 'c_7f3a9e21b4d84c0f9a6e5d3c2b1a0f9e',
    phone_number: '+919876543210',
    contact_name: 'Rahul Sharma',
    agent_id: 'agt_5b2c8d1e-3f4a-4b6c-9d8e-7f6a5b4c3d2e',
    agent_name: 'Home Loan Agent',
    status: 'completed',
    direction: 'outbound',
    duration_seconds: 147,
    recording_url: 'https://cdn.vyora.ai/recordings/c_7f3a9e21b4d84c0f9a6e5d3c2b1a0f9e.mp3',
    transcript: turns,
    analysis: {
      summary: 'Lead expressed strong interest, asked about EMI options and prepayment; advisor call booked for tomorrow afternoon.',
      classification: 'Interested',
    },
    campaign_id: 'campaign_456',
    custom_args: { name: 'Rahul Sharma', product: 'Home Loan', source: 'website', city: 'Pune' },
    called_at: '2026-05-24T10:30:00Z',
    timestamp: '2026-05-24T10:32:35Z',
  };
  return Buffer.from(JSON.stringify(payload));
}

/** Runs `fn` in batches until `ms` have passed; returns calls per second. */
function opsPerSecond(fn: () => boolean, ms: number): number {
  const batch = 256;
  let calls = 0;
  let passed = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  const limit = BigInt(ms) * 1_000_000n;
  while (elapsed < limit) {
    for (let i = 0; i < batch; i++) if (fn()) passed++;
    calls += batch;
    elapsed = process.hrtime.bigint() - start;
  }
  // Every call must verify, or the figure measures a failure path.
  if (passed !== calls) throw new Error(`bench: ${calls - passed} of ${calls} verifications failed`);
  return calls / (Number(elapsed) / 1e9);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function benchWebhookVerify(): Promise<BenchResult> {
  const secret = 'bench_webhook_secret_' + 'x'.repeat(16);
  const body = realisticBody();
  const signature = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
  const headers = {
    host: 'relay.example.com',
    'content-type': 'application/json',
    'content-length': String(body.length),
    'user-agent': 'Vyora-Webhooks/1.0',
    'x-vyora-event': 'call_completed',
    'x-vyora-signature': signature,
  };

  const bare = (): boolean => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex') === signature;
  const ours = (): boolean => verifyWebhook('vyora', { rawBody: body, headers, secret }).ok;

  // Warm both paths up so the JIT has settled before anything is timed.
  opsPerSecond(bare, 50);
  opsPerSecond(ours, 50);

  const base: number[] = [];
  const mine: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so neither side always runs on a warmer or cooler machine.
    let b: number;
    let o: number;
    if (round % 2 === 0) {
      b = opsPerSecond(bare, ROUND_MS);
      o = opsPerSecond(ours, ROUND_MS);
    } else {
      o = opsPerSecond(ours, ROUND_MS);
      b = opsPerSecond(bare, ROUND_MS);
    }
    base.push(b);
    mine.push(o);
    ratios.push(o / b);
    // Let pending I/O of the caller run between rounds.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    name: `webhook verify: verifyWebhook('vyora') vs bare HMAC+compare, ${body.length} B body, verifications/s`,
    baseline: Math.round(median(base)),
    value: Math.round(median(mine)),
    ratio: Math.round(median(ratios) * 1000) / 1000,
    goal: 'ratio >= 0.8',
  };
}

if (process.argv[1]?.endsWith('webhook-verify.ts')) {
  benchWebhookVerify().then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
