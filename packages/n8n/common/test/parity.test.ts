import type { INodeProperties, INodeType } from 'n8n-workflow';
import { aila, ayla, ayra, requiredFields, vyora, type ProviderSpec } from '@callbridge/core';
import { Aila } from '../../aila/nodes/Aila/Aila.node';
import { AilaTrigger } from '../../aila/nodes/AilaTrigger/AilaTrigger.node';
import { Ayla } from '../../ayla/nodes/Ayla/Ayla.node';
import { Ayra } from '../../ayra/nodes/Ayra/Ayra.node';
import { Vyora } from '../../vyora/nodes/Vyora/Vyora.node';
import { VyoraTrigger } from '../../vyora/nodes/VyoraTrigger/VyoraTrigger.node';
import { pagingFields } from '../src/layout';

/**
 * Parity: every operation core defines appears in its provider's node under core's own
 * names (resource, action, field), with the same required fields marked required, and every
 * optional field reachable (on the form, in its collection, or as Return All / Limit).
 * Adding an operation or a required field to core without it reaching n8n fails here.
 */

const cases: Array<[string, ProviderSpec, INodeType]> = [
  ['vyora', vyora, new Vyora()],
  ['ayra', ayra, new Ayra()],
  ['aila', aila, new Aila()],
  ['ayla', ayla, new Ayla()],
];

function shownFor(p: INodeProperties, resource: string, action: string): boolean {
  const show = p.displayOptions?.show;
  return show?.['resource']?.includes(resource) === true && show['operation']?.includes(action) === true;
}

function optionValues(p: INodeProperties | undefined): unknown[] {
  return (p?.options ?? []).map((o) => ('value' in o ? o.value : undefined));
}

describe.each(cases)('%s node parity with core', (_id, spec, node) => {
  const props = node.description.properties;
  const ops = Object.values(spec.operations);

  it('offers every core resource', () => {
    const resource = props.find((p) => p.name === 'resource');
    expect(new Set(optionValues(resource))).toEqual(new Set(ops.map((o) => o.resource)));
  });

  it.each(ops.map((o) => [o.name, o] as const))('%s: the operation, its required fields and its optional fields', (_name, op) => {
    const operation = props.find((p) => p.name === 'operation' && p.displayOptions?.show?.['resource']?.includes(op.resource));
    expect(optionValues(operation)).toContain(op.action);

    const own = props.filter((p) => shownFor(p, op.resource, op.action));
    const required = own.filter((p) => p.required === true && p.name !== 'binaryPropertyName').map((p) => p.name);
    expect(required.sort()).toEqual(requiredFields(op).sort());

    const skipped = new Set(op.list ? pagingFields(spec.pagination) : []);
    const reachable = new Set(own.flatMap((p) => (p.type === 'collection' ? (p.options ?? []).map((o) => o.name) : [p.name])));
    for (const name of Object.keys(op.fields)) {
      if (skipped.has(name)) continue;
      expect({ field: name, reachable: reachable.has(name) }).toEqual({ field: name, reachable: true });
    }
    if (op.list) expect(own.map((p) => p.name)).toEqual(expect.arrayContaining(['returnAll', 'limit']));
  });
});

describe('trigger parity with core', () => {
  it.each([
    ['vyora', vyora, new VyoraTrigger()],
    ['aila', aila, new AilaTrigger()],
  ] as const)('%s trigger offers exactly core’s webhook events', (_id, spec, node) => {
    const events = node.description.properties.find((p) => p.name === 'events');
    expect(new Set(optionValues(events))).toEqual(new Set(spec.webhooks?.events));
  });

  it('the Aila trigger asks for the organization as webhooks.create does', () => {
    const org = new AilaTrigger().description.properties.find((p) => p.name === 'organization_id');
    expect(org).toMatchObject({ required: true, displayName: aila.operations['webhooks.create'].fields.organization_id.meta.label });
  });
});
