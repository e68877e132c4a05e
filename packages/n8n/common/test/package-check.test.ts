import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import type { ICredentialType, INodeType } from 'n8n-workflow';
import { signWebhook } from '@callbridge/core';
import { deliver, runExecute } from './contexts';
import { useHttpMocks } from './setup';

/**
 * The package check, run as CI runs it: build every package, then judge what `npm pack`
 * would publish (check-packages.mjs). A doctored copy proves the check can fail.
 */

const n8nDir = path.resolve(__dirname, '..', '..');

interface PackageResult {
  name: string;
  files: string[];
  problems: string[];
}

function node(script: string, args: string[], cwd = n8nDir) {
  // Without jest's NODE_ENV=test, which switches eslint-plugin-n8n-nodes-base into its own test mode.
  const env = { ...process.env };
  delete env['NODE_ENV'];
  return spawnSync(process.execPath, [path.join(n8nDir, script), ...args], { cwd, encoding: 'utf8', env });
}

function check(args: string[]): PackageResult[] {
  const res = node('check-packages.mjs', ['--json', ...args]);
  return JSON.parse(res.stdout) as PackageResult[];
}

beforeAll(() => {
  const build = node('build.mjs', ['--no-check']);
  expect(build.stderr).toBe('');
  expect(build.status).toBe(0);
}, 60_000);

describe('package check', () => {
  it.each(['vyora', 'ayra', 'aila', 'ayla'])('n8n-nodes-%s publishes only dist and docs, and every listed file loads', (name) => {
    const [result] = check([name]);
    expect(result?.problems).toEqual([]);
    expect(result?.files.every((f) => f.startsWith('dist/') || /^(package\.json|README\.md)$/.test(f))).toBe(true);
    const pkg = JSON.parse(readFileSync(path.join(n8nDir, name, 'package.json'), 'utf8')) as { n8n: { nodes: string[]; credentials: string[] } };
    for (const f of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(result?.files).toContain(f);
  });

  it.each(['vyora', 'ayra', 'aila', 'ayla'])("n8n-nodes-%s passes n8n's community lint on its source and its dist", (name) => {
    const res = node('lint.mjs', [name]);
    expect(res.stdout).toContain(`n8n-nodes-${name}: 0 error(s)`);
    expect(res.status).toBe(0);
  });

  it('catches a runtime dependency, a stray source file and a missing node file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'n8n-pkg-check-'));
    try {
      cpSync(path.join(n8nDir, 'ayla'), dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
      const pkgPath = path.join(dir, 'package.json');
      const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as Record<string, unknown> & { n8n: { nodes: string[] }; files: string[] };
      pkg['dependencies'] = { axios: '^1.0.0' };
      pkg.files = ['dist', 'nodes'];
      pkg.n8n.nodes.push('dist/nodes/Missing/Missing.node.js');
      writeFileSync(pkgPath, JSON.stringify(pkg));
      const res = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `import { checkPackage } from ${JSON.stringify(path.join(n8nDir, 'check-packages.mjs'))}; console.log(JSON.stringify(checkPackage(${JSON.stringify(dir)})));`],
        { encoding: 'utf8' },
      );
      const problems = (JSON.parse(res.stdout) as PackageResult).problems.join('\n');
      expect(problems).toMatch(/dependencies must be empty: axios/);
      expect(problems).toMatch(/tarball holds nodes\/Ayla\/Ayla\.node\.ts/);
      expect(problems).toMatch(/Missing\.node\.js is listed in the n8n section but not in the tarball/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The classes a built file exports, loaded as n8n loads them: plain CommonJS from dist. */
async function built<T>(file: string, className: string): Promise<new () => T> {
  const mod = (await import(path.join(n8nDir, file))) as Record<string, new () => T>;
  const Cls = mod[className];
  if (!Cls) throw new Error(`${file} exports no ${className}`);
  return Cls;
}

describe('built bundles', () => {
  useHttpMocks();

  it('the Vyora node from dist lists agents through the credential it ships', async () => {
    const Vyora = await built<INodeType>('vyora/dist/nodes/Vyora/Vyora.node.js', 'Vyora');
    const VyoraApi = await built<ICredentialType>('vyora/dist/credentials/VyoraApi.credentials.js', 'VyoraApi');
    nock('https://api.vyora.ai', { reqheaders: { 'x-api-key': 'k1' } })
      .get('/v1/agents')
      .query({ limit: '2', offset: '0' })
      .reply(200, { agents: [{ id: 'a' }, { id: 'b' }], total: 9 });
    const out = await runExecute({
      node: new Vyora(),
      credentials: { types: [new VyoraApi()], data: { vyoraApi: { apiKey: 'k1', baseUrl: 'https://api.vyora.ai' } } },
      parameters: { resource: 'agents', operation: 'list', limit: 2 },
    });
    expect(out.map((i) => i.json)).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('the Aila Trigger from dist verifies signatures with the bundled core', async () => {
    const AilaTrigger = await built<INodeType>('aila/dist/nodes/AilaTrigger/AilaTrigger.node.js', 'AilaTrigger');
    const AilaApi = await built<ICredentialType>('aila/dist/credentials/AilaApi.credentials.js', 'AilaApi');
    const body = JSON.stringify({ id: 'evt_1', event: 'call.completed', created_at: '2025-03-04T16:29:40Z', data: { call_id: 'c1' } });
    const sig = signWebhook('aila', { rawBody: body, secret: 's3cret' });
    const setup = {
      node: new AilaTrigger(),
      credentials: { types: [new AilaApi()], data: { ailaApi: { apiKey: 'k', webhookSecret: 's3cret' } } },
      parameters: { organization_id: 'org_1', events: ['call.completed'] },
      staticData: {},
    };
    const ok = await deliver(setup, { body, headers: { [sig.header]: sig.value } });
    expect(ok.result.workflowData?.[0]?.[0]?.json).toMatchObject({ type: 'aila.call.completed', data: { data: { call_id: 'c1' } } });
    const flipped = sig.value.slice(0, -1) + (sig.value.endsWith('0') ? '1' : '0');
    const forged = await deliver(setup, { body, headers: { [sig.header]: flipped } });
    expect(forged.response.status).toBe(401);
  });
});
