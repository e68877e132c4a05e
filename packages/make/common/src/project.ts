import { makeKind, type OperationSpec, type ProviderSpec } from '@callbridge/core';
import { buildBase, connectionCommunication, connectionParameters } from './base';
import { buildModule, type ModuleCode } from './modules';
import { CONNECTION_ID, groupLabel, moduleName, titleCase, UNIVERSAL_MODULE } from './names';
import { buildRpc, dynamicChoices } from './rpcs';
import * as schema from './schemas';
import type { ComponentMeta, Json, Makecomapp } from './schemas';
import { buildTrigger, PROOF_HEADER, triggerEvents } from './triggers';
import { UNIVERSAL_INTERFACE, universalCommunication, universalParameters } from './universal';

/**
 * One provider's whole Make app, as the files of a local project of Make's Apps Editor for VS
 * Code: `makecomapp.json` lists every component and the file of each code section; each code
 * section is its own `.iml.json` file. Every file is checked against the schemas before it is
 * returned, so an app that Make would reject is never written.
 */

export interface GeneratedApp {
  provider: string;
  /** Path (relative to the app's folder) → file content. */
  files: Map<string, string>;
  makecomapp: Makecomapp;
}

/** The order Make's editor writes JSON in: four spaces, a final newline. */
export function jsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 4)}\n`;
}

type Section = { file: string; content: unknown; check: { parse: (v: unknown) => unknown } };

class Builder {
  readonly files = new Map<string, string>();
  readonly components: Makecomapp['components'] = { connection: {}, webhook: {}, module: {}, rpc: {}, function: {}, endpoint: {} };

  add(type: schema.ComponentType, id: string, meta: Omit<ComponentMeta, 'codeFiles'>, sections: Record<string, Section | null>): void {
    const dir = `${type}s/${kebab(id)}`;
    const codeFiles: Record<string, string | null> = {};
    for (const [code, section] of Object.entries(sections)) {
      if (section === null) {
        codeFiles[code] = null;
        continue;
      }
      const path = `${dir}/${kebab(id)}.${section.file}`;
      this.put(path, section.content, section.check, `${type} ${id} ${code}`);
      codeFiles[code] = path;
    }
    this.components[type][id] = { ...meta, codeFiles };
  }

  put(path: string, content: unknown, check: { parse: (v: unknown) => unknown }, what: string): void {
    try {
      check.parse(content);
    } catch (e) {
      throw new Error(`generated ${what} (${path}) does not match Make's structure: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.files.set(path, typeof content === 'string' ? content : jsonFile(content));
  }
}

