/* global fetch */
// The live test: the built n8n packages inside a real n8n, against the sandbox.
//
//   npm run test:n8n            (from the repository root)
//
// Steps 1 and 2 are install.mjs's, shared with the journeys in test/ (through prepare.mjs).
// 1. Installs n8n 2.8.4 once into a cache outside the repository (~/.cache/callbridge/n8n-2.8.4,
//    or CALLBRIDGE_N8N_CACHE), with xlsx taken from the npm registry (n8n points it at a
//    download site this machine cannot reach) and sqlite3 built against the machine's Node.
// 2. Builds the four packages, packs them with npm pack and unpacks the tarballs side by side
//    into one custom extensions folder (n8n 2.8 keeps one loader per custom folder, so several
//    folders would shadow each other).
// 3. Starts the sandbox, imports credentials and workflows with n8n's CLI and runs each workflow
//    with `n8n execute --id`: trigger a Vyora call and wait for its analysis, list every Ayra
//    agent with Return All, verify an Ayla sender ID.
//
// Environment: N8N_NODE picks the Node binary n8n runs on (default: the machine's /usr/bin/node,
// whose headers sqlite3 is built against; n8n 2.8 runs on Node 20.19 to 24).
// CALLBRIDGE_KEEP=1 keeps the temporary n8n home for inspection.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  buildAndInstall,
  cleanEnv,
  ensureN8n,
  freePort,
  mustRunAsync,
  n8nBin,
  n8nCache,
  n8nSettings,
  repo,
  runAsync,
  runtimeNode,
} from './install.mjs';

const log = (line) => console.log(`[test:n8n] ${line}`);

function nodeJson(name, type, parameters, credentials, x) {
  return { id: `node-${name.replace(/\W+/g, '-').toLowerCase()}`, name, type, typeVersion: 1, position: [x, 0], parameters, ...(credentials ? { credentials } : {}) };
}

/** A workflow: a manual trigger followed by `steps` in a line. */
function workflow(id, name, steps) {
  const nodes = [nodeJson('Start', 'n8n-nodes-base.manualTrigger', {}, undefined, 0)];
  const connections = {};
  let previous = 'Start';
  steps.forEach((s, i) => {
    nodes.push(nodeJson(s.name, s.type, s.parameters, s.credentials, 220 * (i + 1)));
    connections[previous] = { main: [[{ node: s.name, type: 'main', index: 0 }]] };
    previous = s.name;
  });
  return { id, name, active: false, settings: {}, nodes, connections, pinData: {} };
}

const CRED = { vyora: 'cbLiveVyora0001', ayra: 'cbLiveAyra00001', ayla: 'cbLiveAyla00001' };

function fixtures(sandbox) {
  const credentials = [
    { id: CRED.vyora, name: 'Vyora sandbox', type: 'vyoraApi', data: { apiKey: sandbox.keys.vyora, baseUrl: sandbox.urls.vyora, webhookSecret: '' } },
    { id: CRED.ayra, name: 'Ayra sandbox', type: 'ayraApi', data: { apiKey: sandbox.keys.ayra, baseUrl: sandbox.urls.ayra } },
    { id: CRED.ayla, name: 'Ayla sandbox', type: 'aylaApi', data: { apiKey: sandbox.keys.ayla, baseUrl: sandbox.urls.ayla } },
  ];
  const cred = (type, id, name) => ({ [type]: { id, name } });
  const workflows = [
    workflow('cbLiveVyoraCall', 'Vyora: trigger a call and wait for its analysis', [
      {
        name: 'Trigger Call',
        type: 'CUSTOM.vyora',
        credentials: cred('vyoraApi', CRED.vyora, 'Vyora sandbox'),
        parameters: {
          resource: 'calls',
          operation: 'trigger',
          phone_number: '+919876543210',
          additionalFields: { agent_name: 'Home Loan Agent', custom_args: { pairs: [{ name: 'name', value: 'Rahul Sharma' }, { name: 'product', value: 'Home Loan' }] } },
        },
      },
      {
        name: 'Get Call',
        type: 'CUSTOM.vyora',
        credentials: cred('vyoraApi', CRED.vyora, 'Vyora sandbox'),
        parameters: { resource: 'calls', operation: 'get', call_id: '={{ $json.call_id }}', waitForAnalysis: true, interval_seconds: 0.5, timeout_seconds: 60 },
      },
    ]),
    workflow('cbLiveAyraAgent', 'Ayra: list every agent', [
      {
        name: 'List Agents',
        type: 'CUSTOM.ayra',
        credentials: cred('ayraApi', CRED.ayra, 'Ayra sandbox'),
        parameters: { resource: 'agents', operation: 'list', returnAll: true },
      },
    ]),
    workflow('cbLiveAylaSendr', 'Ayla: verify a sender ID', [
      {
        name: 'Verify Sender',
        type: 'CUSTOM.ayla',
        credentials: cred('aylaApi', CRED.ayla, 'Ayla sandbox'),
        parameters: { resource: 'sender', operation: 'verify', sender_id: 'GTBANKNG', country_code: 'NG', additionalFields: { organisation_type: 'bank' } },
      },
    ]),
  ];
  return { credentials, workflows };
}

/** The items a node output in a `n8n execute --rawOutput` result. */
function outputOf(result, nodeName) {
  const runs = result?.data?.resultData?.runData?.[nodeName];
  if (!runs) throw new Error(`node "${nodeName}" did not run`);
  return (runs[0]?.data?.main?.[0] ?? []).map((i) => i.json);
}

