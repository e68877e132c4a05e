import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSchemas, type ComponentType, type Makecomapp } from '@callbridge/make';

/**
 * A Make app's local project as `callbridge make deploy` reads it: `makecomapp.json` and the
 * code file of every section. It reads the folder, not a fresh generation, so what is deployed
 * is what a user sees (and may have edited in Make's VS Code extension).
 */

export interface LocalComponent {
  type: ComponentType;
  id: string;
  meta: Makecomapp['components'][ComponentType][string];
  /** Section code (`communication`, `params`, …) → file content. */
  code: Record<string, string>;
}

export interface LocalProject {
  dir: string;
  makecomapp: Makecomapp;
  general: { base?: string; groups?: string; readme?: string };
  components: LocalComponent[];
}

async function readText(dir: string, path: string): Promise<string> {
  try {
    return await readFile(join(dir, path), 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${join(dir, path)}, listed in makecomapp.json: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Connections first, then what links to them: the order Make needs references to exist in. */
export const DEPLOY_ORDER: readonly ComponentType[] = ['connection', 'rpc', 'webhook', 'module'];

export async function readProject(dir: string): Promise<LocalProject> {
  let raw: string;
  try {
    raw = await readFile(join(dir, 'makecomapp.json'), 'utf8');
  } catch {
    throw new Error(`no Make app in ${dir} (makecomapp.json is missing); run \`callbridge make build\` first`);
  }
  const parsed = makeSchemas.makecomapp.safeParse(JSON.parse(raw) as unknown);
  if (!parsed.success) throw new Error(`${join(dir, 'makecomapp.json')} is not a valid Make project: ${parsed.error.message}`);
  const makecomapp = parsed.data;
  const general: LocalProject['general'] = {};
  for (const key of ['base', 'groups', 'readme'] as const) {
    const path = makecomapp.generalCodeFiles[key];
    if (path) general[key] = await readText(dir, path);
  }
  const components: LocalComponent[] = [];
  for (const type of DEPLOY_ORDER) {
    for (const [id, meta] of Object.entries(makecomapp.components[type])) {
      const code: Record<string, string> = {};
      for (const [section, path] of Object.entries(meta.codeFiles)) if (path) code[section] = await readText(dir, path);
      components.push({ type, id, meta, code });
    }
  }
  for (const type of ['function', 'endpoint'] as const) {
    if (Object.keys(makecomapp.components[type]).length > 0) throw new Error(`deploying ${type} components is not supported; remove them or deploy from Make's VS Code extension`);
  }
  return { dir, makecomapp, general, components };
}
