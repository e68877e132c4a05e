import type { INodeProperties, NodeParameterValueType } from 'n8n-workflow';

/**
 * Node parameters as n8n resolves them for a node: a value the workflow set, else the
 * default of the one property of that name that the current values display, else the
 * caller's fallback; a parameter that is neither set, displayed nor given a fallback is an
 * error, as in n8n ("Could not get parameter"). Defaults come from the node's real
 * description, so a test also checks that the form's defaults lead somewhere sensible.
 */

export type Parameters = Record<string, unknown>;

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export class ParameterResolver {
  constructor(
    private readonly properties: readonly INodeProperties[],
    private readonly values: Parameters,
  ) {}

  private displayed(p: INodeProperties, depth: number): boolean {
    const show = p.displayOptions?.show;
    if (show) {
      for (const [key, allowed] of Object.entries(show)) {
        if (!Array.isArray(allowed)) continue;
        const v = this.value(key, depth + 1);
        if (!allowed.some((a) => a === v)) return false;
      }
    }
    const hide = p.displayOptions?.hide;
    if (hide) {
      for (const [key, hidden] of Object.entries(hide)) {
        if (!Array.isArray(hidden)) continue;
        const v = this.value(key, depth + 1);
        if (hidden.some((h) => h === v)) return false;
      }
    }
    return true;
  }

  /** The value in force for a parameter, or undefined when none is set or displayed. */
  value(name: string, depth = 0): unknown {
    if (Object.hasOwn(this.values, name)) return this.values[name];
    if (depth > 8) return undefined;
    const p = this.properties.find((prop) => prop.name === name && this.displayed(prop, depth));
    return p ? clone(p.default) : undefined;
  }

  get(name: string, fallback?: unknown): NodeParameterValueType | object {
    const v = this.value(name);
    if (v !== undefined) return v as NodeParameterValueType;
    if (fallback !== undefined) return fallback as NodeParameterValueType;
    throw new Error(`Could not get parameter "${name}"`);
  }
}
