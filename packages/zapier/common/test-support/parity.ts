import { describeFields, type OperationSpec, type ProviderSpec } from '@callbridge/core';
import { dateValues, ISO_8601 } from './harness';

/**
 * The parity check every app runs: what core marks for Zapier appears in the app, under
 * its operation's name, with the same fields and the same required ones, and nothing else
 * does. The expectations are read from core's spec here, independently of the glue that
 * builds the app from it, so a regression in either shows.
 */

interface FieldLike {
  key: string;
  label?: string;
  required?: boolean;
  choices?: unknown;
  dynamic?: string;
  children?: FieldLike[];
  list?: boolean;
}

interface ActionLike {
  key: string;
  noun: string;
  display: { label?: string; description?: string; hidden?: boolean };
  operation: { inputFields?: unknown[]; outputFields?: unknown[]; sample?: Record<string, unknown>; type?: string };
}

export interface AppLike {
  triggers?: Record<string, ActionLike>;
  creates?: Record<string, ActionLike>;
  searches?: Record<string, ActionLike>;
}

/** `calls.batchUpload` → `calls_batch_upload`, written out here rather than imported from the glue. */
export function expectedKey(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/\./g, '_')
    .toLowerCase();
}

/** Core's Zapier marking, with the defaults core documents (reads search, writes create, polls none). */
export function expectedKind(op: OperationSpec): 'create' | 'search' | 'none' {
  if (op.surfaces.zapier) return op.surfaces.zapier;
  if (op.poll) return 'none';
  return op.method === 'GET' ? 'search' : 'create';
}

function fieldsOf(action: ActionLike): FieldLike[] {
  return (action.operation.inputFields ?? []) as FieldLike[];
}

