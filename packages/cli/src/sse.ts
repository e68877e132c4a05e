/**
 * An incremental Server-Sent Events parser (the WHATWG event-stream format): text in, as it
 * arrives in arbitrary pieces, events and comments out. `listen` also wants the comments,
 * where the relay says why it ended a stream, which EventSource implementations drop.
 */
export type SseItem = { kind: 'event'; id: string | undefined; event: string; data: string } | { kind: 'comment'; text: string };

export class SseParser {
  #buffer = '';
  #afterCr = false;
  #data: string[] = [];
  #event = '';
  #id: string | undefined;
  #lastEventId: string | undefined;

  /** The id of the last event dispatched, carried over to events that set none: what Last-Event-ID resumes from. */
  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  push(chunk: string): SseItem[] {
    // A CR ended the last piece: a LF starting this one is the second half of that CRLF.
    if (this.#afterCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.#afterCr = false;
    this.#buffer += chunk;
    const out: SseItem[] = [];
    let start = 0;
    for (let i = 0; i < this.#buffer.length; i++) {
      const c = this.#buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      this.#line(this.#buffer.slice(start, i), out);
      if (c === '\r') {
        if (i === this.#buffer.length - 1) this.#afterCr = true;
        else if (this.#buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.#buffer = this.#buffer.slice(start);
    return out;
  }

  #line(line: string, out: SseItem[]): void {
    if (line === '') {
      this.#dispatch(out);
      return;
    }
    if (line.startsWith(':')) {
      out.push({ kind: 'comment', text: line.slice(1).trim() });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
  }

  #dispatch(out: SseItem[]): void {
    if (this.#id !== undefined) this.#lastEventId = this.#id;
    if (this.#data.length > 0) {
      out.push({ kind: 'event', id: this.#lastEventId, event: this.#event || 'message', data: this.#data.join('\n') });
    }
    this.#data = [];
    this.#event = '';
    this.#id = undefined;
  }
}
