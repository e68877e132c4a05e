import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/events?provider=vyora`, `#/events/evt_…`): the page is one static file, any
 * view can be bookmarked or reloaded, and nothing of a view ever reaches the server's logs.
 */
export interface Route {
  /** Path segments, e.g. ["events", "evt_123"]. */
  parts: string[];
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  return { parts, query: new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)) };
}

/** A hash link: `link(['events', id])`, `link(['events'], {provider: 'vyora'})`. */
export function link(parts: readonly string[], query: Record<string, string | undefined> = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) qs.set(k, v);
  const s = qs.toString();
  return `#/${parts.map(encodeURIComponent).join('/')}${s ? `?${s}` : ''}`;
}

export function navigate(hash: string): void {
  if (location.hash !== hash) location.hash = hash;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
