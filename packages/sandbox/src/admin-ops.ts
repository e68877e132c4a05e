import { AdminInputError } from './http/admin-input';
import type { AdminOps } from './http/admin-routes';
import { AILA_EVENTS, ailaOf, type AilaEvent } from './providers/aila/data';
import { emitAila } from './providers/aila/events';
import { organizationJson, ORGANIZATION_ADMIN_FIELD } from './providers/aila/organizations';
import { ADMIN_FIELD, defaultWebhookJson, setCredits, workspaceJson } from './providers/vyora/control';
import type { Runtime } from './runtime';
import type { Faults } from './support/faults';

/** What the admin operations need from the running sandbox beyond its runtime. */
export interface AdminDeps {
  runtime: Runtime;
  faults: Faults;
  info(): Record<string, unknown>;
  reset(seed: number | undefined): void;
  advanceVyora(callId: string, to: string | undefined): Record<string, unknown>;
}

/** The admin API's operations over a running sandbox; inputs arrive checked by the route table. */
export function createAdminOps({ runtime, faults, info, reset, advanceVyora }: AdminDeps): AdminOps {
  const { lifecycles, deliverer } = runtime;
  return {
    info,
    reset: (seed) => {
      reset(seed);
      return { reset: true, seed: runtime.world.seed };
    },
    injectFault: (provider, operation, fault) => {
      const h = faults.inject(provider, operation, fault);
      return { id: h.id, provider, operation, remaining: h.remaining };
    },
    listFaults: () => faults.list(),
    clearFaults: () => faults.clear(),
    getVyoraWebhook: () => defaultWebhookJson(runtime),
    setVyoraWebhook: (config) => {
      runtime.vyora.setWebhook(runtime.vyora.default, config ?? { url: null }, ADMIN_FIELD);
      return defaultWebhookJson(runtime);
    },
    setVyoraCredits: (credits) => {
      setCredits(runtime, runtime.vyora.default, credits);
      return { credits };
    },
    listVyoraWorkspaces: () => runtime.vyora.list().map((ws) => workspaceJson(runtime, ws)),
    getVyoraWorkspace: (id) => workspaceJson(runtime, runtime.vyora.find(id)),
    createVyoraWorkspace: (input) => workspaceJson(runtime, runtime.vyora.create(input, ADMIN_FIELD), true),
    setVyoraWorkspaceWebhook: (id, change) => workspaceJson(runtime, runtime.vyora.setWebhook(runtime.vyora.find(id), change, ADMIN_FIELD)),
    setVyoraWorkspaceCredits: (id, credits) => {
      const ws = runtime.vyora.find(id);
      setCredits(runtime, ws, credits);
      return workspaceJson(runtime, ws);
    },
    listAilaOrganizations: () => runtime.aila.list().map((org) => organizationJson(runtime.aila, org)),
    createAilaOrganization: (input) => organizationJson(runtime.aila, runtime.aila.create(input, ORGANIZATION_ADMIN_FIELD)),
    advanceCall: (provider, id, to) => {
      if (provider === 'vyora') return advanceVyora(id, to);
      const moved = lifecycles.advance(`${provider}:${id}`, to);
      if (!moved) throw new AdminInputError('id', `nothing under way for ${provider} ${id}${to ? ` before stage ${to}` : ''}`, 404);
      return { advanced: true, remaining: lifecycles.remaining(`${provider}:${id}`) };
    },
    fastForward: () => ({ advanced: lifecycles.advanceAll() }),
    emitAila: (event, data, organizationId) => {
      if (!(AILA_EVENTS as readonly string[]).includes(event)) throw new AdminInputError('event', `must be one of: ${AILA_EVENTS.join(', ')}`);
      const org = organizationId === undefined ? runtime.aila.default : runtime.aila.find(organizationId, 'organization_id');
      return emitAila(runtime, ailaOf(runtime.world.aila, org.id), event as AilaEvent, data).map((d) => ({ id: d.id, url: d.url }));
    },
    deliveries: () => deliverer.records(),
  };
}
