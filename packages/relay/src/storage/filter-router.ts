import { compileStoredFilter, type CompiledFilter } from '../filters/compile';

/**
 * Which filtered subscriptions an event passes. Fan-out itself stays in SQL (type patterns,
 * sources, status: consistent with the commit that stores the event); the SQL only asks
 * this router about subscriptions that carry a filter, since a MongoDB-style filter cannot
 * run in SQL. Routes are grouped by event type once, so an event costs one map lookup when
 * no filtered subscription wants its type, and the payload is parsed only when one does.
 */
export interface FilteredSubscription {
  id: string;
  events: readonly string[];
  sources: readonly string[] | null;
  /** Stored filter text. */
  filter: string;
}

interface Route {
  id: string;
  sources: ReadonlySet<string> | null;
  filter: CompiledFilter | null;
}

/** The event fields a filter sees, as they appear in the delivery body. */
export interface RoutedEvent {
  id: string;
  type: string;
  provider: string;
  source: string;
  createdAt: string;
  /** The payload as JSON text. */
  data: string;
}

export interface RouteVerdict {
  /** Filtered subscriptions whose filter passed. */
  pass: string[];
  /** Filtered subscriptions that wanted the type and source but whose filter failed. */
  failed: number;
}

const NONE: RouteVerdict = { pass: [], failed: 0 };

function patternMatches(pattern: string, type: string, provider: string): boolean {
  return pattern === '*' || pattern === type || pattern === `${provider}.*`;
}

export class FilterRouter {
  #subs: FilteredSubscription[] = [];
  #routes: Route[] = [];
  readonly #byType = new Map<string, Route[]>();

  /** Replaces the set of active subscriptions that carry a filter. */
  set(subs: readonly FilteredSubscription[]): void {
    this.#subs = [...subs];
    this.#routes = subs.map((s) => ({
      id: s.id,
      sources: s.sources ? new Set(s.sources) : null,
      // A stored filter was valid when saved; one that no longer compiles matches nothing.
      filter: compileStoredFilter(s.filter),
    }));
    this.#byType.clear();
  }

  get size(): number {
    return this.#routes.length;
  }

  #forType(type: string, provider: string): Route[] {
    let routes = this.#byType.get(type);
    if (!routes) {
      routes = this.#routes.filter((_r, i) => (this.#subs[i] as FilteredSubscription).events.some((p) => patternMatches(p, type, provider)));
      this.#byType.set(type, routes);
    }
    return routes;
  }

  evaluate(event: RoutedEvent): RouteVerdict {
    if (this.#routes.length === 0) return NONE;
    const routes = this.#forType(event.type, event.provider).filter((r) => !r.sources || r.sources.has(event.source));
    if (routes.length === 0) return NONE;
    let body: unknown;
    try {
      body = {
        id: event.id,
        type: event.type,
        provider: event.provider,
        source: event.source,
        created_at: event.createdAt,
        data: JSON.parse(event.data) as unknown,
      };
    } catch {
      return { pass: [], failed: routes.length };
    }
    const pass: string[] = [];
    for (const r of routes) if (r.filter?.matches(body)) pass.push(r.id);
    return { pass, failed: routes.length - pass.length };
  }
}
