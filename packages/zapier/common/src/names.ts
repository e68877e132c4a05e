/**
 * Zapier keys and labels for what core names in code. Keys keep core's names in snake case
 * (`calls.trigger` → `calls_trigger`, `calls.batchUpload` → `calls_batch_upload`) so a Zap's
 * JSON reads like the CLI; labels are Title Case, as Zapier's style guide asks.
 */

const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'but', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'via', 'vs']);
const ARTICLES = new Set(['a', 'an', 'the']);

/** Splits `waitForAnalysis`, `team_metrics`, `call.completed` into lower-case words. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** `calls.batchUpload` → `calls_batch_upload`: a Zapier key (letters, digits, underscores). */
export function snakeKey(name: string): string {
  return words(name).join('_');
}

/** The Zapier key of a core operation: its name in snake case. */
export function operationKey(operationName: string): string {
  return snakeKey(operationName);
}

function capitalize(word: string): string {
  // "(last" → "(Last": the first letter, wherever punctuation puts it.
  return word.replace(/[A-Za-z]/, (c) => c.toUpperCase());
}

/**
 * Title Case that keeps every word already capitalised as it is (ID, URL, MSISDN, E.164,
 * core's own "Sort By") and the small words lower case after the first:
 * "Volume (last hour)" → "Volume (Last Hour)".
 */
export function titleCase(text: string): string {
  return text
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((w, i) => {
      if (/^[^A-Za-z]*[A-Z]/.test(w)) return w;
      if (i > 0 && SMALL_WORDS.has(w)) return w;
      return capitalize(w);
    })
    .join(' ');
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

/** An event or enum value as a label: `call_completed` → "Call Completed", `task.synced` → "Task Synced". */
export function valueLabel(value: string): string {
  return words(value)
    .map((w) => capitalize(w))
    .join(' ');
}
