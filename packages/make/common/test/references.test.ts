import { CONNECTION_ID } from '@callbridge/make';
import { loadApp, PROVIDERS, type LoadedApp } from './support/app';

/**
 * Cross-references Make resolves only at run time, checked here: RPC targets, webhooks of
 * instant triggers, connections of webhooks, and every parameter or connection field an IML
 * expression reads.
 */

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** Every `<root>.<name>` an IML expression in `value` reads. */
function reads(value: unknown, root: string): string[] {
  const found = new Set<string>();
  for (const text of strings(value)) {
    for (const expr of text.match(/\{\{[^{}]*\}\}/g) ?? []) {
      for (const m of expr.matchAll(new RegExp(`\\b${root}\\.([A-Za-z0-9_]+)`, 'g'))) found.add(m[1] as string);
    }
  }
  return [...found];
}

function names(params: unknown): string[] {
  return Array.isArray(params) ? params.map((p: { name?: string }) => p.name ?? '') : [];
}

function rpcTargets(value: unknown): string[] {
  return strings(value)
    .filter((t) => t.startsWith('rpc://'))
    .map((t) => t.slice('rpc://'.length));
}

describe.each(PROVIDERS)('%s cross-references', (id) => {
  const app: LoadedApp = loadApp(id);
  const connection = app.components.find((c) => c.type === 'connection' && c.id === CONNECTION_ID);
  const connectionFields = names(connection?.code['params']);

  it('has its one connection, and every component that needs one names it', () => {
    expect(connection).toBeDefined();
    for (const c of app.components.filter((x) => x.type !== 'connection')) {
      expect({ component: `${c.type} ${c.id}`, connection: c.meta.connection }).toEqual({ component: `${c.type} ${c.id}`, connection: CONNECTION_ID });
    }
  });

  it('points every rpc:// at an RPC the app has', () => {
    const rpcs = new Set(app.components.filter((c) => c.type === 'rpc').map((c) => c.id));
    const targets = app.components.flatMap((c) => rpcTargets(c.code));
    if (app.spec.id === 'ayra' || app.spec.id === 'vyora' || app.spec.id === 'aila') expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) expect({ target: t, exists: rpcs.has(t) }).toEqual({ target: t, exists: true });
  });

  it('binds every instant trigger to a webhook of the app, and every webhook to the connection, one webhook per trigger', () => {
    const webhooks = app.components.filter((c) => c.type === 'webhook');
    const triggers = app.components.filter((c) => c.type === 'module' && c.meta.moduleType === 'instant_trigger');
    // A trigger per event of a documented, closed list (Vyora, Aila); none for Ayra's guessed one.
    expect(triggers.length).toBe(app.spec.webhooks && !app.spec.webhooks.open ? app.spec.webhooks.events.length : 0);
    for (const t of triggers) expect(webhooks.map((w) => w.id)).toContain(t.meta.webhook);
    expect(new Set(triggers.map((t) => t.meta.webhook)).size).toBe(triggers.length);
    for (const w of webhooks) expect(w.meta.connection).toBe(CONNECTION_ID);
  });

  it('reads only parameters a component declares', () => {
    for (const c of app.components) {
      const declared = new Set([...names(c.code['staticParams']), ...names(c.code['mappableParams']), ...names(c.code['params'])]);
      const sections = c.type === 'connection' ? [c.code['communication']] : [c.code['communication'], c.code['attach'], c.code['detach']];
      for (const used of reads(sections, 'parameters')) {
        expect({ component: `${c.type} ${c.id}`, parameter: used, declared: declared.has(used) }).toEqual({ component: `${c.type} ${c.id}`, parameter: used, declared: true });
      }
    }
  });

  it('reads only connection fields the connection declares', () => {
    const everything = [app.base, ...app.components.map((c) => c.code)];
    const used = reads(everything, 'connection');
    expect(used).toContain('api_key');
    for (const field of used) expect({ field, declared: connectionFields.includes(field) }).toEqual({ field, declared: true });
  });

  it('reads in detach and the webhook only what attach stored', () => {
    for (const w of app.components.filter((c) => c.type === 'webhook')) {
      const stored = Object.keys(((w.code['attach'] as { response?: { data?: object } }).response?.data ?? {}) as object);
      for (const used of reads([w.code['detach'], w.code['communication']], 'webhook')) {
        expect({ webhook: w.id, field: used, stored: stored.includes(used) }).toEqual({ webhook: w.id, field: used, stored: true });
      }
    }
  });

  it('groups every action, search and trigger module exactly once', () => {
    const grouped = (app.groups as Array<{ modules: string[] }>).flatMap((g) => g.modules);
    const modules = app.components.filter((c) => c.type === 'module').map((c) => c.id);
    expect([...grouped].sort()).toEqual([...modules].sort());
  });

  it('sanitizes the key header in the logs of every request that sends it', () => {
    const header = app.spec.auth.type === 'bearer' ? 'authorization' : app.spec.auth.header.toLowerCase();
    expect((app.base['log'] as { sanitize: string[] }).sanitize).toContain(`request.headers.${header}`);
    const requests = [...[connection?.code['communication']].flat(), ...app.components.flatMap((c) => [c.code['attach'], c.code['detach']])].filter(Boolean) as Array<{
      headers?: Record<string, string>;
      log?: { sanitize: string[] };
    }>;
    for (const r of requests) {
      for (const h of Object.keys(r.headers ?? {}).filter((k) => k === header || k === 'authorization')) {
        expect(r.log?.sanitize).toContain(`request.headers.${h}`);
      }
    }
  });
});
