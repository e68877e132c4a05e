// n8n's community lint, run the way n8n's package scanner (@n8n/scan-community-package)
// runs it before verifying a package: @n8n/eslint-plugin-community-nodes' recommended
// rules plus eslint-plugin-n8n-nodes-base's community, credentials and nodes rule sets,
// over two legs:
//   source: package.json and nodes/**, credentials/** (the .ts a reviewer reads)
//   dist:   package.json and dist/**/*.js (what n8n Cloud would run: the bundle with core)
// and a third leg of our own, because the action nodes' parameters are generated from core's
// specs at load time and so are invisible to rules that read source literals:
//   generated: each built node's description written out as a literal in a .node.ts file,
//              linted with the nodes rules (option order, display name case, descriptions …)
//
//   node packages/n8n/lint.mjs [vyora …]   exits 1 on any error
import path from 'node:path';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

const here = path.dirname(fileURLToPath(import.meta.url));
const PACKAGES = ['vyora', 'ayra', 'aila', 'ayla'];

/** The scanner's configuration, rule for rule (see buildScanConfig in n8n's scanner). */
export function scanConfig() {
  return [
    n8nCommunityNodesPlugin.configs.recommended,
    { rules: { 'no-console': 'error' } },
    { plugins: { 'n8n-nodes-base': n8nNodesBase } },
    { files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
    {
      files: ['**/credentials/**/*.ts'],
      rules: {
        ...n8nNodesBase.configs.credentials.rules,
        'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
        'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
      },
    },
    {
      files: ['**/nodes/**/*.ts'],
      rules: {
        ...n8nNodesBase.configs.nodes.rules,
        'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
        'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
        'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
      },
    },
    { files: ['**/*.json'], languageOptions: { parser: tsParser } },
    { files: ['**/*.ts'], languageOptions: { parser: tsParser } },
  ];
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A value as TypeScript source, keys unquoted where they can be, as a hand-written description would be. */
function toSource(value, indent = '') {
  const next = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${next}${toSource(v, next)}`).join(',\n')},\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const body = entries.map(([k, v]) => `${next}${IDENTIFIER.test(k) ? k : JSON.stringify(k)}: ${toSource(v, next)}`);
    return `{\n${body.join(',\n')},\n${indent}}`;
  }
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  return JSON.stringify(value);
}

/** Writes each built node's description as a literal .node.ts file and lints those with the nodes rules. */
async function lintGenerated(name) {
  const cwd = path.join(here, name);
  const pkg = JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8'));
  const requireFrom = createRequire(path.join(cwd, 'package.json'));
  const dir = mkdtempSync(path.join(tmpdir(), `n8n-lint-${name}-`));
  try {
    for (const file of pkg.n8n?.nodes ?? []) {
      if (!existsSync(path.join(cwd, file))) continue;
      const className = path.basename(file, '.node.js');
      const description = new (requireFrom(path.join(cwd, file))[className])().description;
      const target = path.join(dir, 'nodes', className, `${className}.node.ts`);
      mkdirSync(path.dirname(target), { recursive: true });
      // Icons are checked on the real sources; here only the parameters matter.
      const { icon: _icon, ...rest } = description;
      writeFileSync(
        target,
        `import type { INodeType, INodeTypeDescription } from 'n8n-workflow';\n\nexport class ${className} implements INodeType {\n  description: INodeTypeDescription = ${toSource(rest, '  ')};\n}\n`,
      );
    }
    const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: scanConfig().filter((c) => c.files?.[0] === '**/nodes/**/*.ts' || c.plugins?.['n8n-nodes-base'] || c.files?.[0] === '**/*.ts') });
    const results = await eslint.lintFiles(['nodes/**/*.ts']);
    for (const r of results) r.filePath = `generated description of ${path.basename(r.filePath, '.node.ts')} (${name})`;
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function lintPackage(name) {
  const cwd = path.join(here, name);
  const eslint = new ESLint({ cwd, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: scanConfig() });
  const source = await eslint.lintFiles(['package.json', 'nodes/**/*.ts', 'credentials/**/*.ts']);
  const built = existsSync(path.join(cwd, 'dist'));
  const dist = built ? await eslint.lintFiles(['dist/**/*.js']) : [];
  const generated = built ? await lintGenerated(name) : [];
  const results = [...source, ...dist, ...generated];
  const formatter = await eslint.loadFormatter('stylish');
  return {
    errors: results.reduce((n, r) => n + r.errorCount, 0),
    warnings: results.reduce((n, r) => n + r.warningCount, 0),
    distLinted: dist.length,
    generatedLinted: generated.length,
    report: await formatter.format(results),
  };
}

async function main(argv) {
  const names = argv.length > 0 ? argv : PACKAGES.filter((n) => existsSync(path.join(here, n, 'nodes')));
  let failed = false;
  for (const name of names) {
    const r = await lintPackage(name);
    if (r.report.trim()) console.log(r.report);
    console.log(
      `n8n-nodes-${name}: ${r.errors} error(s), ${r.warnings} warning(s), ${r.distLinted} dist file(s) and ${r.generatedLinted} generated description(s) linted`,
    );
    if (r.errors > 0 || r.distLinted === 0 || r.generatedLinted === 0) failed = true;
  }
  if (failed) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
