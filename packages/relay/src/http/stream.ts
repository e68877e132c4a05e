import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Logger } from 'pino';
import { deliveryBody } from '../delivery/payload';
import type { EventBus } from '../ingest/event-bus';
import type { EventStreamFilter, RelayStorage, StoredEvent } from '../storage/types';
import type { AppDeps } from './app';
import { INVALID, optionalText, SOURCE_ID } from './schemas/common';
import { scopeOf } from './scope';
import { invalid } from './validate';
import { eventPatternProblem } from './subscriptions';

/**
 * `GET /v1/events/stream`: new events as Server-Sent Events, for the console's live tail and
 * `callbridge listen`. Each message is `id:` the event id, `event:` its type and `data:` the
 * delivery body a subscription would receive. A client that comes back with `Last-Event-ID`
 * first gets what it missed (up to MAX_REPLAY, read from storage), then the live events,
 * with none lost or sent twice across the switch: live events that arrive while the missed
 * ones are read are held, and those the read already returned are skipped.
 */
export const MAX_REPLAY = 1000;
/**
 * What one client may have waiting in the relay's memory. A client that reads more slowly
 * than events arrive reaches it and is disconnected; it resumes from storage with its
 * Last-Event-ID, so memory stays bounded and the client loses nothing it cannot get back.
 */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Lets a final comment reach a slow client before its socket is dropped anyway. */
const DROP_GRACE_MS = 1000;

const EVENT_ID = /^[\x21-\x7e]{1,200}$/;
const MAX_LIST = 100;

/** The query's shape; each entry of `types` and `sources` is checked by parseStreamQuery, which names it. */
const StreamQuery = z.object({
  types: optionalText(4000, 'Comma-separated event types: `*`, `vyora.*`, `vyora.call_completed`; default all.'),
  sources: optionalText(4000, 'Comma-separated source ids (`default`, `src_…`); default all a token may see.'),
  last_event_id: optionalText(200, 'Resume after this event, for clients that cannot send the Last-Event-ID header.'),
});

const STREAM_DESCRIPTION = `Server-Sent Events. Each message: \`id:\` the event id, \`event:\` its type, \`data:\` the body a subscription receives. A \`: heartbeat\` comment every RELAY_STREAM_HEARTBEAT (15 s), \`: live\` once the events missed since \`Last-Event-ID\` (at most ${MAX_REPLAY}) have been sent. A client too slow to keep up is disconnected with a comment saying so; it resumes with \`Last-Event-ID\`.`;

function matches(filter: EventStreamFilter, event: StoredEvent): boolean {
  // A subscription test's event goes to that subscription alone, never to a stream.
  if (event.test) return false;
  if (filter.sources && !filter.sources.includes(event.source)) return false;
  if (filter.types === undefined && filter.providers === undefined) return true;
  return (filter.types?.includes(event.type) ?? false) || (filter.providers?.includes(event.provider) ?? false);
}

/** Ids and types go on lines of their own; nothing a provider sent may start another field. */
const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ');

