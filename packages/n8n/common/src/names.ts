/**
 * Display names for what core names in code: n8n shows Title Case labels ("Get Many",
 * "Wait for Analysis") while parameter and option values keep core's own names, so a
 * workflow's JSON reads like the CLI (`calls`, `trigger`, `phone_number`).
 */

const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'but', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'via']);

/** Splits `waitForAnalysis`, `team_metrics`, `call.completed` into lower-case words. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** Title Case with the small words n8n's style guide keeps lower case: "Wait for Analysis". */
export function titleCase(name: string): string {
  return words(name)
    .map((w, i) => (i > 0 && SMALL_WORDS.has(w) ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

/** Sentence case: "Get many agents". */
export function sentenceCase(text: string): string {
  return text.length === 0 ? text : text.charAt(0).toUpperCase() + text.slice(1);
}

/** A resource's label in the singular, as n8n lists resources: `calls` → "Call", `analytics` stays. */
export function resourceDisplayName(resource: string): string {
  const title = titleCase(resource);
  if (/(ics|ss|us)$/i.test(title) || !/s$/i.test(title)) return title;
  return title.slice(0, -1);
}

/** An operation's label: list operations are "Get Many", as everywhere in n8n. */
export function operationDisplayName(action: string, isList: boolean): string {
  return isList ? 'Get Many' : titleCase(action);
}

/** `agents.list` + `id` → `agentsListId`: a stable, identifier-safe method name. */
export function methodName(...parts: string[]): string {
  const all = parts.flatMap(words);
  return all.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

/** An enum value as an option label: `call_completed` → "Call Completed". */
export function optionDisplayName(value: string): string {
  return words(value)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/**
 * A description in n8n's style: one sentence takes no final period, several keep theirs
 * (the rule of eslint-plugin-n8n-nodes-base, which reads "e.g." as no sentence end), and
 * "ID" in capitals.
 */
export function n8nDescription(text: string): string {
  // n8n writes the word in capitals ("ID"); field names such as call_id are left alone.
  const trimmed = text.trim().replace(/\bid\b/g, 'ID').replace(/\bids\b/g, 'IDs');
  const egLess = trimmed.replace('e.g.', '');
  return egLess.split('. ').length === 1 && egLess.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
}

/** n8n labels a dropdown of records "<Entity> Name or ID": `Agent ID` → "Agent Name or ID". */
export function dynamicDisplayName(label: string): string {
  const entity = label.replace(/\s+(ID|Id|Name)$/, '');
  return `${entity} Name or ID`;
}
