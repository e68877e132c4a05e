import { SseParser, type SseItem } from '../src/sse';

/** The event-stream format as listen reads it, fed in awkward pieces. */
function parseAll(pieces: string[]): { items: SseItem[]; parser: SseParser } {
  const parser = new SseParser();
  const items = pieces.flatMap((p) => parser.push(p));
  return { items, parser };
}

describe('SseParser', () => {
  test('reads events and comments, whatever the pieces and line endings', () => {
    const text = ': live\r\n\r\nid: evt_1\r\nevent: vyora.call_completed\r\ndata: {"a":1}\r\n\r\n: heartbeat\n\nid: evt_2\revent: x\rdata: one\rdata: two\r\r';
    const expected: SseItem[] = [
      { kind: 'comment', text: 'live' },
      { kind: 'event', id: 'evt_1', event: 'vyora.call_completed', data: '{"a":1}' },
      { kind: 'comment', text: 'heartbeat' },
      { kind: 'event', id: 'evt_2', event: 'x', data: 'one\ntwo' },
    ];
    expect(parseAll([text]).items).toEqual(expected);
    // One character at a time: a CR at the end of a piece may be half of a CRLF.
    expect(parseAll([...text]).items).toEqual(expected);
  });

  test('an event without an id keeps the last one; a block without data dispatches nothing; no space after the colon is fine', () => {
    const { items, parser } = parseAll(['id:evt_9\n\n', 'data:x\n\n', 'event: y\n\n']);
    expect(items).toEqual([{ kind: 'event', id: 'evt_9', event: 'message', data: 'x' }]);
    expect(parser.lastEventId).toBe('evt_9');
  });

  test('holds an unfinished event until its blank line', () => {
    const parser = new SseParser();
    expect(parser.push('id: evt_1\ndata: {"a"')).toEqual([]);
    expect(parser.push(':1}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ kind: 'event', id: 'evt_1', event: 'message', data: '{"a":1}' }]);
  });
});
