import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { GeneratedApp } from './project';

/**
 * Writing a generated app to its folder and comparing a folder with a fresh generation. Files
 * the generator does not own are left alone: the deploy record and the VS Code extension's
 * secrets.
 */

/** Files in an app folder that are not generated and never touched or compared. */
export const NOT_GENERATED = new Set(['.make-deploy.json', '.gitignore']);

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== '.secrets') walk(p);
      } else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.filter((f) => !NOT_GENERATED.has(f)).sort();
}

export interface Drift {
  /** Generated but missing from the folder. */
  missing: string[];
  /** In the folder but no longer generated. */
  extra: string[];
  /** In both, with different content. */
  changed: string[];
}

/** How the folder differs from the app; all lists empty means it is up to date. */
export function driftOf(dir: string, app: GeneratedApp): Drift {
  const present = new Set(listFiles(dir));
  const drift: Drift = { missing: [], extra: [], changed: [] };
  for (const [path, content] of app.files) {
    if (!present.has(path)) drift.missing.push(path);
    else if (readFileSync(join(dir, path), 'utf8') !== content) drift.changed.push(path);
  }
  for (const path of present) if (!app.files.has(path)) drift.extra.push(path);
  return drift;
}

export function isUpToDate(d: Drift): boolean {
  return d.missing.length === 0 && d.extra.length === 0 && d.changed.length === 0;
}

/** Writes the app into `dir` and removes generated files it no longer has. Returns what changed. */
export function writeApp(dir: string, app: GeneratedApp): Drift {
  const drift = driftOf(dir, app);
  for (const path of [...drift.missing, ...drift.changed]) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, app.files.get(path) as string);
  }
  for (const path of drift.extra) {
    rmSync(join(dir, path));
    // A component that is gone leaves no empty folder behind.
    for (let d = dirname(join(dir, path)); d !== dir && d.startsWith(dir); d = dirname(d)) {
      if (readdirSync(d).length > 0) break;
      rmdirSync(d);
    }
  }
  return drift;
}
