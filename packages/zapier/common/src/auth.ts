import type { AuthField, Authentication, Bundle, ZObject } from 'zapier-platform-core';
import { API_KEY_FIELD, apiKeyOf, clientFor } from './client';
import { getPath, type OperationSpec, type ProviderSpec } from './core';
import { zapierErrors } from './errors';
import { isItem, type Item } from './output';

/**
 * Custom auth with the provider's API key. The connection test runs core's `testOperation`
 * (a cheap authenticated read) for one item; the connection label says what the key can see,
 * and for Ayla which mode its prefix selects, and never shows the key itself.
 */

export interface AuthOptions {
  /** Optional fields beside the API key (the relay's URL and token, Aila's organization). */
  extraFields?: AuthField[];
  /** Checks the extra fields while testing the connection; throws a Zapier error naming the problem. */
  check?: (z: ZObject, bundle: Bundle) => Promise<void>;
  /** More words for the connection label, e.g. which relay is connected. */
  labelParts?: (bundle: Bundle) => string[];
}

/** The smallest request the test operation allows: one item where it pages. */
export function testInput(spec: ProviderSpec, op: OperationSpec): Record<string, unknown> {
  const p = spec.pagination;
  const size = p.style === 'offset' ? p.limitParam : p.style === 'page' || p.style === 'cursor' ? p.sizeParam : undefined;
  return size && size in op.fields ? { [size]: 1 } : {};
}

/** `test` or `live` from the key's prefix where the provider has modes (Ayla), else null. */
export function keyMode(spec: ProviderSpec, apiKey: string): 'test' | 'live' | null {
  const modes = spec.keyModes;
  if (!modes) return null;
  if (apiKey.startsWith(modes.test)) return 'test';
  if (apiKey.startsWith(modes.live)) return 'live';
  return null;
}

function countPhrase(spec: ProviderSpec, op: OperationSpec, result: unknown): string | undefined {
  if (!op.list) return undefined;
  const p = spec.pagination;
  const totalPath = p.style === 'page' || p.style === 'offset' ? p.totalPath : undefined;
  const total = totalPath ? getPath(result, totalPath) : undefined;
  const items = getPath(result, op.list.itemsPath);
  const count = typeof total === 'number' ? total : Array.isArray(items) ? items.length : undefined;
  if (count === undefined) return undefined;
  const last = op.list.itemsPath.split('.').pop() ?? '';
  const plural = last !== '' && last !== 'data' ? last : op.resource;
  return `${count} ${count === 1 ? plural.replace(/s$/, '') : plural}`;
}

export function connectionLabel(spec: ProviderSpec, bundle: Bundle, options: AuthOptions = {}): string {
  const op = spec.operations[spec.testOperation] as OperationSpec;
  const mode = keyMode(spec, apiKeyOf(bundle));
  const parts = [mode ? `${spec.name} ${mode} mode` : spec.name];
  const count = countPhrase(spec, op, bundle.inputData);
  if (count) parts.push(count);
  parts.push(...(options.labelParts?.(bundle) ?? []));
  return parts.join(' · ');
}

export function buildAuthentication(spec: ProviderSpec, options: AuthOptions = {}): Authentication {
  const op = spec.operations[spec.testOperation] as OperationSpec;
  const test = (z: ZObject, bundle: Bundle): Promise<Item> =>
    zapierErrors(z, spec, op, async () => {
      const result = await clientFor(spec, z, bundle).call(op.name, testInput(spec, op));
      await options.check?.(z, bundle);
      return isItem(result) ? result : { result };
    });
  return {
    type: 'custom',
    fields: [
      {
        key: API_KEY_FIELD,
        label: 'API Key',
        type: 'password',
        required: true,
        helpText: `Your ${spec.name} API key. ${spec.keyHelp}`,
      },
      ...(options.extraFields ?? []),
    ],
    test,
    connectionLabel: async (_z: ZObject, bundle: Bundle) => connectionLabel(spec, bundle, options),
  };
}