function kebab(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

const iml = (name: string, content: unknown, check: Section['check']): Section => ({ file: `${name}.iml.json`, content, check });

function moduleSections(m: ModuleCode): Record<string, Section | null> {
  return {
    communication: iml('communication', m.communication, schema.request),
    staticParams: iml('static-params', [], schema.parameters),
    mappableParams: iml('mappable-params', m.mappableParams, schema.parameters),
    interface: iml('interface', m.interface, schema.parameters),
    samples: iml('samples', m.samples, schema.samples),
  };
}

/** The operations that become modules, in core's order. */
export function makeOperations(spec: ProviderSpec): OperationSpec[] {
  return Object.values(spec.operations).filter((op) => makeKind(op) !== 'none');
}

export function moduleLabel(op: OperationSpec): string {
  return titleCase(op.summary);
}

function readme(spec: ProviderSpec, modules: ModuleCode[], triggers: ReturnType<typeof buildTrigger>[]): string {
  const lines = [
    `# ${spec.name} for Make (callbridge)`,
    '',
    `${spec.description} Generated from callbridge's description of the ${spec.name} API; do not edit by hand: run \`callbridge make build ${spec.id}\`.`,
    '',
    '## Connection',
    '',
    `Your ${spec.name} API key and, to use another address (the callbridge sandbox, a staging API), the base URL.`,
    ...(triggerEvents(spec).length > 0 ? ['For the "Watch …" triggers, also your callbridge relay\'s URL and a relay token (admin or scoped).'] : []),
    '',
    '## Modules',
    '',
    ...modules.map((m) => `- **${m.label}** (${m.moduleType}): ${m.description}`),
    `- **Make an API Call** (universal): any ${spec.name} request with the connection's key.`,
    '',
  ];
  if (triggers.length > 0) {
    lines.push(
      '## Triggers',
      '',
      ...triggers.map((t) => `- **${t.module.label}**: \`${t.type}\` events from the relay.`),
      '',
      'Turning a scenario on subscribes its webhook at the relay (`POST /v1/subscriptions`, with the',
      'webhook\'s optional filter and sources); turning it off deletes the subscription.',
      '',
      'The relay signs every delivery (Standard Webhooks), but Make\'s IML sees only the parsed body, not',
      'the raw bytes a signature covers, so this app cannot verify the signature. It checks the',
      `\`${PROOF_HEADER}\` header its subscription carries instead (see the callbridge docs on Make).`,
      '',
    );
  }
  return lines.join('\n');
}

export function generateApp(spec: ProviderSpec): GeneratedApp {
  const b = new Builder();
  const connection = CONNECTION_ID;

  b.add('connection', connection, { label: `${spec.name} API Key`, connectionType: 'basic' }, {
    communication: iml('communication', connectionCommunication(spec), schema.connectionCommunication),
    params: iml('params', connectionParameters(spec), schema.parameters),
    common: null,
  });

  for (const choice of dynamicChoices(spec)) {
    const rpc = buildRpc(spec, choice);
    b.add('rpc', rpc.name, { label: rpc.label, connection }, {
      communication: iml('communication', rpc.communication, schema.request),
      params: iml('params', [], schema.parameters),
    });
  }

  const triggers = triggerEvents(spec).map((event) => buildTrigger(spec, event));
  for (const t of triggers) {
    b.add('webhook', t.webhook.id, { label: t.webhook.label, webhookType: 'web', connection }, {
      communication: iml('communication', t.webhook.communication, schema.webhookCommunication),
      params: iml('params', t.webhook.params, schema.parameters),
      attach: iml('attach', t.webhook.attach, schema.request),
      detach: iml('detach', t.webhook.detach, schema.request),
    });
  }

  const modules = makeOperations(spec).map((op) => buildModule(spec, op, moduleName(op.name), moduleLabel(op)));
  for (const m of modules) {
    b.add('module', m.name, { label: m.label, description: m.description, moduleType: m.moduleType, ...(m.moduleType === 'action' ? { actionCrud: m.crud } : {}), connection }, moduleSections(m));
  }
  for (const t of triggers) {
    b.add('module', t.module.name, { label: t.module.label, description: t.module.description, moduleType: 'instant_trigger', connection, webhook: t.webhook.id }, {
      communication: null,
      staticParams: iml('static-params', [], schema.parameters),
      mappableParams: null,
      interface: iml('interface', t.module.interface, schema.parameters),
      samples: iml('samples', t.module.samples, schema.samples),
    });
  }
  b.add('module', UNIVERSAL_MODULE, { label: 'Make an API Call', description: `Performs an arbitrary authorized ${spec.name} API call.`, moduleType: 'universal', connection }, {
    communication: iml('communication', universalCommunication(), schema.request),
    staticParams: iml('static-params', [], schema.parameters),
    mappableParams: iml('mappable-params', universalParameters(spec), schema.parameters),
    interface: iml('interface', UNIVERSAL_INTERFACE, schema.parameters),
    samples: iml('samples', {}, schema.samples),
  });

  const groups: Array<{ label: string; modules: string[] }> = [];
  if (triggers.length > 0) groups.push({ label: 'Triggers', modules: triggers.map((t) => t.module.name) });
  for (const op of makeOperations(spec)) {
    const label = groupLabel(op.resource);
    let g = groups.find((x) => x.label === label);
    if (!g) groups.push((g = { label, modules: [] }));
    g.modules.push(moduleName(op.name));
  }
  groups.push({ label: 'Other', modules: [UNIVERSAL_MODULE] });

  b.put('general/base.iml.json', buildBase(spec), schema.base, 'base');
  b.put('modules/groups.json', groups as unknown as Json, schema.groups, 'groups');
  b.put('README.md', readme(spec, modules, triggers), { parse: (v) => v }, 'readme');

  const makecomapp: Makecomapp = {
    fileVersion: 1,
    generalCodeFiles: { base: 'general/base.iml.json', common: null, readme: 'README.md', groups: 'modules/groups.json' },
    components: b.components,
    // No origin: `callbridge make deploy` records where it deployed in .make-deploy.json, and
    // Make's VS Code extension adds one when you first deploy from it.
    origins: [],
  };
  b.put('makecomapp.json', makecomapp, schema.makecomapp, 'makecomapp.json');
  return { provider: spec.id, files: b.files, makecomapp };
}
