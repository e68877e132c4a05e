import type { IncomingMessage, ServerResponse } from 'node:http';
import { isProviderId, providers, type Clock, type ProviderSpec } from '@callbridge/core';
import type { Logger } from 'pino';
import type { SourceRegistry } from '../sources/registry';
import type { MinuteStats } from '../stats/minutes';
import { DEFAULT_SOURCE } from '../storage/types';
import type { IngestOutcome } from '../ingest/admit';
import type { Ingestor } from '../ingest/ingestor';
import type { RelayMetrics } from '../metrics';
import { errorBody, sendJson } from './replies';
import { requestId } from './request-id';

/**
 * `POST /hooks/<provider>` and `POST /hooks/<provider>/<source_id>`: the hot path, served by
 * plain node:http in front of fastify. Order matters: method, provider, source, content type
 * and size are checked before the body is read in full; the ingestor verifies the signature
 * (the source's own secret, from memory) over the raw bytes before anything parses them;
 * and the 200 is written only after the event's batch has been committed.
 */
export interface HookDeps {
  /** Every source's secret, in memory: no database read per webhook. */
  sources: SourceRegistry;
  /** Per-minute counts for /v1/stats. */
  stats?: MinuteStats;
  maxBodyBytes: number;
  ingest: Ingestor;
  metrics: RelayMetrics;
  logger: Logger;
  clock: Clock;
  isClosing: () => boolean;
  /** True for a storage failure the health monitor has logged already (one line per cause). */
  isStorageFailure?: (e: unknown) => boolean;
}

export const HOOKS_PREFIX = '/hooks/';

export function isHookRequest(url: string | undefined): boolean {
  return url !== undefined && url.startsWith(HOOKS_PREFIX);
}

