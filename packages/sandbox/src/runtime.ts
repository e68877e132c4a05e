import type { HmacSignatureScheme } from '@callbridge/core';
import type { Lifecycles } from './support/lifecycle';
import type { SandboxClock, Scheduler } from './support/scheduler';
import type { WebhookDeliverer } from './webhooks/deliverer';
import type { World } from './world';

/** How long simulated work takes. */
export interface Timings {
  /** A Vyora call rings this long before it is answered (registered → in_progress); an Aila upload waits this long in the queue. */
  ringMs: number;
  /** A Vyora call lasts this long (in_progress → completed). */
  inProgressMs: number;
  /** Transcription and analysis take this long (Vyora: completed → all_processing_completed; Aila: processing → processed). */
  processingMs: number;
  /** An Ayra workflow execution runs this long. */
  workflowMs: number;
}

export const DEFAULT_TIMINGS: Timings = { ringMs: 1_000, inProgressMs: 4_000, processingMs: 2_000, workflowMs: 1_500 };

/** Where Vyora posts webhooks: the workspace's Settings → Integrations, in the sandbox one for all keys. */
export interface VyoraWebhookConfig {
  url: string;
  secret: string;
  /** The subscribed events; the others are not delivered. */
  events: string[];
}

/** The live services handlers and lifecycles use. `world` is swapped by reset(). */
export interface Runtime {
  world: World;
  clock: SandboxClock;
  scheduler: Scheduler;
  lifecycles: Lifecycles;
  deliverer: WebhookDeliverer;
  timings: Timings;
  vyoraWebhook: VyoraWebhookConfig | undefined;
  /** Overrides for Aila's assumed signature scheme. */
  ailaScheme: Partial<HmacSignatureScheme> | undefined;
  log: (line: string) => void;
}
