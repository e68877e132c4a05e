import type { StoredEvent } from '../storage/types';

export type EventBusListener = (events: readonly StoredEvent[]) => void;

/**
 * New events, in this process, as soon as they are durable: each ingest batch's new events
 * (duplicates are not new) and, on PostgreSQL, those other replicas announce. Live streams
 * listen here; nothing is kept, so a listener that is not there misses nothing it could not
 * read back from storage.
 */
export class EventBus {
  readonly #listeners = new Set<EventBusListener>();
  readonly #missedListeners = new Set<() => void>();
  readonly #onError: (e: unknown) => void;

  /** `onError` hears what a listener threw; the other listeners, and the ingest that published, carry on. */
  constructor(onError: (e: unknown) => void = () => undefined) {
    this.#onError = onError;
  }

  subscribe(listener: EventBusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Hears that events may have gone by unpublished (another replica's, while its announcements were lost). */
  onMissed(listener: () => void): () => void {
    this.#missedListeners.add(listener);
    return () => this.#missedListeners.delete(listener);
  }

  /** Some events may not have been published: live listeners should catch up from storage. */
  missed(): void {
    for (const listener of this.#missedListeners) {
      try {
        listener();
      } catch (e) {
        this.#onError(e);
      }
    }
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  publish(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.#listeners) {
      // Publishing runs after a commit, before the providers are answered: a broken stream must not fail their webhooks.
      try {
        listener(events);
      } catch (e) {
        this.#onError(e);
      }
    }
  }
}
