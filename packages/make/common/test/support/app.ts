import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { providers, type ProviderId, type ProviderSpec } from '@callbridge/core';
import type { ComponentType, Makecomapp } from '@callbridge/make';

/**
 * A committed Make app as a user gets it (read from packages/make/<provider>), not a fresh
 * generation: the tests check what is shipped. The drift test proves the two are the same.
 */

export const APPS_DIR = join(__dirname, '..', '..', '..');
export const PROVIDERS: ProviderId[] = ['ayra', 'vyora', 'aila', 'ayla'];

export interface LoadedComponent {
  type: ComponentType;
  id: string;
  meta: Makecomapp['components'][ComponentType][string];
  /** Section code → parsed JSON. */
  code: Record<string, unknown>;
}

export interface LoadedApp {
  spec: ProviderSpec;
  dir: string;
  makecomapp: Makecomapp;
  base: Record<string, unknown>;
  groups: unknown;
  components: LoadedComponent[];
  /** Every file makecomapp.json names, by path → parsed JSON (README as text). */
  files: Map<string, unknown>;
}

function readJson(dir: string, path: string): unknown {
  return JSON.parse(readFileSync(join(dir, path), 'utf8')) as unknown;
}

export function loadApp(id: ProviderId): LoadedApp {
  const dir = join(APPS_DIR, id);
  const makecomapp = readJson(dir, 'makecomapp.json') as Makecomapp;
  const files = new Map<string, unknown>();
  const g = makecomapp.generalCodeFiles;
  if (g.base) files.set(g.base, readJson(dir, g.base));
  if (g.groups) files.set(g.groups, readJson(dir, g.groups));
  if (g.readme) files.set(g.readme, readFileSync(join(dir, g.readme), 'utf8'));
  const components: LoadedComponent[] = [];
  for (const [type, byId] of Object.entries(makecomapp.components) as Array<[ComponentType, Makecomapp['components'][ComponentType]]>) {
    for (const [cid, meta] of Object.entries(byId)) {
      const code: Record<string, unknown> = {};
      for (const [section, path] of Object.entries(meta.codeFiles)) {
        if (!path) continue;
        code[section] = readJson(dir, path);
        files.set(path, code[section]);
      }
      components.push({ type, id: cid, meta, code });
    }
  }
  return {
    spec: providers[id],
    dir,
    makecomapp,
    base: (g.base ? files.get(g.base) : {}) as Record<string, unknown>,
    groups: g.groups ? files.get(g.groups) : [],
    components,
    files,
  };
}

export function component(app: LoadedApp, type: ComponentType, id: string): LoadedComponent {
  const c = app.components.find((x) => x.type === type && x.id === id);
  if (!c) throw new Error(`${app.spec.id}: no ${type} ${id}`);
  return c;
}
