import { describeFields, makeKind, requiredFields, type OperationSpec } from '@callbridge/core';
import { component, loadApp, PROVIDERS } from './support/app';

/**
 * Parity with core: every operation core marks for Make has a module, under the operation's
 * name, with core's field names, exactly core's required fields, core's enum choices and core's
 * dropdowns. The expectations are read from core here, not from the generator.
 */

/** `calls.batchUpload` → `callsBatchUpload`, written out here rather than imported from the generator. */
function expectedName(op: string): string {
  return op.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
}

interface Param {
  name: string;
  type: string;
  required?: boolean;
  options?: unknown;
  multiple?: boolean;
}

describe.each(PROVIDERS)('%s Make parity with core', (id) => {
  const app = loadApp(id);
  const ops = Object.values(app.spec.operations);
  const marked = ops.filter((op) => makeKind(op) !== 'none');

  it('has a module for exactly the operations marked for Make, of the kind core says, plus the universal module and triggers', () => {
    const modules = app.components.filter((c) => c.type === 'module');
    const fromCore = modules.filter((m) => m.meta.moduleType === 'action' || m.meta.moduleType === 'search');
    expect(fromCore.map((m) => m.id).sort()).toEqual(marked.map((op) => expectedName(op.name)).sort());
    for (const op of marked) expect(component(app, 'module', expectedName(op.name)).meta.moduleType).toBe(makeKind(op));
    for (const op of ops.filter((o) => makeKind(o) === 'none')) expect(modules.find((m) => m.id === expectedName(op.name))).toBeUndefined();
    expect(modules.filter((m) => m.meta.moduleType === 'universal')).toHaveLength(1);
  });

  it.each(marked.map((op) => [op.name, op] as const))('%s: core\'s fields, exactly core\'s required ones, its choices and dropdowns', (_name, op: OperationSpec) => {
    const params = component(app, 'module', expectedName(op.name)).code['mappableParams'] as Param[];
    const byName = new Map(params.map((p) => [p.name, p]));
    for (const f of describeFields(op)) {
      const p = byName.get(f.name);
      expect({ field: f.name, present: p !== undefined, required: p?.required === true }).toEqual({ field: f.name, present: true, required: f.required });
      if (f.dynamic) {
        expect({ field: f.name, type: p?.type, rpc: typeof p?.options === 'string' && p.options.startsWith('rpc://') }).toEqual({ field: f.name, type: 'select', rpc: true });
      } else if (f.kind === 'enum' || f.kind === 'enum_list') {
        const values = (p?.options as Array<{ value: string }>).map((o) => o.value);
        expect({ field: f.name, type: p?.type, values, multiple: p?.multiple === true }).toEqual({ field: f.name, type: 'select', values: [...(f.choices ?? [])], multiple: f.kind === 'enum_list' });
      }
      if (f.kind === 'string_list' || f.kind === 'key_value' || f.kind === 'object_list') expect({ field: f.name, type: p?.type }).toEqual({ field: f.name, type: 'array' });
    }
    // Required fields are exactly core's: none added by the Make form, none dropped.
    expect(params.filter((p) => p.required).map((p) => p.name).sort()).toEqual(requiredFields(op).sort());
  });

  it('offers a trigger for every documented event, each subscribing to that one event type', () => {
    const events = app.spec.webhooks && !app.spec.webhooks.open ? app.spec.webhooks.events : [];
    if (id === 'vyora' || id === 'aila') expect(events.length).toBeGreaterThan(0);
    const attaches = app.components.filter((c) => c.type === 'webhook').map((w) => (w.code['attach'] as { body: { events: string[] } }).body.events);
    expect(attaches.flat().sort()).toEqual(events.map((e) => `${id}.${e}`).sort());
    for (const e of attaches) expect(e).toHaveLength(1);
  });
});
