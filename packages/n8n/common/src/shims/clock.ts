import { sleepWithAbort } from 'n8n-workflow';

/**
 * Stands in for core's engine/clock.ts inside the n8n bundles (the build swaps it in).
 * Core's default sleep uses setTimeout, which n8n nodes may not use; here the default
 * is n8n's own sleep, so even a client built without an injected sleep keeps n8n's rules.
 */
export interface Clock {
  now(): number;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const systemClock: Clock = { now: () => Date.now() };

export const realSleep: Sleep = (ms, signal) => sleepWithAbort(Math.max(0, ms), signal);
