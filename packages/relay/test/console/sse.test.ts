import { SseParser, type SseMessage } from '../../console/src/sse';

/**
 * The console's Server-Sent Events parser, which it needs because it reads the stream with
 * fetch() (EventSource cannot send the Authorization header). Chunks arrive cut anywhere.
 */
const STREAM = [
  ': heartbeat',
  '',
  'id: evt_1',
  'event: vyora.call_completed',
  'data: {"id":"evt_1","type":"vyora.call_completed"}',
  '',
  ': heartbeat',
  '',
  'id:evt_2',
  'event:aila.call.completed',
  'data:{"id":"evt_2",',
  'data: "type":"aila.call.completed"}',
  '',
  '',
].join('\n');

const EXPECTED: SseMessage[] = [
  { id: 'evt_1', event: 'vyora.call_completed', data: '{"id":"evt_1","type":"vyora.call_completed"}' },
  { id: 'evt_2', event: 'aila.call.completed', data: '{"id":"evt_2",\n"type":"aila.call.completed"}' },
];

function feed(chunks: string[]): SseMessage[] {
  const parser = new SseParser();
  return chunks.flatMap((c) => parser.push(c));
}

test('parses messages, skips heartbeat comments, joins multi-line data', () => {
  expect(feed([STREAM])).toEqual(EXPECTED);
});

test('gives the same messages however the text is cut into chunks', () => {
  for (let size = 1; size <= 17; size += 1) {
    const chunks: string[] = [];
    for (let i = 0; i < STREAM.length; i += size) chunks.push(STREAM.slice(i, i + size));
    expect(feed(chunks)).toEqual(EXPECTED);
  }
});

test('accepts CRLF and CR line ends, including a CRLF split across chunks', () => {
  const crlf = STREAM.replace(/\n/g, '\r\n');
  expect(feed([crlf])).toEqual(EXPECTED);
  const cut = crlf.indexOf('\r\n', 20) + 1; // between CR and LF
  expect(feed([crlf.slice(0, cut), crlf.slice(cut)])).toEqual(EXPECTED);
  expect(feed([STREAM.replace(/\n/g, '\r')])).toEqual(EXPECTED);
});

test('a message is dispatched only at its blank line, and one without data is not dispatched', () => {
  const parser = new SseParser();
  expect(parser.push('id: evt_9\nevent: x\ndata: {}\n')).toEqual([]);
  expect(parser.push('\n')).toEqual([{ id: 'evt_9', event: 'x', data: '{}' }]);
  expect(parser.push('event: y\n\n')).toEqual([]);
});

test('the last event id persists to later messages (what a reconnect resumes from)', () => {
  expect(feed(['id: evt_5\ndata: a\n\ndata: b\n\n'])).toEqual([
    { id: 'evt_5', event: 'message', data: 'a' },
    { id: 'evt_5', event: 'message', data: 'b' },
  ]);
});
