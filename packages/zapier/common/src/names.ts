/**
 * Zapier keys and labels for what core names in code. Keys keep core's names in snake case
 * (`calls.trigger` → `calls_trigger`, `calls.batchUpload` → `calls_batch_upload`) so a Zap's
 * JSON reads like the CLI; labels are Title Case, as Zapier's style guide asks.
 */

import { capitalize, titleCase, valueLabel, words } from './core';

export { titleCase, valueLabel, words };

const ARTICLES = new Set(['a', 'an', 'the']);

/** `calls.batchUpload` → `calls_batch_upload`: a Zapier key (letters, digits, underscores). */
export function snakeKey(name: string): string {
  return words(name).join('_');
}

/** The Zapier key of a core operation: its name in snake case. */
export function operationKey(operationName: string): string {
  return snakeKey(operationName);
}

/** "Trigger a call" → "Trigger Call": a summary as an action label, articles dropped. */
export function summaryLabel(summary: string): string {
  const kept = summary.split(/\s+/).filter((w) => !ARTICLES.has(w.toLowerCase()));
  return titleCase(kept.join(' '));
}

/** `contacts` → "Contact", `analytics` stays: the noun one record of a resource is called. */
export function nounOf(resource: string): string {
  const title = words(resource)
    .map((w) => capitalize(w))
    .join(' ');
  if (/(ics|ss|us)$/i.test(title) || !/s$/i.test(title)) return title;
  return title.slice(0, -1);
}

