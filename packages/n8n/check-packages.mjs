// The package check: what `npm pack` would publish for each n8n package, judged by n8n's
// rules for verified community packages.
//   - the tarball holds only dist/ and docs (package.json, README, LICENSE)
//   - dependencies is empty, the only peer is "n8n-workflow": "*", no overrides, no install scripts
//   - every credential and node file the n8n section lists is in the tarball and loads:
//     its class (named as the file) instantiates, nodes name only this package's credentials,
//     and icons and codex files they point at are shipped too
//   - the bundles require nothing but n8n-workflow and crypto
//
//   node packages/n8n/check-packages.mjs [--json] [vyora …]   (run after build.mjs)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PACKAGES = ['vyora', 'ayra', 'aila', 'ayla'];
const DOCS = /^(package\.json|README(\.md)?|LICENSE(\.md|\.txt)?|CHANGELOG\.md)$/i;
const LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepare', 'prepack', 'postpack', 'prepublish', 'preprepare', 'postprepare'];
const ALLOWED_REQUIRES = new Set(['n8n-workflow', 'crypto', 'node:crypto']);

function npmPackFiles(dir) {
  const res = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`npm pack --dry-run failed in ${dir}: ${res.stderr}`);
  const parsed = JSON.parse(res.stdout);
  return parsed[0].files.map((f) => f.path);
}

function iconPaths(icon) {
  if (!icon) return [];
  const values = typeof icon === 'string' ? [icon] : [icon.light, icon.dark];
  return values.filter((v) => typeof v === 'string' && v.startsWith('file:')).map((v) => v.slice('file:'.length));
}

/** Problems found in the package in `dir` (a provider's folder); empty means it passes. */
export function checkPackage(dir) {
  const problems = [];
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const files = npmPackFiles(dir);
  const shipped = new Set(files);

  if (!/^n8n-nodes-[a-z0-9][a-z0-9-]*$/.test(String(pkg.name))) problems.push(`name ${pkg.name} is not n8n-nodes-<service>`);
  if (!pkg.keywords?.includes('n8n-community-node-package')) problems.push('keywords lack n8n-community-node-package');
  for (const f of files) {
    if (!f.startsWith('dist/') && !DOCS.test(f)) problems.push(`tarball holds ${f}: only dist/ and docs may be published`);
    if (/\.ts$/.test(f) && !f.endsWith('.d.ts')) problems.push(`tarball holds TypeScript source ${f}`);
  }
  if (pkg.dependencies && Object.keys(pkg.dependencies).length > 0) problems.push(`dependencies must be empty: ${Object.keys(pkg.dependencies).join(', ')}`);
  if (JSON.stringify(pkg.peerDependencies) !== JSON.stringify({ 'n8n-workflow': '*' })) {
    problems.push(`peerDependencies must be exactly {"n8n-workflow":"*"}, got ${JSON.stringify(pkg.peerDependencies)}`);
  }
  if (pkg.overrides) problems.push('package.json must not have overrides');
  for (const s of LIFECYCLE) if (pkg.scripts?.[s]) problems.push(`lifecycle script "${s}" is not allowed`);

  const n8n = pkg.n8n ?? {};
  if (n8n.n8nNodesApiVersion !== 1) problems.push('n8n.n8nNodesApiVersion must be 1');
  const credentialFiles = n8n.credentials ?? [];
  const nodeFiles = n8n.nodes ?? [];
  if (nodeFiles.length === 0) problems.push('n8n.nodes is empty');

  const requireFrom = createRequire(path.join(dir, 'package.json'));
  const load = (file, suffix) => {
    if (!shipped.has(file)) {
      problems.push(`${file} is listed in the n8n section but not in the tarball`);
      return undefined;
    }
    const abs = path.join(dir, file);
    const source = readFileSync(abs, 'utf8');
    for (const m of source.matchAll(/require\("([^"]+)"\)/g)) {
      if (!ALLOWED_REQUIRES.has(m[1])) problems.push(`${file} requires "${m[1]}": bundles may require only n8n-workflow and crypto`);
    }
    const className = path.basename(file, suffix);
    try {
      const Cls = requireFrom(abs)[className];
      if (typeof Cls !== 'function') {
        problems.push(`${file} does not export a class named ${className}`);
        return undefined;
      }
      return new Cls();
    } catch (e) {
      problems.push(`${file} does not load: ${e instanceof Error ? e.message : e}`);
      return undefined;
    }
  };
  const checkIcons = (file, icon) => {
    for (const rel of iconPaths(icon)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), rel));
      if (!shipped.has(target)) problems.push(`${file} points at icon ${target}, which is not shipped`);
    }
  };

  const credentialNames = new Set();
  for (const file of credentialFiles) {
    const cred = load(file, '.credentials.js');
    if (!cred) continue;
    if (typeof cred.name !== 'string' || !Array.isArray(cred.properties)) problems.push(`${file} is not a credential type`);
    credentialNames.add(cred.name);
    checkIcons(file, cred.icon);
  }
  for (const file of nodeFiles) {
    const node = load(file, '.node.js');
    const d = node?.description;
    if (!d) continue;
    if (!Array.isArray(d.properties) || typeof d.name !== 'string') problems.push(`${file} has no usable description`);
    for (const c of d.credentials ?? []) {
      if (!credentialNames.has(c.name)) problems.push(`${file} uses credential ${c.name}, which this package does not define`);
    }
    checkIcons(file, d.icon);
    const codex = file.replace(/\.js$/, '.json');
    if (!shipped.has(codex)) problems.push(`${file} has no codex file ${codex}`);
    else {
      const c = JSON.parse(readFileSync(path.join(dir, codex), 'utf8'));
      if (c.node !== `${pkg.name}.${d.name}`) problems.push(`${codex} names node ${c.node}, expected ${pkg.name}.${d.name}`);
    }
  }
  return { name: pkg.name, files, problems };
}

function main(argv) {
  const json = argv.includes('--json');
  const names = argv.filter((a) => !a.startsWith('--'));
  const results = (names.length > 0 ? names : PACKAGES).map((n) => {
    if (!existsSync(path.join(here, n, 'dist'))) return { name: `n8n-nodes-${n}`, files: [], problems: ['no dist/: run packages/n8n/build.mjs first'] };
    return checkPackage(path.join(here, n));
  });
  if (json) console.log(JSON.stringify(results, null, 2));
  else {
    for (const r of results) {
      console.log(`${r.name}: ${r.files.length} file(s), ${r.problems.length === 0 ? 'ok' : `${r.problems.length} problem(s)`}`);
      for (const p of r.problems) console.log(`  - ${p}`);
    }
  }
  if (results.some((r) => r.problems.length > 0)) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