function isJsonMediaType(header: string | undefined): boolean {
  if (!header) return false;
  const semi = header.indexOf(';');
  const type = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

const registry = providers as Partial<Record<string, ProviderSpec>>;

/** The path after /hooks/, decoded; null when its percent-encoding is broken. */
function hookName(url: string): string | null {
  const end = url.indexOf('?');
  const raw = url.slice(HOOKS_PREFIX.length, end === -1 ? undefined : end);
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** `vyora` or `vyora/src_…`: the provider and the source (default when there is none). */
function splitHookPath(path: string): { provider: string; source: string | null } {
  const slash = path.indexOf('/');
  if (slash === -1) return { provider: path, source: DEFAULT_SOURCE };
  const source = path.slice(slash + 1);
  // One segment only: /hooks/vyora/src_x/more names nothing.
  return { provider: path.slice(0, slash), source: source === '' || source.includes('/') ? null : source };
}

export function createHookHandler(deps: HookDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { logger, metrics } = deps;

  /**
   * The last resort: whatever throws in here (a bug, a dependency failing where nothing
   * expects it) costs this request a 500, never the process. One line, no stack: the
   * message says where to look, and a flood of such requests must not flood the log.
   */
  const internalError = (req: IncomingMessage, res: ServerResponse, reqId: string, e: unknown): void => {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    logger.error({ reqId, url: req.url?.slice(0, 200), cause: message }, `webhook handler failed: ${message}`);
    try {
      if (!res.headersSent) {
        sendJson(res, 500, JSON.stringify(errorBody('internal_error', 'the relay failed to handle this webhook; retry later')), {
          'x-request-id': reqId,
          connection: 'close',
        });
      } else if (!res.writableEnded) res.destroy();
    } catch {
      res.destroy();
    }
  };

  return (req, res) => {
    const reqId = requestId(req);
    try {
      handle(req, res, reqId);
    } catch (e) {
      internalError(req, res, reqId, e);
    }
  };

  function handle(req: IncomingMessage, res: ServerResponse, reqId: string): void {
    const decoded = hookName(req.url as string);
    const path = splitHookPath(decoded ?? '');
    const name = path.provider;

    const reject = (status: number, code: string, message: string, headers: Record<string, string> = {}): void => {
      if (isProviderId(name)) metrics.rejected.inc({ provider: name, reason: code });
      // A storage outage would log a line per webhook: the health monitor logs its cause instead.
      if (code !== 'storage_unavailable') logger.warn({ reqId, provider: name, status, code }, `webhook refused: ${message}`);
      sendJson(res, status, JSON.stringify(errorBody(code, message)), { 'x-request-id': reqId, ...headers });
    };
    // Replies sent before the body is read close the connection, so an unread body is not
    // taken for the next request and a large one is not read at all.
    const rejectUnread = (status: number, code: string, message: string, headers: Record<string, string> = {}): void => {
      reject(status, code, message, { connection: 'close', ...headers });
    };

    if (deps.isClosing()) return rejectUnread(503, 'shutting_down', 'the relay is shutting down; retry shortly', { 'retry-after': '5' });
    if (decoded === null) {
      return rejectUnread(400, 'malformed_path', 'the hook path has broken percent-encoding; POST to /hooks/<provider>');
    }
    if (req.method !== 'POST') return rejectUnread(405, 'method_not_allowed', 'webhooks must be POSTed', { allow: 'POST' });
    const spec = isProviderId(name) ? registry[name] : undefined;
    if (!spec) return rejectUnread(404, 'unknown_provider', `"${name.slice(0, 100)}" is not a provider this relay knows`);
    if (!spec.webhooks) return rejectUnread(404, 'no_webhooks', `${spec.name} does not send webhooks`);
    const provider = spec.id;
    if (path.source === null) return rejectUnread(404, 'unknown_source', 'POST to /hooks/<provider> or /hooks/<provider>/<source_id>');
    const sourceId = path.source;
    const source = deps.sources.get(provider, sourceId);
    if (!source) return rejectUnread(404, 'unknown_source', `there is no ${spec.name} source "${sourceId.slice(0, 100)}" on this relay`);
    const secret = source.webhookSecret;
    if (!secret) {
      return rejectUnread(
        401,
        'webhook_secret_not_configured',
        sourceId === DEFAULT_SOURCE
          ? `the ${spec.name} webhook secret is not configured: set ${provider.toUpperCase()}_WEBHOOK_SECRET on the relay`
          : `source ${sourceId} has no webhook secret; set one with PATCH /v1/sources/${sourceId}`,
      );
    }
    if (!isJsonMediaType(req.headers['content-type'])) {
      return rejectUnread(415, 'unsupported_media_type', 'the body must be JSON, sent with content-type: application/json');
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > deps.maxBodyBytes) {
      return rejectUnread(413, 'payload_too_large', `the body is over the ${deps.maxBodyBytes}-byte limit`);
    }

    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    req.on('data', (chunk: Buffer) => {
      if (overflow) return;
      size += chunk.length;
      if (size > deps.maxBodyBytes) {
        overflow = true;
        chunks.length = 0;
        rejectUnread(413, 'payload_too_large', `the body is over the ${deps.maxBodyBytes}-byte limit`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      // The provider went away mid-body: nothing was acknowledged, so nothing is lost.
    });
    req.on('end', () => {
      if (overflow) return;
      try {
        const rawBody = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
        accept(rawBody).catch((e: unknown) => internalError(req, res, reqId, e));
      } catch (e) {
        internalError(req, res, reqId, e);
      }
    });

    const accept = async (rawBody: Buffer): Promise<void> => {
      let outcome: IngestOutcome;
      try {
        outcome = await deps.ingest.submit({ provider, source: sourceId, secret, body: rawBody, headers: req.headers, receivedAt: deps.clock.now() });
      } catch (e) {
        if (!deps.isStorageFailure?.(e)) logger.error({ reqId, provider, err: e }, 'could not store a webhook event; answered 503 so the provider retries');
        else if (logger.isLevelEnabled('debug')) logger.debug({ reqId, provider }, 'storage failed: answered 503 so the provider retries');
        return reject(503, 'storage_unavailable', 'the event could not be stored; retry later', { 'retry-after': '5' });
      }
      if (!outcome.stored) return reject(outcome.status, outcome.code, outcome.message);
      if (outcome.duplicate) metrics.duplicates.inc({ provider });
      else {
        metrics.eventsReceived.inc({ provider, type: outcome.type });
        deps.stats?.add('received', outcome.source, deps.clock.now());
      }
      if (outcome.filtered > 0) metrics.filtered.inc({ provider, type: outcome.type }, outcome.filtered);
      // One readable line per accepted webhook, so a working relay is seen working.
      if (logger.isLevelEnabled('info')) {
        logger.info(
          { reqId, provider, source: outcome.source, type: outcome.type, id: outcome.id, duplicate: outcome.duplicate },
          `${outcome.duplicate ? 'duplicate' : 'received'} ${outcome.type} ${outcome.id}${outcome.source === DEFAULT_SOURCE ? '' : ` from ${outcome.source}`}`,
        );
      }
      sendJson(res, 200, `{"received":true,"id":${JSON.stringify(outcome.id)}}`, { 'x-request-id': reqId });
    };
  }
}
