import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Make } from '@makehq/sdk';
import type { LocalComponent, LocalProject } from './project';

/**
 * Creates or updates one provider's app in a Make account as a private app, through Make's API
 * (`@makehq/sdk`). Idempotent: components Make already has are updated, never created twice.
 * Make names connections and webhooks itself, so the names it gives are recorded beside the
 * app (`.make-deploy.json`, per zone) and found again by the next deploy; modules and RPCs keep
 * the names the project gives them. Each step is recorded as it completes, so an error from
 * Make reports exactly what was done and what was not, and the next deploy resumes from there.
 */

export const STATE_FILE = '.make-deploy.json';

interface OriginState {
  app: string;
  appVersion: number;
  connection: Record<string, string>;
  webhook: Record<string, string>;
}

interface DeployState {
  version: 1;
  /** By Make zone (eu1.make.com, us1.make.com, …). */
  origins: Record<string, OriginState>;
}

async function readState(dir: string): Promise<DeployState> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as DeployState;
    if (parsed.version === 1 && typeof parsed.origins === 'object' && parsed.origins !== null) return parsed;
  } catch {
    // No record yet (or an unreadable one): the deploy finds components by label instead.
  }
  return { version: 1, origins: {} };
}

async function saveState(dir: string, state: DeployState): Promise<void> {
  const path = join(dir, STATE_FILE);
  await writeFile(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

/** Make's module type ids (its API and VS Code extension use these). */
const MODULE_TYPE_IDS: Record<string, number> = { trigger: 1, action: 4, search: 9, instant_trigger: 10, responder: 11, universal: 12 };

/** Local code section → Make API section, per component type. */
const SECTIONS: Record<LocalComponent['type'], Record<string, string>> = {
  connection: { communication: 'api', params: 'parameters' },
  rpc: { communication: 'api', params: 'parameters' },
  webhook: { communication: 'api', params: 'parameters', attach: 'attach', detach: 'detach' },
  module: { communication: 'api', staticParams: 'parameters', mappableParams: 'expect', interface: 'interface', samples: 'samples' },
  function: {},
  endpoint: {},
};

export interface AppIdentity {
  /** The name asked for; Make may add a suffix, and the name it gives is recorded. */
  name: string;
  label: string;
  description: string;
  theme: string;
}

export interface DeployResult {
  app: string;
  appVersion: number;
  created: string[];
  updated: string[];
}

/** A deploy that stopped at a step, with what it had done: the message says it all. */
export class DeployError extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
    readonly done: readonly string[],
    readonly notDone: readonly string[],
  ) {
    const status = typeof cause === 'object' && cause !== null ? (cause as { statusCode?: unknown }).statusCode : undefined;
    const why = cause instanceof Error ? cause.message : String(cause);
    const list = (items: readonly string[]): string => (items.length === 0 ? 'nothing' : items.join('; '));
    super(
      `Make deploy stopped at "${step}": ${typeof status === 'number' ? `Make answered ${status}: ` : ''}${why}\n` +
        `  done (${done.length}): ${list(done)}\n` +
        `  not done (${notDone.length}): ${list(notDone)}\n` +
        `  What was done is recorded in ${STATE_FILE}; running the deploy again resumes and creates nothing twice.`,
    );
    this.name = 'DeployError';
  }
}

function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { statusCode?: unknown }).statusCode === 404;
}

interface Step {
  label: string;
  run: () => Promise<void>;
}

export interface DeployOptions {
  make: Make;
  zone: string;
  project: LocalProject;
  identity: AppIdentity;
  /** Told each completed step, for a progress line. */
  onStep?: (label: string) => Promise<void> | void;
}

