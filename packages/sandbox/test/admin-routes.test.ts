import type { RunningSandbox } from '@callbridge/sandbox';
import { prefersText } from '../src/http/admin';
import { request, start } from './helpers';

interface Listed {
  method: string;
  path: string;
  body?: string;
  summary: string;
}

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await start({ timings: { ringMs: 60_000 } });
});
afterAll(() => sandbox.close());

async function listing(): Promise<Listed[]> {
  const res = await request(`${sandbox.url}/_sandbox`);
  expect(res.status).toBe(200);
  return (res.body as { routes: Listed[] }).routes;
}

test('GET /_sandbox lists every admin route with its method, path and one line on what it does', async () => {
  const routes = await listing();
  expect(routes.length).toBeGreaterThanOrEqual(15);
  for (const r of routes) {
    expect(r.method).toMatch(/^(GET|POST|PUT|DELETE)$/);
    expect(r.path).toMatch(/^\/_sandbox(\/|$)/);
    expect(r.summary.length).toBeGreaterThan(10);
    expect(r.summary).not.toContain('\n');
  }
  expect(routes).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ method: 'GET', path: '/_sandbox' }),
      expect.objectContaining({ method: 'PUT', path: '/_sandbox/vyora/webhook', body: '{url, secret, events?}' }),
      expect.objectContaining({ method: 'POST', path: '/_sandbox/vyora/calls/{call_id}/advance' }),
    ]),
  );
  // No two routes claim the same method and path.
  expect(new Set(routes.map((r) => `${r.method} ${r.path}`)).size).toBe(routes.length);
});

test('every listed route is one the router answers (the listing and the router read one table)', async () => {
  for (const r of await listing()) {
    const path = r.path.replace(/\{[^}]+\}/g, 'no_such_id');
    // An empty object is a body every route either takes or refuses with a 400: never a 404 for the path or a 405.
    const res = await request(`${sandbox.url}${path}`, { method: r.method, ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} }) });
    const field = (res.body as { error?: { field?: string } } | null)?.error?.field;
    expect({ route: `${r.method} ${path}`, status: res.status, field }).not.toMatchObject({ status: 405 });
    expect({ route: `${r.method} ${path}`, notFoundPath: res.status === 404 && field === 'path' }).toEqual({ route: `${r.method} ${path}`, notFoundPath: false });
  }
  sandbox.reset();
});

test('the listing reads as text for a client that asks for text/plain', async () => {
  const res = await request(`${sandbox.url}/_sandbox`, { headers: { accept: 'text/plain' } });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  const lines = res.text.split('\n');
  for (const r of await listing()) {
    const line = lines.find((l) => new RegExp(`^${r.method}\\s+${r.path.replace(/[{}]/g, '\\$&')}\\s`).test(l));
    expect({ route: `${r.method} ${r.path}`, line }).toEqual({ route: `${r.method} ${r.path}`, line: expect.stringContaining(r.summary) });
  }
  // curl's and browsers' wildcards get JSON.
  for (const accept of ['*/*', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8']) {
    const json = await request(`${sandbox.url}/_sandbox`, { headers: { accept } });
    expect(json.headers['content-type']).toMatch(/^application\/json/);
  }
});

test('a wrong method answers 405 with Allow and a message naming the right method(s), changing nothing', async () => {
  const before = (await request(`${sandbox.url}/_sandbox/vyora/webhook`)).body;
  const cases: Array<[string, string, string]> = [
    ['GET', '/_sandbox/reset', 'POST'],
    ['POST', '/_sandbox/vyora/webhook', 'GET, PUT, DELETE'],
    ['PUT', '/_sandbox/deliveries', 'GET'],
    ['GET', '/_sandbox/vyora/calls/abc123xyz/advance', 'POST'],
    ['DELETE', '/_sandbox', 'GET'],
  ];
  for (const [method, path, allow] of cases) {
    const res = await request(`${sandbox.url}${path}`, { method, ...(method === 'GET' || method === 'DELETE' ? {} : { body: { url: 'http://127.0.0.1:1/x', secret: 's' } }) });
    expect({ method, path, status: res.status, allow: res.headers['allow'] }).toEqual({ method, path, status: 405, allow });
    const message = (res.body as { error: { code: string; field: string; message: string } }).error;
    expect(message).toMatchObject({ code: 'method_not_allowed', field: 'method' });
    for (const m of allow.split(', ')) expect(message.message).toContain(m);
    expect(message.message).toContain(`not ${method}`);
  }
  expect((await request(`${sandbox.url}/_sandbox/vyora/webhook`)).body).toEqual(before);
});

test('an unknown admin path answers 404 pointing at GET /_sandbox', async () => {
  for (const path of ['/_sandbox/nothing-here', '/_sandbox/vyora/calls/x/advance/more', '/_sandbox/vyora']) {
    const res = await request(`${sandbox.url}${path}`, { method: 'POST' });
    expect({ path, status: res.status }).toEqual({ path, status: 404 });
    expect(res.body).toMatchObject({ error: { code: 'not_found', field: 'path', message: expect.stringContaining('GET /_sandbox') } });
  }
});

test('prefersText: only an explicit text/plain that outranks JSON', () => {
  expect(prefersText(undefined)).toBe(false);
  expect(prefersText('')).toBe(false);
  expect(prefersText('*/*')).toBe(false);
  expect(prefersText('text/plain')).toBe(true);
  expect(prefersText('TEXT/PLAIN; charset=utf-8')).toBe(true);
  expect(prefersText('text/*')).toBe(true);
  expect(prefersText('application/json, text/plain')).toBe(false);
  expect(prefersText('application/json;q=0.5, text/plain')).toBe(true);
  expect(prefersText('text/plain;q=0.2, application/json;q=0.9')).toBe(false);
  expect(prefersText('text/plain;q=zero')).toBe(false);
  expect(prefersText('text/html')).toBe(false);
});
