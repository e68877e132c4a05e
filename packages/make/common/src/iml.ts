/**
 * The IML this generator writes, built in one place so that the set of expressions the apps
 * use stays small and known: the request check in the tests evaluates exactly these forms.
 */

/** `{{parameters.name}}`: a module's (or webhook's, or RPC's) input value. */
export function param(name: string): string {
  return `{{parameters.${name}}}`;
}

/** `{{connection.name}}`: a value of the connection the module runs with. */
export function conn(name: string): string {
  return `{{connection.${name}}}`;
}

/** Core's default in Make: the parameter when the user gave one, else the default. */
export function orDefault(expression: string, fallback: number): string {
  return `ifempty(${expression}; ${fallback})`;
}

/** A dotted response path (`meta.total_pages`) as IML over the response body. */
export function bodyPath(path: string): string {
  return `body.${path}`;
}

/** Wraps an expression in `{{ }}`. */
export function iml(expression: string): string {
  return `{{${expression}}}`;
}

/** A JSON string literal in IML (double quotes, escaped as JSON escapes them). */
export function str(value: string): string {
  return JSON.stringify(value);
}
