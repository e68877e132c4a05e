// Builds one Zapier app into its dist/: `node ../common/build.mjs` from the app's folder
// (its `build` and `_zapier-build` scripts), or `node build.mjs <app dir>`.
//
// Zapier deploys the app folder with the dependencies npm installs there, and nothing of
// this monorepo: @callbridge/core and the shared glue are bundled into dist/index.js, and
// only zapier-platform-core, which Zapier's runtime needs as a real package, stays outside.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Core's default axios transport is never used inside Zapier (the apps inject z.request),
 * but core's registry imports it. Replacing it with a stub keeps axios and its dependencies
 * out of the bundle; calling it would say why.
 */
const noAxios = {
  name: 'callbridge-no-axios',
  setup(b) {
    b.onResolve({ filter: /\/transport\/axios$/ }, (args) => ({ path: resolve(args.resolveDir, `${args.path}.ts`), namespace: 'no-axios' }));
    b.onLoad({ filter: /.*/, namespace: 'no-axios' }, () => ({
      contents:
        'export function axiosTransport() { throw new Error("callbridge Zapier apps send requests through z.request; core\'s axios transport is not bundled"); }',
      loader: 'js',
    }));
  },
};

/** Builds the app in `appDir`; resolves to esbuild's result (its metafile lists what went in). */
export async function buildApp(appDir, { write = true } = {}) {
  const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
  return build({
    absWorkingDir: appDir,
    entryPoints: [join(appDir, 'src/index.ts')],
    outfile: join(appDir, 'dist/index.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    // Zapier's runtime for zapier-platform-core 19 is Node 22.
    target: 'node22',
    external: Object.keys(pkg.dependencies ?? {}),
    plugins: [noAxios],
    // A bundled CommonJS dependency may call require() for a Node built-in; give it one in ESM.
    banner: { js: "import { createRequire as __cbCreateRequire } from 'node:module'; const require = __cbCreateRequire(import.meta.url);" },
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    write,
  });
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const appDir = resolve(process.argv[2] ?? process.cwd());
  if (resolve(appDir) === here) {
    console.error('build.mjs: run it from an app folder (packages/zapier/<provider>) or pass one');
    process.exit(2);
  }
  const result = await buildApp(appDir);
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`built ${join(appDir, 'dist/index.js')} (${Math.round(bytes / 1024)} KiB)`);
}