export function sseMessage(event: StoredEvent): string {
  // The body is JSON: a line break can only be whitespace, so it is safe to split on.
  const data = deliveryBody(event)
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}`)
    .join('\n');
  return `id: ${oneLine(event.id)}\nevent: ${oneLine(event.type)}\n${data}\n\n`;
}

function list(raw: unknown, field: string): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw invalid([{ field, message: 'must be given once, as a comma-separated list' }]);
  const items = [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
  if (items.length > MAX_LIST) throw invalid([{ field, message: `must name at most ${MAX_LIST} entries` }]);
  return items;
}

/** The stream's filter from `?types=a,b&sources=s`: types accept `*` and `<provider>.*`. */
export function parseStreamQuery(query: Record<string, unknown>): EventStreamFilter {
  const filter: EventStreamFilter = {};
  const types = list(query['types'], 'types');
  if (types && !types.includes('*')) {
    const exact: string[] = [];
    const providers: string[] = [];
    types.forEach((t, i) => {
      const problem = eventPatternProblem(t);
      if (problem) throw invalid([{ field: `types.${i}`, message: problem }]);
      if (t.endsWith('.*')) providers.push(t.slice(0, -2));
      else exact.push(t);
    });
    if (exact.length) filter.types = exact;
    if (providers.length) filter.providers = providers;
  }
  const sources = list(query['sources'], 'sources');
  if (sources) {
    const bad = sources.findIndex((s) => !SOURCE_ID.test(s));
    if (bad >= 0) throw invalid([{ field: `sources.${bad}`, message: 'must be "default" or a source id (src_…)' }]);
    filter.sources = sources;
  }
  return filter;
}

/**
 * A stream limited to what a token may see: a scoped token's sources (null for the admin). A
 * source it names that the token lacks matches nothing, as `?source=` of another source gives
 * an empty list elsewhere in /v1, rather than revealing whether that source exists.
 */
export function scopeStreamFilter(filter: EventStreamFilter, scope: readonly string[] | null): EventStreamFilter {
  if (scope === null) return filter;
  const sources = filter.sources ? filter.sources.filter((s) => scope.includes(s)) : [...scope];
  return { ...filter, sources };
}

interface ConnectionDeps {
  storage: RelayStorage;
  bus: EventBus;
  heartbeatMs: number;
  log: Logger;
  maxBufferedBytes: number;
  maxReplay: number;
}

/** One client's stream: replay, then live, with a heartbeat, until either side ends it. */
class StreamConnection {
  readonly #res: ServerResponse;
  readonly #filter: EventStreamFilter;
  readonly #deps: ConnectionDeps;
  readonly #onEnd: () => void;
  #unsubscribe: () => void = () => undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  /** Live events that arrived while missed ones were being read; null once live. */
  #held: StoredEvent[] | null = [];
  #heldBytes = 0;
  #sent = 0;
  #closed = false;

  constructor(res: ServerResponse, filter: EventStreamFilter, deps: ConnectionDeps, onEnd: () => void) {
    this.#res = res;
    this.#filter = filter;
    this.#deps = deps;
    this.#onEnd = onEnd;
  }

  async start(lastEventId: string | undefined): Promise<void> {
    this.#res.on('close', () => this.#cleanup('client closed'));
    // Listening before reading what was missed: an event committed in between is in one or both, never in neither.
    const stopLive = this.#deps.bus.subscribe((events) => this.#onLive(events));
    // Events this replica could not hear of are in storage: the client's resume gets them.
    const stopMissed = this.#deps.bus.onMissed(() =>
      this.end('this relay may have missed events from another replica; reconnect with Last-Event-ID to resume'),
    );
    this.#unsubscribe = () => {
      stopLive();
      stopMissed();
    };
    this.#heartbeat = setInterval(() => this.#write(': heartbeat\n\n'), this.#deps.heartbeatMs);
    this.#heartbeat.unref();
    let replayed: Set<string> | undefined;
    if (lastEventId !== undefined) {
      let after;
      try {
        after = await this.#deps.storage.listEventsAfter(lastEventId, this.#deps.maxReplay, this.#filter);
      } catch (e) {
        this.#deps.log.error({ err: e }, 'stream: could not read the missed events');
        this.end('the relay could not read the events you missed; reconnect with Last-Event-ID to try again');
        return;
      }
      if (this.#closed) return;
      if (after === null) {
        this.#write(`: no event ${oneLine(lastEventId)} is stored (never, or deleted by retention): new events only\n\n`);
      } else {
        if (after.more)
          this.#write(
            `: more than ${this.#deps.maxReplay} events were missed; the oldest are not replayed (GET /v1/events lists them)\n\n`,
          );
        replayed = new Set();
        for (const event of after.events) {
          replayed.add(event.id);
          this.#send(event);
        }
      }
    }
    const held = this.#held ?? [];
    this.#held = null;
    for (const event of held) if (!replayed?.has(event.id)) this.#send(event);
    // Tells a client (and a test) that every event from now on arrives as it happens.
    this.#write(': live\n\n');
  }

  #onLive(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (this.#closed || !matches(this.#filter, event)) continue;
      if (this.#held) {
        this.#held.push(event);
        this.#heldBytes += event.data.length + 200;
        if (this.#heldBytes > this.#deps.maxBufferedBytes) this.#drop();
      } else {
        this.#send(event);
      }
    }
  }

  #send(event: StoredEvent): void {
    this.#sent += 1;
    this.#write(sseMessage(event));
  }

  #write(chunk: string): void {
    if (this.#closed) return;
    this.#res.write(chunk);
    if (this.#res.writableLength > this.#deps.maxBufferedBytes) this.#drop();
  }

  /** The client cannot keep up: it goes, and comes back from storage with its Last-Event-ID. */
  #drop(): void {
    if (this.#closed) return;
    this.#deps.log.warn({ sent: this.#sent, bufferedBytes: this.#res.writableLength }, 'stream: client too slow, disconnected');
    this.end('this client reads more slowly than events arrive; reconnect with Last-Event-ID to resume');
    const socket = this.#res.socket;
    setTimeout(() => socket?.destroy(), DROP_GRACE_MS).unref();
  }

  /** Ends the stream with a last comment saying why. */
  end(reason: string): void {
    if (this.#closed) return;
    this.#res.end(`: ${reason}\n\n`);
    this.#cleanup(reason);
  }

  #cleanup(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    clearInterval(this.#heartbeat);
    this.#held = null;
    this.#deps.log.info({ sent: this.#sent, reason }, 'stream closed');
    this.#onEnd();
  }
}

