import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { driftOf, generateApp, isUpToDate, makeSchemas as s, NOT_GENERATED } from '@callbridge/make';
import { loadApp, PROVIDERS, type LoadedComponent } from './support/app';

/**
 * The committed apps are exactly what the generator writes today, and every file in them has
 * Make's documented structure (base, connection, webhook, module, RPC sections; the VS Code
 * extension's makecomapp.json).
 */

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.filter((f) => !NOT_GENERATED.has(f)).sort();
}

/** The schema each section of each component type must match. */
const SECTION_SCHEMAS: Record<string, Record<string, { safeParse: (v: unknown) => { success: boolean; error?: unknown } }>> = {
  connection: { communication: s.connectionCommunication, params: s.parameters },
  rpc: { communication: s.request, params: s.parameters },
  webhook: { communication: s.webhookCommunication, params: s.parameters, attach: s.request, detach: s.request },
  module: { communication: s.request, staticParams: s.parameters, mappableParams: s.parameters, interface: s.parameters, samples: s.samples },
};

describe.each(PROVIDERS)('%s Make app', (id) => {
  const app = loadApp(id);

  it('is committed exactly as a fresh build writes it (run `callbridge make build` after changing core)', () => {
    const drift = driftOf(app.dir, generateApp(app.spec));
    expect(drift).toEqual({ missing: [], extra: [], changed: [] });
    expect(isUpToDate(drift)).toBe(true);
  });

  it('lists every file of its folder in makecomapp.json, and nothing that is not there', () => {
    const listed = [...app.files.keys(), 'makecomapp.json'].sort();
    expect(filesUnder(app.dir)).toEqual(listed);
  });

  it('has a makecomapp.json, base and groups of Make\'s structure', () => {
    expect(s.makecomapp.safeParse(app.makecomapp).success).toBe(true);
    expect(s.base.safeParse(app.base).success).toBe(true);
    expect(s.groups.safeParse(app.groups).success).toBe(true);
  });

  const sections = loadApp(id).components.flatMap((c: LoadedComponent) => Object.keys(c.code).map((section) => [`${c.type} ${c.id} ${section}`, c, section] as const));
  it.each(sections)('%s has Make\'s structure', (_name, c, section) => {
    const schema = SECTION_SCHEMAS[c.type]?.[section];
    expect(schema).toBeDefined();
    const result = schema?.safeParse(c.code[section]);
    if (!result?.success) throw new Error(String(result?.error));
  });

  it('uses ids Make accepts for every component', () => {
    for (const c of app.components) {
      const rule = c.type === 'module' || c.type === 'rpc' ? s.MODULE_ID : s.CONNECTION_OR_WEBHOOK_ID;
      expect({ id: c.id, ok: rule.test(c.id) }).toEqual({ id: c.id, ok: true });
    }
  });
});

describe('the schemas reject what Make would', () => {
  it('a misspelt directive, a POST without a body, an unknown parameter type, an error type Make does not know', () => {
    expect(s.request.safeParse({ url: '/x', method: 'GET', qss: {} }).success).toBe(false);
    expect(s.request.safeParse({ url: '/x', method: 'POST' }).success).toBe(false);
    expect(s.parameters.safeParse([{ name: 'a', type: 'textarea' }]).success).toBe(false);
    expect(s.parameters.safeParse([{ name: 'a', type: 'select' }]).success).toBe(false);
    expect(s.parameters.safeParse([{ name: 'a', type: 'text' }, { name: 'a', type: 'text' }]).success).toBe(false);
    expect(s.base.safeParse({ baseUrl: 'https://x', response: { error: { message: 'm', type: 'AccountValidationErr' } } }).success).toBe(false);
    expect(s.base.safeParse({ baseUrl: 'https://x', response: { error: { message: 'm', '4xx': { message: 'm' } } } }).success).toBe(false);
    expect(s.webhookCommunication.safeParse({ respond: { status: 200 }, outputs: '{{body}}' }).success).toBe(false);
  });

  it('and accept what Make documents', () => {
    expect(s.request.safeParse({ url: '/x', method: 'POST', body: '{{parameters}}', response: { output: '{{body}}' } }).success).toBe(true);
    expect(s.base.safeParse({ baseUrl: 'https://x', response: { error: { message: 'm', '429': { message: 'slow down', type: 'RateLimitError' } } } }).success).toBe(true);
  });
});
