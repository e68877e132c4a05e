import { apiUrl, authHeaders, errorFrom, type RelayEvent } from './api';
import { SseParser } from './sse';

/**
 * The live tail: `GET /v1/events/stream` read with fetch() and a stream reader, the token in
 * the Authorization header. On a dropped connection it reconnects with `Last-Event-ID`, so no
 * event is missed; a relay without the stream (404) is reported once, not retried.
 */
export type TailStatus = 'connecting' | 'live' | 'reconnecting' | 'unavailable' | 'failed';

export interface TailOptions {
  token: string;
  types?: string;
  sources?: string;
  /** Resume after this event (the newest one already shown), so none arriving meanwhile is missed. */
  after?: string;
  onEvent: (event: RelayEvent) => void;
  onStatus: (status: TailStatus, detail?: string) => void;
  onUnauthorized: (message: string) => void;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Starts tailing; returns the function that stops it. */
export function startTail(options: TailOptions): () => void {
  const abort = new AbortController();
  const url = apiUrl('v1/events/stream', { types: options.types, sources: options.sources });
  let lastEventId = options.after ?? '';
  let delay = 1000;

  async function connect(): Promise<boolean> {
    const headers: Record<string, string> = { ...authHeaders(options.token), accept: 'text/event-stream' };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const res = await fetch(url, { headers, signal: abort.signal, cache: 'no-store', credentials: 'omit' });
    if (res.status === 404) {
      options.onStatus('unavailable', 'this relay has no live stream (GET /v1/events/stream answered 404)');
      return false;
    }
    if (res.status === 401) {
      options.onUnauthorized((await errorFrom(res)).message);
      return false;
    }
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      options.onStatus('failed', (await errorFrom(res)).message);
      return false;
    }
    if (!res.ok || !res.body) throw await errorFrom(res);
    options.onStatus('live');
    delay = 1000;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return true;
      for (const message of parser.push(value)) {
        if (message.id) lastEventId = message.id;
        try {
          options.onEvent(JSON.parse(message.data) as RelayEvent);
        } catch {
          // a message that is not an event body is not ours to show
        }
      }
    }
  }

  void (async () => {
    options.onStatus('connecting');
    while (!abort.signal.aborted) {
      try {
        if (!(await connect())) return;
      } catch (e) {
        if (abort.signal.aborted) return;
        options.onStatus('reconnecting', e instanceof Error ? e.message : String(e));
      }
      await sleep(delay, abort.signal);
      delay = Math.min(delay * 2, 30_000);
      if (!abort.signal.aborted) options.onStatus('reconnecting');
    }
  })();
  return () => abort.abort();
}
