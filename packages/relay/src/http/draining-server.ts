import http from 'node:http';
import type { Socket } from 'node:net';

/**
 * A node:http server that closes gracefully under keep-alive. Plain `server.close()`
 * destroys every connection idle at that instant, including one a client is writing its
 * next request to, or one just accepted whose request has not been read yet: that client
 * sees a reset for a request it sent. Instead, `drain()`:
 *
 * 1. stops accepting connections, and keeps every open one;
 * 2. answers what each is sent, and every response written from then on (those of requests
 *    in flight included) carries `Connection: close`, so a connection closes right after
 *    its current response;
 * 3. after `idleGraceMs`, closes the connections that stayed idle all that time;
 * 4. after `forceAfterMs`, closes whatever is left (a request stuck mid-body);
 *
 * and resolves once every connection has closed.
 */
export interface DrainOptions {
  /** How long connections idle at the start may still send a request (default 1 s). */
  idleGraceMs?: number;
  /** When to close every connection still open (default 30 s, the request timeout). */
  forceAfterMs?: number;
}

/** Decides keep-alive when its headers are written, not when its request arrived. */
class DrainingResponse extends http.ServerResponse {
  override writeHead(
    statusCode: number,
    reasonOrHeaders?: string | http.OutgoingHttpHeaders | http.OutgoingHttpHeader[],
    headers?: http.OutgoingHttpHeaders | http.OutgoingHttpHeader[],
  ): this {
    const server = (this.req?.socket as (Socket & { server?: unknown }) | undefined)?.server;
    // Node then writes `Connection: close` and ends the connection after this response.
    if (server instanceof DrainingServer && server.draining) this.shouldKeepAlive = false;
    return super.writeHead(statusCode, reasonOrHeaders as string, headers);
  }
}

export class DrainingServer extends http.Server {
  #draining = false;

  constructor(handler: http.RequestListener) {
    // The option's type is generic over the request class; ours serves IncomingMessage, as the server does.
    super({ ServerResponse: DrainingResponse as unknown as typeof http.ServerResponse }, handler);
  }

  /** True once drain() has begun. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Node's close() and fastify's close() call this; while draining, idle connections get their grace instead. */
  override closeIdleConnections(): void {
    if (!this.#draining) super.closeIdleConnections();
  }

  #closeIdleNow(): void {
    super.closeIdleConnections();
  }

  drain(options: DrainOptions = {}): Promise<void> {
    this.#draining = true;
    return new Promise<void>((resolve) => {
      const grace = setTimeout(() => this.#closeIdleNow(), options.idleGraceMs ?? 1_000);
      const force = setTimeout(() => this.closeAllConnections(), options.forceAfterMs ?? 30_000);
      // Called once the listening socket and every connection have closed (at once, with an
      // error, when the server was not listening).
      this.close(() => {
        clearTimeout(grace);
        clearTimeout(force);
        resolve();
      });
    });
  }
}
