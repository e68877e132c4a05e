import type { Bundle } from 'zapier-platform-core';

/**
 * The webhook request as it reached Zapier. Zapier hands a REST hook's perform the raw body
 * text and the headers, names prefixed with `Http-` and title-cased (`Http-Webhook-Id`);
 * signatures are checked over exactly that text, never over a re-serialized parse.
 */
export interface HookRequest {
  body: string;
  /** Lower-case names without Zapier's `Http-` prefix. */
  headers: Record<string, string>;
}

export function hookRequest(bundle: Pick<Bundle, 'rawRequest'>): HookRequest {
  const raw = bundle.rawRequest ?? {};
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.headers ?? {})) {
    if (typeof value !== 'string') continue;
    const lower = name.toLowerCase();
    headers[lower.startsWith('http-') ? lower.slice(5) : lower] = value;
  }
  return { body: typeof raw.content === 'string' ? raw.content : '', headers };
}
