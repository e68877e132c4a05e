// Builds the n8n community packages: type-checks the n8n code, then bundles each node and
// credential with core, zod and the shared glue into the package's dist/ (n8n-workflow
// stays external: n8n provides it), and copies icons and codex files beside them.
//
//   node packages/n8n/build.mjs              type-check, then build all four packages
//   node packages/n8n/build.mjs vyora aila   only these
//   node packages/n8n/build.mjs --no-check   skip the type-check (the tests build this way)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const coreSrc = path.resolve(here, '../core/src');
const shims = path.join(here, 'common/src/shims');
// zod's classic API module: what `z` from 'zod' is, without the index that re-exports it.
const zodClassic = path.join(path.dirname(createRequire(path.join(coreSrc, '..', 'package.json')).resolve('zod')), 'v4/classic/external.js');

export const PACKAGES = ['vyora', 'ayra', 'aila', 'ayla'];

function walk(dir, keep) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full, keep));
    else if (keep(full)) out.push(full);
  }
  return out.sort();
}

/**
 * n8n nodes may not use timers, process-wide globals or Node modules other than crypto
 * (n8n's scanner lints the published dist for exactly that). Core itself is
 * platform-neutral but defaults to setTimeout and names `node:util`; zod keeps its
 * registry on globalThis. These substitutions keep the bundle inside the rules without
 * changing behaviour; each shim says why it is equivalent.
 */
const n8nRules = {
  name: 'n8n-rules',
  setup(build) {
    build.onResolve({ filter: /\/engine\/clock$/ }, (args) =>
      args.resolveDir.startsWith(coreSrc) ? { path: path.join(shims, 'clock.ts') } : undefined,
    );
    build.onResolve({ filter: /^node:util$/ }, () => ({ path: path.join(shims, 'node-util.ts') }));
    // Core's registry (which lists every provider and the axios transport) is reached only
    // to turn a provider id into a spec; the nodes always pass the spec itself.
    build.onResolve({ filter: /\/registry$/ }, (args) =>
      args.resolveDir.startsWith(coreSrc) ? { path: path.join(shims, 'registry.ts') } : undefined,
    );
    // `import { z } from 'zod'` reaches zod's API through an index that re-exports it as one
    // object, which the bundler cannot shake: every locale comes along (0.8 MB per file).
    // Importing the same module namespace directly lets it keep only what core uses. If the
    // import is written otherwise, nothing is rewritten and the bundle is merely larger.
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!args.path.startsWith(coreSrc)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replace(/^import \{ z \} from 'zod';$/gm, `import * as z from ${JSON.stringify(zodClassic)};`);
      return { contents, loader: 'ts' };
    });
  },
};

export async function buildPackage(name) {
  const dir = path.join(here, name);
  const dist = path.join(dir, 'dist');
  rmSync(dist, { recursive: true, force: true });
  const entryPoints = [
    ...walk(path.join(dir, 'nodes'), (f) => f.endsWith('.node.ts')),
    ...walk(path.join(dir, 'credentials'), (f) => f.endsWith('.credentials.ts')),
  ];
  if (entryPoints.length === 0) throw new Error(`${name}: no nodes or credentials to build`);
  await esbuild.build({
    entryPoints,
    outbase: dir,
    outdir: dist,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['n8n-workflow'],
    inject: [path.join(shims, 'global-this.ts')],
    plugins: [n8nRules],
    legalComments: 'none',
    logLevel: 'warning',
    // Readable output: reviewers and n8n's scanner read the published dist.
    minify: false,
    treeShaking: true,
  });
  const assets = [
    ...walk(path.join(dir, 'nodes'), (f) => /\.(svg|png|json)$/.test(f)),
    ...walk(path.join(dir, 'icons'), (f) => /\.(svg|png)$/.test(f)),
  ];
  for (const file of assets) {
    const target = path.join(dist, path.relative(dir, file));
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(file, target);
  }
  return dist;
}

export function typeCheck() {
  const tsc = path.resolve(here, '../../node_modules/.bin/tsc');
  const res = spawnSync(tsc, ['-p', path.join(here, 'tsconfig.json')], { stdio: 'inherit' });
  if (res.status !== 0) throw new Error('type-check of packages/n8n failed');
}

async function main(argv) {
  const check = !argv.includes('--no-check');
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !PACKAGES.includes(n));
  if (unknown.length > 0) throw new Error(`unknown package(s): ${unknown.join(', ')}; known: ${PACKAGES.join(', ')}`);
  if (check) typeCheck();
  for (const name of names.length > 0 ? names : PACKAGES) {
    if (!existsSync(path.join(here, name, 'nodes'))) {
      console.log(`skip ${name}: no nodes yet`);
      continue;
    }
    const dist = await buildPackage(name);
    console.log(`built n8n-nodes-${name} → ${path.relative(process.cwd(), dist)}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
