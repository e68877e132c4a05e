import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorBody } from './replies';

/**
 * The browser console at `/console/`: static files bundled at build time (console/build.mjs)
 * into dist/console. It holds no secret (the token lives in the tab), so it needs no auth; what
 * it must have is a strict Content-Security-Policy, so that a payload rendered by mistake as HTML
 * could still run nothing and send nothing anywhere but this relay.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** dist/console, whether this runs compiled (dist/http) or from source under jest (src/http). */
export const CONSOLE_ROOT = resolve(__dirname, '..', '..', 'dist', 'console');

export function registerConsole(app: FastifyInstance, root: string = CONSOLE_ROOT): void {
  void app.register(async (scope) => {
    scope.addHook('onSend', async (_req, reply, payload) => {
      reply.headers(SECURITY_HEADERS);
      return payload;
    });
    // The page's asset paths are relative, so it is served at `/console/`; `/` and `/console` lead there.
    const toConsole = async (_req: unknown, reply: FastifyReply) => reply.redirect('/console/', 302);
    scope.get('/', toConsole);
    scope.get('/console', toConsole);

    if (!existsSync(join(root, 'index.html'))) {
      // A relay run from a checkout that skipped the build still starts; the console says why it is absent.
      const missing = async (_req: unknown, reply: FastifyReply) =>
        reply.code(503).send(errorBody('console_not_built', 'the console is not built: run `npm run build`'));
      scope.get('/console/', missing);
      scope.get('/console/*', missing);
      return;
    }
    await scope.register(fastifyStatic, {
      root,
      prefix: '/console/',
      index: ['index.html'],
      // The file names are not hashed: browsers revalidate (ETag) instead of caching blindly.
      cacheControl: true,
      maxAge: 0,
    });
  });
}
