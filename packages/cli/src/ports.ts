import { UsageError } from './errors';

/** A --port flag: a whole number 0-65535 (0 picks a free port), or the default when absent. */
export function parsePort(value: string | undefined, fallback: number, flag = '--port'): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`${flag} must be a whole number from 0 to 65535, got "${value}"`, { field: flag });
  }
  return Number(value);
}
