import type { HmacSignatureScheme } from '@callbridge/core';
import type { AilaOrganizations } from './providers/aila/organizations';
import type { VyoraWorkspaces } from './providers/vyora/workspaces';
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

/** The live services handlers and lifecycles use. `world` is swapped by reset(). */
export interface Runtime {
  world: World;
  clock: SandboxClock;
  scheduler: Scheduler;
  lifecycles: Lifecycles;
  deliverer: WebhookDeliverer;
  timings: Timings;
  /** Vyora's workspaces: keys, webhook URLs and secrets (configuration, kept across reset). */
  vyora: VyoraWorkspaces;
  /** Aila's organizations and their keys (configuration, kept across reset). */
  aila: AilaOrganizations;
  /** Overrides for Aila's assumed signature scheme. */
  ailaScheme: Partial<HmacSignatureScheme> | undefined;
  log: (line: string) => void;
}
