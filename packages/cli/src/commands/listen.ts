import { generateWebhookSecret, signStandardWebhook, standardWebhookHeaders } from '@callbridge/core';
import { optionLine } from '../admin-fields';
import { defineCommand, expectArgs, type Context } from '../command';
import { codeOf, messageOf, UsageError } from '../errors';
import { writeLine } from '../io';
import { safeUrl } from '../providers';
import { DEFAULT_RELAY_URL, errorFromBody, shownUrl, RELAY_FLAGS, RelayClient, relayTarget, unreachable } from '../relay-client';
import { SseParser } from '../sse';
import { version } from '../version';

/**
 * `callbridge listen`: the relay's live events forwarded to a local URL, signed like real
 * deliveries, for development (as `stripe listen` does). It pulls `/v1/events/stream`, so the
 * local receiver needs no public URL and the relay no private-target switch.
 */
/** No byte at all (heartbeats included) for this long means the connection is dead, whatever TCP thinks. */
const IDLE_MS = 60_000;
const FORWARD_TIMEOUT_MS = 30_000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 15_000;
/** Comments that say nothing a person needs to read. */
const QUIET_COMMENTS = new Set(['heartbeat', 'live']);

function checkForwardUrl(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') {
    throw new UsageError('missing --forward-to URL: where to send the events, e.g. --forward-to http://127.0.0.1:3000/webhooks', { field: '--forward-to' });
  }
  if (!/^https?:\/\//i.test(raw) || !URL.canParse(raw)) throw new UsageError(`--forward-to must be an http(s) URL, got "${raw}"`, { field: '--forward-to' });
  return raw;
}

function checkSecret(secret: string): void {
  try {
    signStandardWebhook({ id: 'evt_check', timestamp: 0, body: '', secret });
  } catch (e) {
    throw new UsageError(`--secret: ${messageOf(e)}`, { field: '--secret', hints: ['A Standard Webhooks secret is whsec_ followed by base64; leave --secret out to have one made.'] });
  }
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
function clock(d = new Date()): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

function failureText(url: string, e: unknown): string {
  const cause = typeof e === 'object' && e !== null ? (e as { cause?: unknown }).cause : undefined;
  if (codeOf(e) === 'ABORT_ERR' || (e as { name?: string } | null)?.name === 'TimeoutError') return `no answer from ${safeUrl(url)} in ${FORWARD_TIMEOUT_MS / 1000} s`;
  const nested = typeof cause === 'object' && cause !== null ? (cause as { errors?: unknown[] }).errors?.[0] : undefined;
  return `could not reach ${safeUrl(url)} (${codeOf(cause) ?? codeOf(nested) ?? (cause ? messageOf(cause) : messageOf(e))})`;
}

interface ListenState {
  ctx: Context;
  client: RelayClient;
  forwardTo: string;
  secret: string;
  query: Record<string, string | undefined>;
  stop: AbortController;
  lastEventId: string | undefined;
  forwarded: number;
}

/** Posts one event to the local URL, signed, and prints its line. A receiver that is down is that event's line, not the end. */
async function forward(state: ListenState, id: string, type: string, body: string): Promise<void> {
  const headers = {
    'content-type': 'application/json',
    'user-agent': `callbridge-listen/${version()}`,
    ...standardWebhookHeaders({ id, timestamp: Math.floor(Date.now() / 1000), body, secret: state.secret }),
  };
  const started = performance.now();
  let outcome: string;
  try {
    const res = await fetch(state.forwardTo, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.any([state.stop.signal, AbortSignal.timeout(FORWARD_TIMEOUT_MS)]),
    });
    await res.arrayBuffer().catch(() => undefined);
    outcome = `${res.status}`;
  } catch (e) {
    if (state.stop.signal.aborted) return;
    outcome = `error: ${failureText(state.forwardTo, e)}`;
  }
  state.forwarded += 1;
  const ms = Math.round(performance.now() - started);
  await writeLine(state.ctx.io.stdout, `${clock()}  ${type}  ${id}  -> ${outcome} (${ms} ms)`);
}

/** `connected`: the stream was open before it was lost, so the next wait starts short again. */
type StreamEnd = { kind: 'stopped' } | { kind: 'lost'; reason: string; connected: boolean };

