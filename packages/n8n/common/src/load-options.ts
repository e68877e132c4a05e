import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { describeFields, type FieldDescriptor, type ProviderSpec } from './core';
import { n8nClient } from './client';
import { toNodeError } from './errors';
import { nodeOperations } from './layout';
import { loadOptionsMethodName } from './properties';

/**
 * Dropdowns for fields whose spec names a list to pick from (`agent_id` from `agents.list`):
 * one loadOptions method per distinct list, each running core's list operation.
 */

export type LoadOptionsMethod = (this: ILoadOptionsFunctions) => Promise<INodePropertyOptions[]>;

/** Enough entries for a dropdown; past this, an ID typed as an expression is the better tool. */
const MAX_CHOICES = 500;

function label(item: Record<string, unknown>, key: string, fallback: string): string {
  const v = item[key];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : fallback;
}

export function loadOptionsMethods(spec: ProviderSpec, credentialType: string): Record<string, LoadOptionsMethod> {
  const dynamics = new Map<string, NonNullable<FieldDescriptor['dynamic']>>();
  for (const op of nodeOperations(spec)) {
    for (const f of describeFields(op)) {
      if (f.dynamic && f.dynamic.value !== f.dynamic.label) dynamics.set(loadOptionsMethodName(f.dynamic), f.dynamic);
    }
  }
  const methods: Record<string, LoadOptionsMethod> = {};
  for (const [name, dynamic] of dynamics) {
    methods[name] = async function (this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
      try {
        const credentials = (await this.getCredentials(credentialType)) as Record<string, unknown>;
        const client = n8nClient(this, spec, credentialType, credentials);
        const items = await client.listAll(dynamic.operation, {}, { limit: MAX_CHOICES });
        const options: INodePropertyOptions[] = [];
        for (const item of items) {
          if (item === null || typeof item !== 'object') continue;
          const record = item as Record<string, unknown>;
          const value = record[dynamic.value];
          if (typeof value !== 'string' && typeof value !== 'number') continue;
          options.push({ name: label(record, dynamic.label, String(value)), value });
        }
        return options.sort((a, b) => a.name.localeCompare(b.name));
      } catch (e) {
        throw toNodeError(this.getNode(), e, 0);
      }
    };
  }
  return methods;
}
