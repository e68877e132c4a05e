import type { ConfigChange, Page, RelayStorage } from './types';

/** Every item of a paged listing, page after page. */
export async function readAll<T>(list: (limit: number, cursor?: string) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(500, cursor);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * Configuration kept in memory beside storage (scoped tokens, sources), loaded at start and
 * again whenever storage says that kind of configuration changed, here or on another
 * replica. Concurrent reloads share one read, and a change announced during a read causes
 * one more, so the cache never settles on a state older than the last change.
 */
export class ConfigCache {
  readonly #storage: RelayStorage;
  readonly #change: ConfigChange;
  readonly #load: () => Promise<void>;
  #loading: Promise<void> | undefined;
  #stale = false;
  #unsubscribe: (() => void) | undefined;

  constructor(storage: RelayStorage, change: ConfigChange, load: () => Promise<void>) {
    this.#storage = storage;
    this.#change = change;
    this.#load = load;
  }

  async start(): Promise<void> {
    this.#unsubscribe = this.#storage.onConfigChange((change) => {
      if (change === this.#change) void this.reload().catch(() => undefined);
    });
    await this.reload();
  }

  reload(): Promise<void> {
    if (this.#loading) {
      this.#stale = true;
      return this.#loading;
    }
    this.#loading = (async () => {
      do {
        this.#stale = false;
        await this.#load();
      } while (this.#stale);
    })().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  close(): void {
    this.#unsubscribe?.();
  }
}
