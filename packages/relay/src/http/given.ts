/** The fields of `fields` that hold a value, each without `undefined` in its type. */
export type Given<T> = { [K in keyof T]?: Exclude<T[K], undefined | null> };

/**
 * Only the filters a request gave. Storage's filters are optional properties that must be
 * absent rather than undefined (exactOptionalPropertyTypes), and an empty query value
 * (`?type=`) means no filter, as it does in a browser's form.
 */
export function given<T extends Record<string, unknown>>(fields: T): Given<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== null && value !== '') out[key] = value;
  return out as Given<T>;
}
