import type { WebhookHeaders } from './types';

/**
 * The first value of a header, looked up case-insensitively. `name` must be lower case.
 * Node already lower-cases incoming header names, so the direct lookup nearly always
 * hits and the scan over the keys is only the fallback for hand-built header objects.
 */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.length === name.length && key.toLowerCase() === name) {
        value = headers[key];
        if (value !== undefined) break;
      }
    }
  }
  if (Array.isArray(value)) value = value[0];
  return typeof value === 'string' ? value : undefined;
}
