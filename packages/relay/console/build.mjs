// Bundles the browser console (console/src) into packages/relay/dist/console, which the relay
// serves at /console. Runs after `tsc -b` in the root build: it reads core's compiled provider
// specs so the console's list of providers and event types is derived from core, not restated.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, '..', 'dist', 'console');
const require = createRequire(import.meta.url);
const { providers } = require('../../core/dist/index.js');

/** What the console needs of each provider: its id, its name and the event types it sends. */
const catalog = Object.values(providers).map((p) => ({
  id: p.id,
  name: p.name,
  webhooks: Boolean(p.webhooks),
  open: Boolean(p.webhooks?.open),
  events: p.webhooks ? p.webhooks.events.map((e) => `${p.id}.${e}`) : [],
}));

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: { app: join(here, 'src', 'main.ts') },
  outdir,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  legalComments: 'none',
  define: { __CALLBRIDGE_CATALOG__: JSON.stringify(catalog) },
  logLevel: 'warning',
});
copyFileSync(join(here, 'index.html'), join(outdir, 'index.html'));
