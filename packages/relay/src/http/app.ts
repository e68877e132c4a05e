import http from 'node:http';
import type { Clock } from '@callbridge/core';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { RelayConfig, TrustProxy } from '../config';
import type { EventBus } from '../ingest/event-bus';
import type { RelayMetrics } from '../metrics';
import { bearerToken } from '../security/auth';
import type { TokenRegistry } from '../security/principals';
import type { SecretsAtRest } from '../security/secrets-at-rest';
import type { SourceRegistry } from '../sources/registry';
import type { MinuteStats } from '../stats/minutes';
import { ClientRateLimiter } from '../security/rate-limit';
import { InvalidCursorError } from '../storage/cursor';
import type { StorageHealth } from '../storage/health-monitor';
import type { RelayStorage } from '../storage/types';
import { registerActionRoutes } from './actions';
import { registerConsole } from './console';
import { registerApiDocs } from './docs';
import { registerEventRoutes } from './events';
import { DrainingServer } from './draining-server';
import { treatEmptyBodyAsNone } from './empty-body';
import { isHookRequest } from './hooks';
import { registerHookDescription } from './hooks-doc';
import { errorBody, HttpError } from './replies';
import { requestId } from './request-id';
import './scope';
import { failure } from './schemas/common';
import { registerMeRoutes } from './me';
import { registerSourceRoutes } from './sources';
import { registerStreamRoute } from './stream';
import { registerSubscriptionRoutes } from './subscriptions';
import { registerTokenRoutes } from './tokens';
import { registerSystemRoutes } from './system';
import { validatorCompiler } from './validate';

export interface AppDeps {
  config: RelayConfig;
  storage: RelayStorage;
  /** Whether storage can be written: /healthz and relay_storage_up. */
  health: StorageHealth;
  metrics: RelayMetrics;
  logger: Logger;
  clock: Clock;
  /** New events as they are committed, for the live stream. */
  bus: EventBus;
  /** The admin token and scoped tokens, in memory. */
  tokens: TokenRegistry;
  /** Seals secrets before storage sees them; reveals them for use. */
  secrets: SecretsAtRest;
  /** The environment's and the API's sources, secrets revealed, in memory. */
  sources: SourceRegistry;
  /** Per-minute counts for /v1/stats. */
  stats: MinuteStats;
  /** The ingest path, served before fastify sees the request. */
  hookHandler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  inFlightDeliveries: () => number;
  isClosing: () => boolean;
}

/** A request fastify cannot route at all: a path that does not decode, or one too long. */
function routingError(err: FastifyError, reply: FastifyReply): FastifyReply {
  if (err.code === 'FST_ERR_BAD_URL') return reply.code(400).send(errorBody('malformed_path', 'the path has broken percent-encoding'));
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return reply.code(414).send(errorBody('path_too_long', 'a path segment is too long'));
  return reply.code(500).send(errorBody('internal_error', 'the relay failed to route this request'));
}

/**
 * RELAY_TRUST_PROXY as fastify takes it. A hop count becomes "trust the nearest N hops"
 * (fastify 5 ignores a bare number, since it cannot check that the nearest peer is a
 * proxy; docs/security.md says to use a count only where the relay is reachable through the
 * proxies alone).
 */
