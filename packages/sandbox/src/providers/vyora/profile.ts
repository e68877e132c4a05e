import { ApiFailure, BadInput } from '../../support/failure';
import { bodyObject, readKeyValue, readPhone, readString } from '../../support/input';
import { offsetOf, pageSize } from '../../support/paging';
import { failureTable, headerOf, type Handler, type HandlerContext, type ProviderProfile } from '../types';
import { callView, startCall } from './calls';
import { spaceOf, type VyoraAgent, type VyoraCall, type VyoraSpace } from './data';
import { isVyoraKey, VYORA_DEMO_KEY } from './keys';

/**
 * Vyora as documented: `X-API-KEY` auth, `{ "error": "<message>" }` error bodies, limit/offset
 * agent pages, POST /v1/calls → `{call_id, status: "registered"}`, and calls visible only to
 * the workspace (API key) that made them.
 */

export { VYORA_DEMO_KEY } from './keys';

const LIST_DEFAULT = 50;
const LIST_MAX = 100;

/** The agents and credits of the caller's workspace. */
function spaceFor({ caller, runtime }: HandlerContext): VyoraSpace {
  return spaceOf(runtime.world.vyora, runtime.vyora.forKey(caller.key).id);
}

const agentsList: Handler = (ctx) => {
  const limit = pageSize(ctx.query, 'limit', LIST_DEFAULT, LIST_MAX);
  const offset = offsetOf(ctx.query, 'offset');
  const active = spaceFor(ctx).agents.filter((a) => a.active);
  const agents = active.slice(offset, offset + limit).map(({ id, name, language, agent_type }) => ({ id, name, language, agent_type }));
  return { body: { agents, total: active.length, limit, offset } };
};

function findAgent(agents: VyoraAgent[], agentId: string | undefined, agentName: string | undefined): VyoraAgent {
  const active = agents.filter((a) => a.active);
  const byId = agentId !== undefined ? active.find((a) => a.id === agentId) : undefined;
  const wanted = agentName?.trim().toLowerCase();
  const byName = wanted !== undefined ? active.find((a) => a.name.toLowerCase() === wanted) : undefined;
  if (agentId !== undefined && !byId) throw new ApiFailure(404, 'agent_not_found', 'Agent not found');
  if (agentName !== undefined && !byName) throw new ApiFailure(404, 'agent_not_found', 'Agent not found');
  if (byId && byName && byId !== byName) throw new BadInput('agent_name', 'names a different agent than agent_id; give one of them');
  const agent = byId ?? byName;
  if (!agent) throw new BadInput('agent_id', 'or agent_name is required');
  return agent;
}

const callsTrigger: Handler = (ctx) => {
  const { body, caller, now, runtime } = ctx;
  const input = bodyObject(body);
  const phone_number = readPhone(input, 'phone_number', true) as string;
  const agentId = readString(input, 'agent_id', { min: 1 });
  const agentName = readString(input, 'agent_name', { min: 1 });
  const custom_args = readKeyValue(input, 'custom_args') ?? null;
  const state = runtime.world.vyora;
  const space = spaceFor(ctx);
  const agent = findAgent(space.agents, agentId, agentName);
  if (agent.agent_type !== 'outbound') throw new BadInput(agentId !== undefined ? 'agent_id' : 'agent_name', 'must name an outbound agent');
  if (space.credits <= 0) throw new ApiFailure(402, 'insufficient_credits', 'Insufficient credits');
  space.credits--;

  let id = runtime.world.ids.alnum(9);
  while (state.calls.has(id)) id = runtime.world.ids.alnum(9);
  const name = custom_args?.['name'];
  const call: VyoraCall = {
    call_id: id,
    workspace: caller.key,
    agent_id: agent.id,
    agent_name: agent.name,
    contact_name: typeof name === 'string' && name.trim() ? name : null,
    phone_number,
    status: 'registered',
    direction: 'outbound',
    duration_seconds: null,
    recording_url: null,
    transcript: null,
    analysis: null,
    campaign_id: typeof custom_args?.['campaign_id'] === 'string' ? custom_args['campaign_id'] : null,
    custom_args,
    called_at: new Date(now).toISOString(),
  };
  state.calls.set(id, call);
  startCall(runtime, call);
  return { body: { call_id: id, status: 'registered' } };
};

const callsGet: Handler = ({ params, caller, runtime }) => {
  const call = runtime.world.vyora.calls.get(params['call_id'] ?? '');
  // Another workspace's call is indistinguishable from a missing one, as documented.
  if (!call || call.workspace !== caller.key) throw new ApiFailure(404, 'call_not_found', 'Call not found');
  return { body: callView(call) };
};

export const vyoraProfile: ProviderProfile = {
  id: 'vyora',
  demoKey: VYORA_DEMO_KEY,
  keyRule: `X-API-KEY: ${VYORA_DEMO_KEY} or a workspace's key (GET /_sandbox/vyora/workspaces); any other vya_… key is accepted too, with calls of its own and the default workspace's agents, credits and webhook`,
  authenticate(headers) {
    const key = headerOf(headers, 'x-api-key')?.trim();
    if (!key) throw new ApiFailure(401, 'unauthorized', 'Missing API key: send it in the X-API-KEY header');
    if (!isVyoraKey(key)) throw new ApiFailure(401, 'unauthorized', 'Invalid API key');
    return { key, readOnly: false };
  },
  errorBody: (failure) => ({ error: failure.message }),
  fromBadInput: (e) => new ApiFailure(400, 'bad_request', `${e.field} ${e.rule}`, { field: e.field }),
  failureFor: failureTable(
    {
      400: ['bad_request', 'Bad request'],
      401: ['unauthorized', 'Invalid API key'],
      402: ['insufficient_credits', 'Insufficient credits'],
      403: ['forbidden', 'Forbidden'],
      404: ['not_found', 'Not found'],
      422: ['unprocessable_entity', 'Unprocessable request'],
      429: ['rate_limited', 'Too many requests'],
      500: ['internal_error', 'Internal server error'],
      503: ['service_unavailable', 'Service unavailable'],
    },
    (status) => [`http_${status}`, status >= 500 ? 'Server error' : 'Request failed'],
  ),
  // Vyora documents the 429 and backoff but no X-RateLimit-* headers.
  rateLimitHeaders: () => ({}),
  defaultRateRules: [{ requests: 60, perMs: 60_000 }],
  handlers: {
    'agents.list': agentsList,
    'calls.trigger': callsTrigger,
    'calls.get': callsGet,
  },
};
