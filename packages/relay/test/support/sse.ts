import { TOKEN } from './harness';

/** A Server-Sent Events client for tests: reads `/v1/events/stream` with fetch, keeps every message and comment. */
export interface SseMessage {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

export interface SseClient {
  status: number;
  headers: Headers;
  messages: SseMessage[];
  comments: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Waits until `check` holds over what arrived so far. */
  until(check: (c: SseClient) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

export function parseSseBlock(block: string): SseMessage | { comment: string } | null {
  let id: string | undefined;
  let event: string | undefined;
  const data: string[] = [];
  const comments: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) comments.push(line.slice(1).trim());
    else if (line.startsWith('id: ')) id = line.slice(4);
    else if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length > 0) return { id, event, data: data.join('\n') };
  return comments.length > 0 ? { comment: comments.join('\n') } : null;
}

export async function openStream(
  url: string,
  options: { query?: string; lastEventId?: string; token?: string | null } = {},
): Promise<SseClient> {
  const abort = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const res = await fetch(`${url}/v1/events/stream${options.query ? `?${options.query}` : ''}`, { headers, signal: abort.signal });
  const client: SseClient = {
    status: res.status,
    headers: res.headers,
    messages: [],
    comments: [],
    ended: Promise.resolve(),
    async until(check, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check(client)) {
        if (Date.now() > deadline) {
          throw new Error(`stream condition not met in ${timeoutMs} ms; messages: ${client.messages.map((m) => m.id).join(', ')}; comments: ${client.comments.join(' | ')}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => abort.abort(),
  };
  if (!res.body || res.status !== 200) {
    await res.text().catch(() => '');
    return client;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  client.ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const parsed = parseSseBlock(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          if (parsed && 'comment' in parsed) client.comments.push(parsed.comment);
          else if (parsed) client.messages.push(parsed);
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return client;
}
