import { BadInput } from './failure';
import { readNumber, type Source } from './input';

/**
 * Page sizes as the documents describe them: a default when absent, silently capped at the
 * maximum (Ayra: "Requests exceeding this limit are automatically capped"), and refused
 * below 1, because a page of nothing is a caller's mistake, not a request to cap.
 */
export function pageSize(query: Source, field: string, defaultSize: number, maxSize: number): number {
  const n = readNumber(query, field, { integer: true });
  if (n === undefined) return defaultSize;
  if (n < 1) throw new BadInput(field, `must be between 1 and ${maxSize}`);
  return Math.min(n, maxSize);
}

export function pageNumber(query: Source, field: string): number {
  return readNumber(query, field, { integer: true, min: 1 }) ?? 1;
}

export function offsetOf(query: Source, field: string): number {
  return readNumber(query, field, { integer: true, min: 0 }) ?? 0;
}
