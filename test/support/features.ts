/**
 * Which relay routes this checkout has, probed once per run by global-setup.ts against a
 * real relay, and read by each journey as it is collected: a journey whose parts are missing
 * is skipped by name, saying which route is missing and what the relay answered, never
 * passed in silence.
 */

export const FEATURES = {
  filter: 'subscription filters (POST /v1/subscriptions {filter})',
  testDelivery: 'test deliveries (POST /v1/subscriptions/<id>/test)',
  sources: 'sources (POST /v1/sources and POST /hooks/vyora/<source_id>)',
  tokens: 'scoped tokens (POST /v1/tokens)',
} as const;

export type Feature = keyof typeof FEATURES;

/** null: present; a string: why it is missing. */
export type Probe = Record<Feature, string | null>;

export const PROBE_ENV = 'CALLBRIDGE_E2E_PROBE';

export function probed(): Probe {
  const raw = process.env[PROBE_ENV];
  if (!raw) throw new Error(`${PROBE_ENV} is not set: run the journeys with their own config (npm run test:e2e), whose global setup probes the relay`);
  return JSON.parse(raw) as Probe;
}

/** Why a journey needing `needs` cannot run, or null when it can. */
export function missing(needs: readonly Feature[]): string | null {
  const p = probed();
  const gaps = needs.filter((f) => p[f] !== null).map((f) => `${FEATURES[f]}: ${p[f] ?? ''}`);
  return gaps.length === 0 ? null : gaps.join('; ');
}

/** `describe`, or `describe.skip` under a title that says why, and a printed line saying the same. */
export function describeIf(needs: readonly Feature[], title: string, fn: () => void): void {
  const why = missing(needs);
  if (why === null) {
    describe(title, fn);
    return;
  }
  process.stdout.write(`[skipped] ${title}: this checkout lacks ${why}\n`);
  describe.skip(`${title} (skipped: this checkout lacks ${why})`, fn);
}