export interface StreamDeps extends Pick<AppDeps, 'storage' | 'bus' | 'config'> {
  /** For tests: the per-client memory bound (default MAX_BUFFERED_BYTES) and the replay cap (default MAX_REPLAY). */
  maxBufferedBytes?: number;
  maxReplay?: number;
}

export function registerStreamRoute(v1: FastifyInstance, deps: StreamDeps): void {
  const open = new Set<StreamConnection>();
  // Streams never end by themselves: without this, closing the server would wait for every client.
  v1.addHook('preClose', async () => {
    for (const c of [...open]) c.end('the relay is shutting down; reconnect with Last-Event-ID to resume');
  });

  v1.withTypeProvider<ZodTypeProvider>().get(
    '/events/stream',
    {
      schema: {
        tags: ['events'],
        summary: 'Follow new events live (Server-Sent Events); resume with Last-Event-ID',
        querystring: StreamQuery,
        response: { 200: { description: STREAM_DESCRIPTION, content: { 'text/event-stream': { schema: z.string() } } }, 400: INVALID },
      },
    },
    async (req, reply) => {
      const query: Record<string, unknown> = req.query;
      // A scoped token streams its own sources' events only.
      const filter = scopeStreamFilter(parseStreamQuery(query), scopeOf(req));
      const header = req.headers['last-event-id'];
      const fromQuery = query['last_event_id'];
      const lastEventId =
        typeof header === 'string' && header !== '' ? header : typeof fromQuery === 'string' && fromQuery !== '' ? fromQuery : undefined;
      if (lastEventId !== undefined && !EVENT_ID.test(lastEventId)) {
        throw invalid([
          {
            field: typeof header === 'string' && header !== '' ? 'Last-Event-ID' : 'last_event_id',
            message: 'must be an event id such as evt_…',
          },
        ]);
      }
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // Proxies such as nginx would otherwise hold events back in their buffers.
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      const log = req.log.child({ stream: true }) as Logger;
      log.info({ filter, resume: lastEventId !== undefined }, 'stream opened');
      const connection = new StreamConnection(
        res,
        filter,
        {
          storage: deps.storage,
          bus: deps.bus,
          heartbeatMs: deps.config.streamHeartbeatMs,
          log,
          maxBufferedBytes: deps.maxBufferedBytes ?? MAX_BUFFERED_BYTES,
          maxReplay: deps.maxReplay ?? MAX_REPLAY,
        },
        () => open.delete(connection),
      );
      open.add(connection);
      await connection.start(lastEventId);
    },
  );
}
