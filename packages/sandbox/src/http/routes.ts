import type { HttpMethod, ProviderSpec } from '@callbridge/core';

/**
 * Routes come from core's provider specs, so the sandbox answers exactly the paths core
 * sends to. Composite polling operations (Vyora's wait for analysis) reuse another
 * operation's path and are not routes of their own.
 */
interface Route {
  method: HttpMethod;
  segments: string[];
  operation: string;
}

export type RouteMatch = { operation: string; params: Record<string, string> } | undefined;

export class RouteTable {
  readonly #routes: Route[];

  constructor(spec: ProviderSpec) {
    this.#routes = Object.values(spec.operations)
      .filter((op) => !op.poll)
      .map((op) => ({ method: op.method, segments: op.path.split('/').filter(Boolean), operation: op.name }));
  }

  get operations(): string[] {
    return this.#routes.map((r) => r.operation);
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.split('/').filter(Boolean);
    for (const route of this.#routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      route.segments.forEach((seg, i) => {
        const part = parts[i] as string;
        const placeholder = /^\{(.+)\}$/.exec(seg);
        if (placeholder) {
          try {
            params[placeholder[1] as string] = decodeURIComponent(part);
          } catch {
            ok = false;
          }
        } else if (seg !== part) ok = false;
      });
      if (ok) return { operation: route.operation, params };
    }
    return undefined;
  }
}