function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/**
 * The relay's HTTP server: plain node:http takes `/hooks/*` (the throughput path) and
 * hands everything else to fastify, where auth, rate limiting, validation and errors are
 * handled once for all routes.
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // One line per request, written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestId,
    bodyLimit: deps.config.maxBodyBytes,
    // Which X-Forwarded-For hops req.ip believes (RELAY_TRUST_PROXY; none by default).
    trustProxy: fastifyTrustProxy(deps.config.trustProxy),
    return503OnClosing: true,
    // Paths fastify cannot route at all answer in the relay's error shape, like any other error.
    frameworkErrors: (err, _req, reply) => void routingError(err, reply as unknown as FastifyReply),
    serverFactory: (handler) => {
      // Closes gracefully under keep-alive: see DrainingServer (the relay's close() drains it).
      const server = new DrainingServer((req, res) => {
        if (isHookRequest(req.url)) deps.hookHandler(req, res);
        else handler(req, res);
      });
      // Slow senders may not hold sockets open indefinitely.
      server.requestTimeout = 30_000;
      server.headersTimeout = 15_000;
      server.keepAliveTimeout = 65_000;
      return server;
    },
  });

  // Set by the /v1 auth hook; declared up front so every request object has one shape.
  app.decorateRequest('principal', null as never);
  // Each route's zod schemas validate its request and serialize its answers.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    treatEmptyBodyAsNone(req.raw);
  });
  app.addHook('onResponse', async (req, reply) => {
    req.log.info(
      { method: req.method, url: req.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });

  app.setErrorHandler((err: FastifyError | HttpError | InvalidCursorError, req, reply) => {
    if (err instanceof HttpError) {
      return reply.code(err.status).headers(err.headers).send(errorBody(err.code, err.message, err.details));
    }
    if (err instanceof InvalidCursorError) return reply.code(400).send(errorBody('invalid_cursor', err.message));
    const code = err.code;
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send(errorBody('unsupported_media_type', 'send the body as JSON with content-type: application/json'));
    }
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(errorBody('payload_too_large', `the body is over the ${deps.config.maxBodyBytes}-byte limit`));
    }
    if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.name === 'SyntaxError') {
      return reply.code(400).send(errorBody('malformed_json', 'the body is not valid JSON'));
    }
    if (deps.health.isStorageFailure(err)) {
      // Already logged, once per cause, by the health monitor: a full disk is no bug to trace.
      return reply.code(503).header('retry-after', '5').send(errorBody('storage_unavailable', 'storage is unavailable; retry later'));
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.code(status).send(errorBody('internal_error', 'the relay failed to handle this request'));
    }
    return reply.code(status).send(errorBody(code ? code.toLowerCase() : 'bad_request', err.message));
  });

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(errorBody('not_found', `no route for ${req.method} ${req.url.split('?')[0]}`));
  });

  // The document generator first: it describes every route registered after it.
  registerApiDocs(app);
  void app.register(async (root) => {
    registerSystemRoutes(root, deps);
    registerHookDescription(root, deps);
  });
  void app.register(async (pages) => {
    // The console's pages are for browsers, not part of the API: kept out of the document.
    pages.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });
    registerConsole(pages);
  });

  // Authenticated callers are limited per token; failures per client address, in a budget of
  // their own, so that a flood of bad tokens from one address cannot lock a valid token out.
  const perMinute = deps.config.rateLimitPerMinute;
  const perToken = perMinute > 0 ? new ClientRateLimiter(perMinute, deps.clock) : null;
  const failures = perMinute > 0 ? new ClientRateLimiter(perMinute, deps.clock) : null;
  const limit = (limiter: ClientRateLimiter | null, key: string): void => {
    const decision = limiter?.take(key);
    if (decision && !decision.ok) {
      throw new HttpError(429, 'rate_limited', 'too many requests; slow down', undefined, {
        'retry-after': String(Math.ceil(decision.retryAfterMs / 1000)),
      });
    }
  };
  void app.register(
    async (v1) => {
      // Said once for every /v1 route, in the document as in the hook below.
      v1.addHook('onRoute', (route) => {
        const schema = (route.schema ??= {});
        schema.security ??= [{ bearer: [] }];
        const response = (schema.response ??= {}) as Record<string, unknown>;
        response['401'] ??= failure('Missing or invalid bearer token.');
        response['429'] ??= failure('Rate limited; see Retry-After.');
      });
      v1.addHook('onRequest', async (req) => {
        const token = bearerToken(req.headers.authorization);
        const principal = token === null ? null : deps.tokens.authenticate(token);
        if (principal) req.principal = principal;
        else {
          // Guessing tokens is limited too: past the budget, failures answer 429.
          limit(failures, req.ip);
          throw new HttpError(
            401,
            'unauthorized',
            token === null ? 'send Authorization: Bearer <RELAY_API_TOKEN>' : 'the bearer token is not valid',
            undefined,
            { 'www-authenticate': 'Bearer realm="callbridge-relay"' },
          );
        }
        // Each token its own budget: one client's busy scenario cannot starve another's.
        limit(perToken, req.principal.kind === 'admin' ? 'admin' : req.principal.id);
      });
      registerSubscriptionRoutes(v1, deps);
      registerEventRoutes(v1, deps);
      registerStreamRoute(v1, deps);
      registerActionRoutes(v1, deps);
      registerMeRoutes(v1, deps);
      // Sources and tokens are the admin's: each in its own context, so that each 403 hook
      // covers its own routes only and names what the scoped token tried to manage.
      await v1.register(async (admin) => registerSourceRoutes(admin, deps));
      await v1.register(async (admin) => registerTokenRoutes(admin, deps));
    },
    { prefix: '/v1' },
  );

  return app;
}
