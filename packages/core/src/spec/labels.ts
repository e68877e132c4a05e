/**
 * Words and labels from what core names in code, shared by the platform wrappers that show
 * them (Zapier's keys and labels, Make's ids and labels), so a name reads the same in each.
 */

const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'but', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'via', 'vs']);

/** Splits `waitForAnalysis`, `team_metrics`, `call.data.extracted` into lower-case words. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** "(last" → "(Last": the first letter, wherever punctuation puts it. */
export function capitalize(word: string): string {
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

/** An event or enum value as a label: `call_completed` → "Call Completed". */
export function valueLabel(value: string): string {
  return words(value).map(capitalize).join(' ');
}