const TITLE_WORD = /^[("]?([A-Z0-9][^\s]*|a|an|and|as|at|by|for|in|of|on|or|the|to|via)$/;

export function isTitleCase(label: string): boolean {
  return label.split(/\s+/).every((w, i) => (i === 0 ? /^[("]?[A-Z0-9]/.test(w) : TITLE_WORD.test(w)));
}

/** Registers the parity tests for one provider's app. */
export function describeParity(spec: ProviderSpec, app: AppLike): void {
  const ops = Object.values(spec.operations);
  const creates = ops.filter((op) => expectedKind(op) === 'create');
  const searches = ops.filter((op) => expectedKind(op) === 'search');
  const hidden = ops.filter((op) => expectedKind(op) === 'none');

  describe(`${spec.name} parity with core`, () => {
    it('offers exactly the creates and searches core marks for Zapier, keyed by operation name', () => {
      expect(Object.keys(app.creates ?? {}).sort()).toEqual(creates.map((op) => expectedKey(op.name)).sort());
      expect(Object.keys(app.searches ?? {}).sort()).toEqual(searches.map((op) => expectedKey(op.name)).sort());
      for (const op of hidden) {
        expect(app.creates?.[expectedKey(op.name)]).toBeUndefined();
        expect(app.searches?.[expectedKey(op.name)]).toBeUndefined();
      }
    });

    const cases = [
      ...creates.map((op) => ({ op, kind: 'creates' as const })),
      ...searches.map((op) => ({ op, kind: 'searches' as const })),
    ];
    it.each(cases.map((c) => [`${c.kind}.${expectedKey(c.op.name)}`, c] as const))('%s has core\'s fields and required flags', (_name, c) => {
      const action = (app[c.kind] ?? {})[expectedKey(c.op.name)] as ActionLike;
      expect(action).toBeDefined();
      const fields = fieldsOf(action);
      const byKey = new Map(fields.map((f) => [f.key, f]));
      const core = describeFields(c.op);
      for (const f of core) {
        const z = byKey.get(f.name);
        expect({ field: f.name, present: z !== undefined }).toEqual({ field: f.name, present: true });
        expect({ field: f.name, required: z?.required === true }).toEqual({ field: f.name, required: f.required });
        expect(isTitleCase(z?.label ?? '')).toBe(true);
        if (f.kind === 'enum' || f.kind === 'enum_list') {
          const values = (z?.choices as Array<{ value: string }> | undefined)?.map((ch) => ch.value);
          expect({ field: f.name, choices: values }).toEqual({ field: f.name, choices: [...(f.choices ?? [])] });
        }
        if (f.kind === 'key_value') expect(z?.children?.length).toBe(2);
        if (f.dynamic && app.triggers?.[expectedKey(f.dynamic.operation)]) {
          const want = `${expectedKey(f.dynamic.operation)}.${f.dynamic.value}.${f.dynamic.label}`;
          expect({ field: f.name, dynamic: z?.dynamic }).toEqual({ field: f.name, dynamic: want });
        }
        if (f.kind === 'string_list' || f.kind === 'enum_list') expect(z?.list).toBe(true);
      }
      // Required fields are exactly core's: none added, none dropped.
      expect(fields.filter((z) => z.required).map((z) => z.key).sort()).toEqual(core.filter((f) => f.required).map((f) => f.name).sort());
    });

    it('turns every list of records into a "New …" polling trigger', () => {
      const lists = ops.filter((op) => op.list && op.action === 'list' && expectedKind(op) !== 'none');
      for (const op of lists) {
        const trigger = app.triggers?.[expectedKey(op.name)];
        expect({ op: op.name, type: trigger?.operation.type, label: trigger?.display.label?.startsWith('New ') }).toEqual({
          op: op.name,
          type: 'polling',
          label: true,
        });
      }
    });

    it('points every dynamic dropdown at a trigger the app has, listing the right records', () => {
      for (const kind of ['creates', 'searches', 'triggers'] as const) {
        for (const action of Object.values(app[kind] ?? {})) {
          for (const f of fieldsOf(action)) {
            if (!f.dynamic) continue;
            const [trigger] = f.dynamic.split('.');
            expect({ field: `${kind}.${action.key}.${f.key}`, trigger: app.triggers?.[trigger as string] !== undefined }).toEqual({
              field: `${kind}.${action.key}.${f.key}`,
              trigger: true,
            });
          }
        }
      }
    });

    it('gives every trigger, create and search a sample with an id, ISO 8601 dates and output fields', () => {
      const all = [...Object.values(app.triggers ?? {}), ...Object.values(app.creates ?? {}), ...Object.values(app.searches ?? {})];
      expect(all.length).toBeGreaterThan(0);
      for (const action of all) {
        const sample = action.operation.sample;
        expect({ key: action.key, hasId: sample !== undefined && (typeof sample['id'] === 'string' || typeof sample['id'] === 'number') }).toEqual({
          key: action.key,
          hasId: true,
        });
        for (const d of dateValues(sample)) expect({ key: action.key, ...d, iso: ISO_8601.test(String(d.value)) }).toEqual({ key: action.key, ...d, iso: true });
        const outputKeys = ((action.operation.outputFields ?? []) as FieldLike[]).map((f) => f.key);
        expect(outputKeys).toContain('id');
        expect(isTitleCase(action.display.label ?? '')).toBe(true);
      }
    });

    // One truth per fact: an instant trigger's sample is core's sample of that webhook, as it
    // arrives (inside the relay's envelope for relay triggers), never a copy of its own.
    const instant = Object.values(app.triggers ?? {}).filter((t) => t.operation.type === 'hook');
    if (instant.length > 0) {
      it('gives each instant trigger core\'s sample of its webhook', () => {
        const core = new Map(Object.entries(spec.webhooks?.samples ?? {}).map(([event, body]) => [expectedKey(event), body]));
        for (const trigger of instant) {
          const sample = trigger.operation.sample;
          const arrived = sample && 'provider' in sample && 'data' in sample ? sample['data'] : sample;
          expect({ trigger: trigger.key, sample: arrived }).toEqual({ trigger: trigger.key, sample: core.get(trigger.key) ?? 'no sample in core' });
        }
      });
    }
  });
}