export async function deployApp(options: DeployOptions): Promise<DeployResult> {
  const { make, zone, project, identity } = options;
  const sdk = make.sdk;
  const state = await readState(project.dir);
  const origin: OriginState = state.origins[zone] ?? { app: '', appVersion: 1, connection: {}, webhook: {} };
  const result: DeployResult = { app: origin.app, appVersion: origin.appVersion, created: [], updated: [] };
  const record = async (): Promise<void> => {
    state.origins[zone] = origin;
    await saveState(project.dir, state);
  };
  const existing = { module: new Set<string>(), rpc: new Set<string>() };

  const steps: Step[] = [];
  steps.push({
    label: `app ${identity.name}`,
    run: async () => {
      if (origin.app) {
        try {
          await sdk.apps.get(origin.app, origin.appVersion);
          await sdk.apps.update(origin.app, origin.appVersion, { label: identity.label, description: identity.description, theme: identity.theme });
          result.updated.push(`app ${origin.app}`);
        } catch (e) {
          if (!isNotFound(e)) throw e;
          origin.app = '';
        }
      }
      if (!origin.app) {
        const apps = await sdk.apps.list();
        const found = apps.find((a) => (a.name === identity.name || a.name.startsWith(`${identity.name}-`)) && a.label === identity.label);
        if (found) {
          origin.app = found.name;
          origin.appVersion = found.version;
          await sdk.apps.update(found.name, found.version, { label: identity.label, description: identity.description, theme: identity.theme });
          result.updated.push(`app ${found.name}`);
        } else {
          const app = await sdk.apps.create({
            name: identity.name,
            label: identity.label,
            description: identity.description,
            theme: identity.theme,
            language: 'en',
            private: true,
            audience: 'global',
          });
          origin.app = app.name;
          origin.appVersion = app.version;
          result.created.push(`app ${app.name}`);
        }
        await record();
      }
      result.app = origin.app;
      result.appVersion = origin.appVersion;
      for (const m of await sdk.modules.list(origin.app, origin.appVersion)) existing.module.add(m.name);
      for (const r of await sdk.rpcs.list(origin.app, origin.appVersion)) existing.rpc.add(r.name);
    },
  });

  const connectionName = (localId: string | null | undefined): string | undefined => (localId ? origin.connection[localId] : undefined);
  const webhookName = (localId: string | null | undefined): string | undefined => (localId ? origin.webhook[localId] : undefined);

  for (const c of project.components) {
    const what = `${c.type} ${c.id}`;
    if (c.type === 'connection') {
      steps.push({
        label: what,
        run: async () => {
          const label = c.meta.label ?? c.id;
          let name = origin.connection[c.id];
          if (name) {
            try {
              await sdk.connections.update(name, { label });
              result.updated.push(what);
            } catch (e) {
              if (!isNotFound(e)) throw e;
              name = undefined;
            }
          }
          if (!name) {
            const same = (await sdk.connections.list(origin.app)).find((x) => x.label === label);
            if (same) {
              name = same.name;
              result.updated.push(what);
            } else {
              name = (await sdk.connections.create(origin.app, { type: c.meta.connectionType ?? 'basic', label })).name;
              result.created.push(what);
            }
            origin.connection[c.id] = name;
            await record();
          }
          for (const [section, api] of Object.entries(SECTIONS.connection)) {
            if (c.code[section] !== undefined) await sdk.connections.setSection(name, api as 'api', c.code[section]);
          }
        },
      });
    } else if (c.type === 'rpc') {
      steps.push({
        label: what,
        run: async () => {
          const label = c.meta.label ?? c.id;
          if (!existing.rpc.has(c.id)) {
            await sdk.rpcs.create(origin.app, origin.appVersion, { name: c.id, label });
            existing.rpc.add(c.id);
            result.created.push(what);
          } else result.updated.push(what);
          const connection = connectionName(c.meta.connection);
          await sdk.rpcs.update(origin.app, origin.appVersion, c.id, { label, ...(connection ? { connection } : {}) });
          for (const [section, api] of Object.entries(SECTIONS.rpc)) {
            if (c.code[section] !== undefined) await sdk.rpcs.setSection(origin.app, origin.appVersion, c.id, api as 'api', c.code[section]);
          }
        },
      });
    } else if (c.type === 'webhook') {
      steps.push({
        label: what,
        run: async () => {
          const label = c.meta.label ?? c.id;
          let name = origin.webhook[c.id];
          if (name) {
            try {
              await sdk.webhooks.get(name);
              result.updated.push(what);
            } catch (e) {
              if (!isNotFound(e)) throw e;
              name = undefined;
            }
          }
          if (!name) {
            const same = (await sdk.webhooks.list(origin.app)).find((x) => x.label === label);
            if (same) {
              name = same.name;
              result.updated.push(what);
            } else {
              // Make names the webhook; its answer carries the name, though the SDK's type leaves it out.
              const created = (await sdk.webhooks.create(origin.app, { type: c.meta.webhookType ?? 'web', label })) as { name?: string };
              if (!created.name) throw new Error('Make created the webhook but did not say its name');
              name = created.name;
              result.created.push(what);
            }
            origin.webhook[c.id] = name;
            await record();
          }
          // Linking a webhook to its connection: Make's API takes `connection` here; the SDK's update type does not list it.
          const connection = connectionName(c.meta.connection);
          await make.fetch(`/sdk/apps/webhooks/${name}`, { method: 'PATCH', body: { label, ...(connection ? { connection } : {}) } });
          for (const [section, api] of Object.entries(SECTIONS.webhook)) {
            if (c.code[section] !== undefined) await sdk.webhooks.setSection(name, api as 'api', c.code[section]);
          }
        },
      });
    } else if (c.type === 'module') {
      steps.push({
        label: what,
        run: async () => {
          const typeId = MODULE_TYPE_IDS[c.meta.moduleType ?? 'action'];
          if (typeId === undefined) throw new Error(`unknown module type ${c.meta.moduleType}`);
          const label = c.meta.label ?? c.id;
          const description = c.meta.description ?? label;
          const connection = connectionName(c.meta.connection);
          const webhook = webhookName(c.meta.webhook);
          if (c.meta.moduleType === 'instant_trigger' && !webhook) throw new Error(`instant trigger ${c.id} names webhook "${c.meta.webhook}", which is not deployed`);
          const links = { ...(connection ? { connection } : {}), ...(webhook ? { webhook } : {}) };
          if (!existing.module.has(c.id)) {
            // Make needs an instant trigger's webhook (and a universal module's subtype) at creation.
            const body = {
              name: c.id,
              typeId,
              label,
              description,
              moduleInitMode: 'blank' as const,
              ...links,
              ...(c.meta.moduleType === 'universal' ? { subtype: 'Universal' } : {}),
            };
            await sdk.modules.create(origin.app, origin.appVersion, body);
            existing.module.add(c.id);
            result.created.push(what);
          } else result.updated.push(what);
          const update = { label, description, ...links, ...(c.meta.actionCrud !== undefined ? { crud: c.meta.actionCrud } : {}) };
          await sdk.modules.update(origin.app, origin.appVersion, c.id, update);
          for (const [section, api] of Object.entries(SECTIONS.module)) {
            if (c.code[section] !== undefined) await sdk.modules.setSection(origin.app, origin.appVersion, c.id, api as 'api', c.code[section]);
          }
        },
      });
    }
  }

  steps.push({
    label: 'base, groups and docs',
    run: async () => {
      const g = project.general;
      if (g.base !== undefined) await sdk.apps.setSection(origin.app, origin.appVersion, 'base', g.base);
      if (g.groups !== undefined) await sdk.apps.setSection(origin.app, origin.appVersion, 'groups', g.groups);
      if (g.readme !== undefined) await sdk.apps.setDocs(origin.app, origin.appVersion, g.readme);
    },
  });

  const done: string[] = [];
  for (const [i, step] of steps.entries()) {
    try {
      await step.run();
    } catch (e) {
      throw new DeployError(
        step.label,
        e,
        done,
        steps.slice(i).map((s) => s.label),
      );
    }
    done.push(step.label);
    await options.onStep?.(step.label);
  }
  return result;
}
