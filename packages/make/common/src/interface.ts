import { keyLabel } from './names';
import type { Json, MakeParameter } from './schemas';

/**
 * A module's output interface, read from core's sample of what the operation returns: every
 * key of the sample becomes an output field with a type from its value, nested objects become
 * collections and lists of objects arrays of collections. The sample is the provider
 * documents' own example, so the interface names the fields the documents name.
 */

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function typeOf(value: unknown): Omit<MakeParameter, 'name' | 'label'> {
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') return { type: 'number' };
  if (typeof value === 'string') {
    if (ISO_TIMESTAMP.test(value)) return { type: 'date' };
    if (/^https?:\/\//.test(value)) return { type: 'url' };
    return { type: 'text' };
  }
  if (Array.isArray(value)) {
    const objects = value.filter(isRecord);
    if (objects.length > 0) {
      // Items of one list may show different keys (a transcript's bot and user turns): merge them.
      const merged = Object.assign({}, ...objects) as Record<string, unknown>;
      return { type: 'array', spec: { type: 'collection', spec: interfaceOf(merged) } };
    }
    const first = value.find((v) => v !== null);
    return first === undefined ? { type: 'array' } : { type: 'array', spec: typeOf(first) as MakeParameter };
  }
  if (isRecord(value)) return { type: 'collection', spec: interfaceOf(value) };
  // null in a sample says only that the field may be empty; text is the loosest useful type.
  return { type: 'text' };
}

/** The interface of one output bundle shaped like `sample`. */
export function interfaceOf(sample: unknown): MakeParameter[] {
  if (!isRecord(sample)) return [];
  return Object.entries(sample).map(([name, value]) => ({ name, label: keyLabel(name), ...typeOf(value) }));
}

/** The sample as Make stores it: a JSON object (an empty one where there is none). */
export function samplesOf(sample: unknown): Record<string, Json> {
  return isRecord(sample) ? (JSON.parse(JSON.stringify(sample)) as Record<string, Json>) : {};
}