function parseExecution(stdout) {
  // n8n prints a few log lines (task broker, runners) before the JSON, and now and then one
  // after it (seen once on a loaded machine): the result is the pretty-printed object from its
  // first line to the first line that closes it at the left margin.
  const start = stdout.search(/^\{/m);
  if (start < 0) throw new Error(`n8n printed no execution result:\n${stdout.slice(-2000)}`);
  const rest = stdout.slice(start);
  const close = rest.search(/^\}\s*$/m);
  const text = close < 0 ? rest : rest.slice(0, close + 1);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${e.message}\n--- n8n printed ---\n${rest.split('\n').slice(-12).join('\n')}`);
  }
}

async function main() {
  const started = Date.now();
  const node = runtimeNode();
  const cache = n8nCache();
  ensureN8n(cache, node, log);

  const work = mkdtempSync(path.join(os.tmpdir(), 'callbridge-n8n-live-'));
  const custom = buildAndInstall(work, log);
  const requireFromRepo = createRequire(path.join(repo, 'package.json'));
  const { startSandbox } = requireFromRepo(path.join(repo, 'packages/sandbox/dist/index.js'));
  const sandbox = await startSandbox({ port: 0, timings: { ringMs: 200, inProgressMs: 500, processingMs: 300 } });
  const checks = [];
  try {
    // What the sandbox holds, asked directly, to judge the node's Return All by.
    const ayraAgents = await fetch(`${sandbox.urls.ayra}/agents?per_page=1`, { headers: { authorization: `Bearer ${sandbox.keys.ayra}` } });
    const ayraTotal = (await ayraAgents.json()).meta?.total;
    if (!Number.isInteger(ayraTotal) || ayraTotal <= 25) throw new Error(`the sandbox should hold more than one default page of Ayra agents, has ${ayraTotal}`);
    const home = path.join(work, 'home');
    mkdirSync(home, { recursive: true });
    const env = cleanEnv({
      ...n8nSettings(home, custom),
      // execute prints its result through the logger at info level.
      N8N_LOG_LEVEL: 'info',
      N8N_RUNNERS_BROKER_PORT: String(await freePort()),
    });
    const n8n = (what, args) => mustRunAsync(what, node.node, [n8nBin(cache), ...args], { cwd: work, env });

    const { credentials, workflows } = fixtures(sandbox);
    writeFileSync(path.join(work, 'credentials.json'), JSON.stringify(credentials));
    const wfDir = path.join(work, 'workflows');
    mkdirSync(wfDir);
    for (const wf of workflows) writeFileSync(path.join(wfDir, `${wf.id}.json`), JSON.stringify(wf));
    log('importing credentials and workflows');
    await n8n('n8n import:credentials', ['import:credentials', `--input=${path.join(work, 'credentials.json')}`]);
    await n8n('n8n import:workflow', ['import:workflow', '--separate', `--input=${wfDir}`]);

    const execute = async (id) => {
      const t = Date.now();
      const res = await runAsync(node.node, [n8nBin(cache), 'execute', `--id=${id}`, '--rawOutput'], { cwd: work, env });
      const result = res.status === 0 ? parseExecution(res.stdout) : undefined;
      const error = result?.data?.resultData?.error;
      if (res.status !== 0 || error) {
        throw new Error(`n8n execute --id=${id} failed: ${error?.message ?? ''}\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`);
      }
      log(`executed ${id} in ${Date.now() - t} ms`);
      return result;
    };
    const check = async (name, fn) => {
      try {
        await fn();
        checks.push({ name, ok: true });
        log(`ok   ${name}`);
      } catch (e) {
        checks.push({ name, ok: false });
        log(`FAIL ${name}\n${e instanceof Error ? e.message : e}`);
      }
    };
    const assert = (cond, message) => {
      if (!cond) throw new Error(message);
    };

    await check('Vyora: trigger a call and wait for its analysis', async () => {
      const result = await execute('cbLiveVyoraCall');
      const [registered] = outputOf(result, 'Trigger Call');
      assert(typeof registered?.call_id === 'string', `Trigger Call gave no call_id: ${JSON.stringify(registered)}`);
      const [call] = outputOf(result, 'Get Call');
      assert(call?.call_id === registered.call_id, `Get Call returned another call: ${JSON.stringify(call)}`);
      assert(call.status === 'completed', `the call is ${call.status}, not completed`);
      assert(call.analysis && typeof call.analysis === 'object', 'the call has no analysis');
      // The sandbox names the contact from custom_args.name: the key/value pairs reached Vyora.
      assert(call.contact_name === 'Rahul Sharma', `custom_args did not reach Vyora (contact_name ${JSON.stringify(call.contact_name)})`);
    });

    await check('Ayra: list every agent with Return All', async () => {
      const result = await execute('cbLiveAyraAgent');
      const agents = outputOf(result, 'List Agents');
      assert(agents.length === ayraTotal, `listed ${agents.length} agents, the sandbox has ${ayraTotal}`);
      assert(new Set(agents.map((a) => a.id)).size === agents.length, 'an agent was listed twice');
    });

    await check('Ayla: verify a sender ID', async () => {
      const result = await execute('cbLiveAylaSendr');
      const [verdict] = outputOf(result, 'Verify Sender');
      assert(['APPROVE', 'REVIEW', 'REJECT'].includes(verdict?.decision), `no decision: ${JSON.stringify(verdict)}`);
    });
  } finally {
    await sandbox.close();
    if (process.env.CALLBRIDGE_KEEP === '1') log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  const passed = checks.filter((c) => c.ok).length;
  const failed = checks.length - passed;
  log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0 || passed === 0) process.exitCode = 1;
}

main().catch((e) => {
  console.error(`[test:n8n] ${e instanceof Error ? e.message : e}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
