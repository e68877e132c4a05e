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
      .map((op) => ({ method: op.method, segments: splitPath(op.path), operation: op.name }));
  }

  get operations(): string[] {
    return this.#routes.map((r) => r.operation);
  }

  match(method: string, path: string): RouteMatch {
    const parts = splitPath(path);
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const params = matchSegments(route.segments, parts);
      if (params) return { operation: route.operation, params };
    }
    return undefined;
  }
}

/** A path's non-empty segments: `/a//b/` → ['a', 'b']. */
export function splitPath(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/**
 * Matches a path's segments against a pattern's (`{name}` segments capture, URL-decoded);
 * the captured parameters, or undefined when the path is not this pattern's.
 */
export function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const seg = pattern[i] as string;
    const part = parts[i] as string;
    const placeholder = /^\{(.+)\}$/.exec(seg);
    if (!placeholder) {
      if (seg !== part) return undefined;
      continue;
    }
    try {
      params[placeholder[1] as string] = decodeURIComponent(part);
    } catch {
      return undefined;
    }
  }
  return params;
}
