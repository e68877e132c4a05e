import nock from 'nock';

/**
 * A local fake of exactly the Make API endpoints `@makehq/sdk` calls for custom apps
 * (/api/v2/sdk/apps/…), on nock: it keeps apps, connections, webhooks, RPCs and modules with
 * their sections, names connections and webhooks itself as Make does, and records every call.
 * `failOn` makes one call answer an error, as Make would.
 */

export interface Call {
  method: string;
  path: string;
  body: unknown;
}

interface Component {
  name: string;
  label: string;
  meta: Record<string, unknown>;
  sections: Record<string, string>;
}

function text(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

export class FakeMake {
  readonly calls: Call[] = [];
  readonly apps = new Map<string, { name: string; label: string; version: number; meta: Record<string, unknown>; sections: Record<string, string> }>();
  readonly connections = new Map<string, Component>();
  readonly webhooks = new Map<string, Component>();
  readonly modules = new Map<string, Component>();
  readonly rpcs = new Map<string, Component>();
  failOn: ((call: Call) => { status: number; body: unknown } | undefined) | undefined;

  constructor(
    readonly zone: string,
    readonly apiKey: string,
    /** The suffix Make adds to a new app's name. */
    private readonly suffix = 'a1b2c3',
  ) {
    // Make's API keys are UUIDs, which the SDK sends as `Token <key>`; any other header is refused.
    const base = nock(`https://${zone}`, { reqheaders: { authorization: `Token ${apiKey}` } }).persist();
    for (const m of ['get', 'post', 'patch', 'put', 'delete'] as const) {
      base[m](/^\/api\/v2\/sdk\/apps(\/.*)?$/).reply((uri, body) => this.handle(m.toUpperCase(), uri, body));
    }
  }

  close(): void {
    nock.cleanAll();
  }

  count(method: string, pattern?: RegExp): number {
    return this.calls.filter((c) => c.method === method && (!pattern || pattern.test(c.path))).length;
  }

  private handle(method: string, uri: string, rawBody: unknown): [number, unknown] {
    const path = decodeURIComponent(uri.replace(/^\/api\/v2/, '').split('?')[0] as string);
    const body = typeof rawBody === 'string' && rawBody.startsWith('{') ? (JSON.parse(rawBody) as unknown) : rawBody;
    const call = { method, path, body };
    this.calls.push(call);
    const failure = this.failOn?.(call);
    if (failure) return [failure.status, failure.body];
    const b = (body ?? {}) as Record<string, unknown>;
    const seg = path.split('/').filter(Boolean); // sdk, apps, …
    const rest = seg.slice(2);
    const notFound: [number, unknown] = [404, { message: 'Not found', code: 'IM404' }];

    // /sdk/apps
    if (rest.length === 0) {
      if (method === 'GET') return [200, { apps: [...this.apps.values()].map((a) => ({ name: a.name, label: a.label, version: a.version })) }];
      if (method === 'POST') {
        const name = `${String(b['name'])}-${this.suffix}`;
        const app = { name, label: String(b['label']), version: 1, meta: b, sections: {} };
        this.apps.set(name, app);
        return [200, { app: { name, label: app.label, version: 1, description: b['description'], theme: b['theme'], public: false, approved: false } }];
      }
    }
    // /sdk/apps/connections/<name>[/<section>] and /sdk/apps/webhooks/<name>[/<section>]
    if (rest[0] === 'connections' || rest[0] === 'webhooks') {
      const store = rest[0] === 'connections' ? this.connections : this.webhooks;
      const key = rest[0] === 'connections' ? 'appConnection' : 'appWebhook';
      const c = store.get(rest[1] ?? '');
      if (!c) return notFound;
      if (rest.length === 2 && method === 'GET') return [200, { [key]: { name: c.name, label: c.label, ...c.meta } }];
      if (rest.length === 2 && method === 'PATCH') {
        Object.assign(c.meta, b);
        if (typeof b['label'] === 'string') c.label = b['label'];
        return [200, { [key]: { name: c.name, label: c.label, ...c.meta } }];
      }
      if (rest.length === 3 && method === 'PUT') {
        c.sections[rest[2] as string] = text(rawBody);
        return [200, { changed: true }];
      }
    }
    const app = this.apps.get(rest[0] ?? '');
    if (!app) return notFound;
    // /sdk/apps/<app>/connections|webhooks (unversioned lists and creation)
    if (rest.length === 2 && (rest[1] === 'connections' || rest[1] === 'webhooks')) {
      const store = rest[1] === 'connections' ? this.connections : this.webhooks;
      const key = rest[1] === 'connections' ? 'appConnection' : 'appWebhook';
      if (method === 'GET') return [200, { [`${key}s`]: [...store.values()].map((c) => ({ name: c.name, label: c.label })) }];
      if (method === 'POST') {
        // Make names these itself: the app's name, then a counter.
        const name = `${app.name.replace(/-/g, '')}${store.size === 0 ? '' : store.size + 1}`;
        const c = { name, label: String(b['label']), meta: { type: b['type'] }, sections: {} };
        store.set(name, c);
        return [200, { [key]: { name, label: c.label, type: b['type'] } }];
      }
    }
    if (rest[1] !== String(app.version)) return notFound;
    // /sdk/apps/<app>/<version>
    if (rest.length === 2) {
      if (method === 'GET') return [200, { app: { name: app.name, label: app.label, version: app.version } }];
      if (method === 'PATCH') {
        Object.assign(app.meta, b);
        return [200, { app: { name: app.name, label: app.label, version: app.version } }];
      }
    }
    if (rest.length === 3 && method === 'PUT' && ['base', 'groups', 'readme'].includes(rest[2] as string)) {
      app.sections[rest[2] as string] = text(rawBody);
      return [200, { changed: true }];
    }
    // /sdk/apps/<app>/<version>/modules|rpcs[/<name>[/<section>]]
    if (rest[2] === 'modules' || rest[2] === 'rpcs') {
      const store = rest[2] === 'modules' ? this.modules : this.rpcs;
      const key = rest[2] === 'modules' ? 'appModule' : 'appRpc';
      if (rest.length === 3 && method === 'GET') return [200, { [`${key}s`]: [...store.values()].map((c) => ({ name: c.name, label: c.label, ...c.meta })) }];
      if (rest.length === 3 && method === 'POST') {
        const name = String(b['name']);
        if (store.has(name)) return [400, { message: 'Validation failed', detail: `${rest[2]} ${name} already exists` }];
        const { name: _n, label, ...meta } = b;
        store.set(name, { name, label: String(label), meta, sections: {} });
        return [200, { [key]: { name, label } }];
      }
      const c = store.get(rest[3] ?? '');
      if (!c) return notFound;
      if (rest.length === 4 && method === 'PATCH') {
        const { label, ...meta } = b;
        Object.assign(c.meta, meta);
        if (typeof label === 'string') c.label = label;
        return [200, { [key]: { name: c.name, label: c.label, ...c.meta } }];
      }
      if (rest.length === 5 && method === 'PUT') {
        c.sections[rest[4] as string] = text(rawBody);
        return [200, { changed: true }];
      }
    }
    return [404, { message: `the fake Make API has no ${method} ${path}` }];
  }
}
