/**
 * A Server-Sent Events parser (the WHATWG event-stream format), fed text as it arrives.
 * The console reads `/v1/events/stream` with fetch() rather than EventSource, because
 * EventSource cannot send an Authorization header and the token must never be in a URL;
 * this is the part of EventSource that fetch() does not give.
 */
export interface SseMessage {
  /** The last event id seen on the stream (ids persist across messages, as in EventSource). */
  id: string;
  event: string;
  data: string;
}

export class SseParser {
  private buffer = '';
  /** The last chunk ended with CR: an LF opening the next one belongs to that line end. */
  private skipLf = false;
  private data: string[] = [];
  private event = '';
  private lastEventId = '';

  /** Feeds a chunk of text; returns the messages it completed. */
  push(chunk: string): SseMessage[] {
    if (this.skipLf && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.skipLf = false;
    this.buffer += chunk;
    const out: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      // A CR ending the chunk may be the first half of a CRLF cut in two.
      if (match[0] === '\r' && this.buffer === '') this.skipLf = true;
      const message = this.line(line);
      if (message) out.push(message);
    }
    return out;
  }

  private line(line: string): SseMessage | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null; // a comment: heartbeats
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    return null;
  }

  private dispatch(): SseMessage | null {
    const data = this.data;
    const event = this.event;
    this.data = [];
    this.event = '';
    if (data.length === 0) return null;
    return { id: this.lastEventId, event: event || 'message', data: data.join('\n') };
  }
}
