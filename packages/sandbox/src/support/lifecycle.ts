import type { Scheduler, Timer } from './scheduler';

/** One move of a thing that changes on its own over time (a call ringing, then ending). */
export interface Step {
  /** The stage this step reaches, e.g. `in_progress`. */
  to: string;
  /** How long after the previous step (or the start) it happens. */
  delayMs: number;
  run: () => void;
}

interface Track {
  steps: Step[];
  next: number;
  timer: Timer | undefined;
}

/**
 * Runs each tracked thing's steps in order on timers, and lets tests skip the waiting:
 * `advance` runs the remaining steps at once, up to a stage or to the end. Forced and timed
 * steps share one cursor, so no step ever runs twice or out of order.
 */
export class Lifecycles {
  readonly #tracks = new Map<string, Track>();

  constructor(private readonly scheduler: Scheduler) {}

  start(id: string, steps: Step[]): void {
    this.#cancel(id);
    const track: Track = { steps, next: 0, timer: undefined };
    this.#tracks.set(id, track);
    this.#arm(id, track);
  }

  /** Runs steps up to and including `to` (all remaining when absent). False when nothing is pending for `id`. */
  advance(id: string, to?: string): boolean {
    const track = this.#tracks.get(id);
    if (!track) return false;
    if (to !== undefined && !track.steps.slice(track.next).some((s) => s.to === to)) return false;
    track.timer?.cancel();
    track.timer = undefined;
    while (track.next < track.steps.length) {
      const step = track.steps[track.next++] as Step;
      step.run();
      if (step.to === to) break;
    }
    if (track.next >= track.steps.length) this.#tracks.delete(id);
    else this.#arm(id, track);
    return true;
  }

  /** Runs every pending step of everything; returns how many things moved. */
  advanceAll(): number {
    const ids = [...this.#tracks.keys()];
    for (const id of ids) this.advance(id);
    return ids.length;
  }

  /** The stages still to come for `id`, in order. */
  remaining(id: string): string[] {
    const track = this.#tracks.get(id);
    return track ? track.steps.slice(track.next).map((s) => s.to) : [];
  }

  get size(): number {
    return this.#tracks.size;
  }

  cancelAll(): void {
    for (const id of [...this.#tracks.keys()]) this.#cancel(id);
  }

  #cancel(id: string): void {
    this.#tracks.get(id)?.timer?.cancel();
    this.#tracks.delete(id);
  }

  #arm(id: string, track: Track): void {
    const step = track.steps[track.next];
    if (!step) return;
    track.timer = this.scheduler.after(step.delayMs, () => {
      track.timer = undefined;
      if (this.#tracks.get(id) !== track) return;
      track.next++;
      step.run();
      if (track.next >= track.steps.length) this.#tracks.delete(id);
      else this.#arm(id, track);
    });
  }
}
