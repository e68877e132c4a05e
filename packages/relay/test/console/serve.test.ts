import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { CONSOLE_CSP, CONSOLE_ROOT, registerConsole } from '../../src/http/console';
import { startTestRelay, type TestRelay } from '../support/harness';

/**
 * How the relay serves the console: the page and its assets, the security headers on every
 * console answer, the redirect from `/`, and the size of what a browser downloads.
 */
const MAX_GZIPPED_BYTES = 150 * 1024;

let relay: TestRelay;

beforeAll(async () => {
  relay = await startTestRelay();
});

afterAll(async () => {
  await relay.close();
});

function expectConsoleHeaders(headers: Headers): void {
  expect(headers.get('content-security-policy')).toBe(
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  );
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
}

test('GET / redirects to the console, with the console headers', async () => {
  const res = await fetch(`${relay.url}/`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  expect(res.headers.get('location')).toBe('/console/');
  expectConsoleHeaders(res.headers);
});

test('GET /console redirects to /console/, which serves the page with a strict CSP', async () => {
  const bare = await fetch(`${relay.url}/console`, { redirect: 'manual' });
  expect([301, 302]).toContain(bare.status);
  expect(bare.headers.get('location')).toBe('/console/');
  expectConsoleHeaders(bare.headers);

  const page = await fetch(`${relay.url}/console/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expectConsoleHeaders(page.headers);
  const html = await page.text();
  expect(html).toContain('<script defer src="app.js"></script>');
  // No inline script or style, and nothing loaded from anywhere but this relay.
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  expect(html).not.toMatch(/<style|style=/);
  for (const [, url] of html.matchAll(/(?:src|href)="([^"]*)"/g)) expect(url).toMatch(/^(?:[\w.-]+\.(?:js|css)|data:,)$/);
});

test('the assets are served with their types and the same headers', async () => {
  const js = await fetch(`${relay.url}/console/app.js`);
  expect(js.status).toBe(200);
  expect(js.headers.get('content-type')).toMatch(/javascript/);
  expectConsoleHeaders(js.headers);
  const css = await fetch(`${relay.url}/console/app.css`);
  expect(css.status).toBe(200);
  expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  const missing = await fetch(`${relay.url}/console/nope.js`);
  expect(missing.status).toBe(404);
});

test('the API answers are left alone: the CSP is the console’s, not the API’s', async () => {
  const res = await fetch(`${relay.url}/healthz`);
  expect(res.headers.get('content-security-policy')).toBeNull();
});

test(`the whole bundle (JS + CSS + HTML) is under ${MAX_GZIPPED_BYTES / 1024} KB gzipped`, () => {
  const files = readdirSync(CONSOLE_ROOT);
  expect(files).toEqual(expect.arrayContaining(['index.html', 'app.js', 'app.css']));
  let total = 0;
  for (const f of files) total += gzipSync(readFileSync(join(CONSOLE_ROOT, f)), { level: 9 }).length;
  process.stdout.write(`console bundle: ${(total / 1024).toFixed(1)} KB gzipped (${files.join(', ')})\n`);
  expect(total).toBeLessThan(MAX_GZIPPED_BYTES);
});

test('the bundle fetches nothing but the relay: no absolute URL a browser would load', () => {
  const js = readFileSync(join(CONSOLE_ROOT, 'app.js'), 'utf8');
  // The only absolute URLs allowed are XML namespaces (uPlot's SVG), which are names, not requests.
  const urls = [...js.matchAll(/https?:\/\/[^\s"'`)]+/g)].map((m) => m[0]);
  expect(urls.filter((u) => !u.startsWith('http://www.w3.org/'))).toEqual([]);
});

test('a relay whose console was not built says so instead of failing to start', async () => {
  const app = Fastify();
  registerConsole(app, join(CONSOLE_ROOT, 'not-there'));
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const res = await fetch(`${base}/console/`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: 'console_not_built', message: 'the console is not built: run `npm run build`' } });
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
  } finally {
    await app.close();
  }
});