/** One connection: open the stream, forward every event in order, until it ends or we stop. */
async function follow(state: ListenState, first: boolean): Promise<StreamEnd> {
  const connection = new AbortController();
  const signal = AbortSignal.any([state.stop.signal, connection.signal]);
  const headers: Record<string, string> = { authorization: `Bearer ${state.client.target.token}`, accept: 'text/event-stream' };
  if (state.lastEventId !== undefined) headers['last-event-id'] = state.lastEventId;
  let res: Response;
  try {
    res = await fetch(state.client.url('/v1/events/stream', state.query), { headers, signal });
  } catch (e) {
    if (state.stop.signal.aborted) return { kind: 'stopped' };
    if (first) throw unreachable(state.client.target.url, e);
    return { kind: 'lost', reason: unreachable(state.client.target.url, e).message, connected: false };
  }
  if (res.status !== 200 || !res.body) {
    const err = errorFromBody(res.status, await res.text().catch(() => ''));
    // A relay restarting (503) or a proxy in between failing is worth waiting out; a refusal is not.
    if (!first && res.status >= 500) return { kind: 'lost', reason: err.message, connected: false };
    if (err.status === 400) {
      const hints = err.hints.map((h) => h.replace('(--types)', '(--events)'));
      throw new UsageError(err.message, { field: err.hints.some((h) => h.includes('(--sources)')) ? '--sources' : '--events', hints });
    }
    throw err;
  }
  if (first) await writeLine(state.ctx.io.stderr, `Connected to ${shownUrl(state.client.target.url)}; waiting for events (Ctrl-C to quit).`);
  else await writeLine(state.ctx.io.stderr, `Reconnected${state.lastEventId ? `, resuming after ${state.lastEventId}` : ''}.`);

  const parser = new SseParser();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let idle = setTimeout(() => connection.abort(), IDLE_MS);
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (e) {
        if (state.stop.signal.aborted) return { kind: 'stopped' };
        return { kind: 'lost', reason: connection.signal.aborted ? `nothing from the relay for ${IDLE_MS / 1000} s` : messageOf(e), connected: true };
      }
      if (chunk.done) return state.stop.signal.aborted ? { kind: 'stopped' } : { kind: 'lost', reason: 'the relay closed the stream', connected: true };
      clearTimeout(idle);
      idle = setTimeout(() => connection.abort(), IDLE_MS);
      for (const item of parser.push(chunk.value)) {
        if (item.kind === 'comment') {
          if (!QUIET_COMMENTS.has(item.text)) await writeLine(state.ctx.io.stderr, `relay: ${item.text}`);
          continue;
        }
        if (item.id === undefined) continue;
        state.lastEventId = item.id;
        await forward(state, item.id, item.event, item.data);
        if (state.stop.signal.aborted) return { kind: 'stopped' };
      }
    }
  } finally {
    clearTimeout(idle);
    await reader.cancel().catch(() => undefined);
  }
}

export const listen = defineCommand({
  name: 'listen',
  usage: '--forward-to URL [--events a,b] [--sources s] [--secret whsec_…] [--relay URL] [--token T]',
  summary: "forward the relay's live events to a local URL, signed",
  flags: {
    ...RELAY_FLAGS,
    'forward-to': { type: 'string' },
    events: { type: 'string' },
    sources: { type: 'string' },
    secret: { type: 'string' },
  },
  help: `For local development, as \`stripe listen\` is: follows the relay's live event stream and
POSTs each event to your local URL, signed with Standard Webhooks headers like a real delivery.
Your receiver needs no public URL. It prints a signing secret to verify with, then one line per
event: time, type, id, your receiver's status and how long it took. A receiver that is down
shows the error on that event's line; a dropped connection to the relay is resumed where it
left off (Last-Event-ID). Ctrl-C stops it.

Options:
${optionLine('--forward-to URL', 'where to POST each event, e.g. http://127.0.0.1:3000/webhooks')}
${optionLine('--events a,b', 'only these types: vyora.call_completed, vyora.* (default: all)')}
${optionLine('--sources s', 'only these sources’ events, e.g. default,src_8Jd2… (default: all)')}
${optionLine('--secret whsec_…', 'sign with this secret instead of a new one each run')}
${optionLine('--relay URL', `the relay (RELAY_URL, default ${DEFAULT_RELAY_URL})`)}
${optionLine('--token T', 'an admin or scoped token (RELAY_API_TOKEN); never printed')}

Examples:
  callbridge listen --forward-to http://127.0.0.1:3000/webhooks
  callbridge listen --relay https://relay.example.com --token "$RELAY_API_TOKEN" \\
    --forward-to http://127.0.0.1:5678/webhook-test/calls --events vyora.call_completed`,
  async run({ args, flags }, ctx) {
    expectArgs('listen', args, []);
    const forwardTo = checkForwardUrl(flags['forward-to']);
    const given = flags.secret?.trim();
    if (given) checkSecret(given);
    const secret = given || generateWebhookSecret();
    const client = new RelayClient(relayTarget(ctx, flags));
    const state: ListenState = {
      ctx,
      client,
      forwardTo,
      secret,
      query: { types: flags.events, sources: flags.sources },
      stop: new AbortController(),
      lastEventId: undefined,
      forwarded: 0,
    };
    const stopped = ctx.untilStopped().then((reason) => {
      state.stop.abort();
      return reason;
    });
    await writeLine(
      ctx.io.stdout,
      given
        ? `Forwarding to ${forwardTo}, signed with the secret from --secret.`
        : `Forwarding to ${forwardTo}. Your webhook signing secret is ${secret} (made for this run; pass --secret to keep one).`,
    );
    let first = true;
    let wait = RECONNECT_MIN_MS;
    for (;;) {
      const end = await follow(state, first);
      if (end.kind === 'stopped') break;
      first = false;
      wait = end.connected ? RECONNECT_MIN_MS : Math.min(wait * 2, RECONNECT_MAX_MS);
      await writeLine(ctx.io.stderr, `Lost the relay (${end.reason}); reconnecting in ${(wait / 1000).toFixed(1)} s.`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((r) => (timer = setTimeout(r, wait))), stopped]);
      clearTimeout(timer);
      if (state.stop.signal.aborted) break;
    }
    const reason = await stopped;
    await writeLine(ctx.io.stderr, `listen: ${reason}, stopped after ${state.forwarded} event${state.forwarded === 1 ? '' : 's'}.`);
    return 0;
  },
});
