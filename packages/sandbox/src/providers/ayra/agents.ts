import { BadInput } from '../../support/failure';
import { bodyObject, readDate, readEnum, readString } from '../../support/input';
import { iso, type Handler, type HandlerContext } from '../types';
import { AGENT_STATUSES, VOICE_PLATFORMS, type AyraAgent } from './data';
import { extras, LANGUAGE_CODE, LANGUAGE_RULE, notFound, readAyraPhone, requireWrite } from './fields';
import { ayraPage } from './lists';

const SORT_FIELDS = ['name', 'created_at', 'updated_at'] as const;
const KNOWN = ['name', 'phone_number', 'voice_platform', 'language', 'status'];

/** The list's summary of an agent, as the list-agents document shows it. */
export function agentSummary(a: AyraAgent): Record<string, unknown> {
  return {
    id: a.id,
    name: a.name,
    phone_number: a.phone_number,
    voice_platform: a.voice_platform,
    language: a.language,
    status: a.status,
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}

/** GET /agents/{id}: the summary with the complete configuration. */
function agentDetail(a: AyraAgent): Record<string, unknown> {
  return { ...agentSummary(a), ...a.config };
}

function findAgent(ctx: HandlerContext): AyraAgent {
  const agent = ctx.runtime.world.ayra.agents.find((a) => a.id === ctx.params['agent_id']);
  if (!agent) throw notFound('Agent', ctx.params['agent_id']);
  return agent;
}

const list: Handler = (ctx) => {
  const q = ctx.query;
  const status = readEnum(q, 'status', AGENT_STATUSES);
  const platform = readEnum(q, 'voice_platform', VOICE_PLATFORMS);
  const language = readString(q, 'language', { pattern: LANGUAGE_CODE, patternRule: LANGUAGE_RULE })?.toLowerCase();
  const search = readString(q, 'search')?.trim().toLowerCase() ?? '';
  const after = readDate(q, 'created_after');
  const before = readDate(q, 'created_before');
  const sortBy = readEnum(q, 'sort_by', SORT_FIELDS) ?? 'created_at';
  const order = readEnum(q, 'sort_order', ['asc', 'desc'] as const) ?? 'desc';
  if (after !== undefined && before !== undefined && after > before) throw new BadInput('created_before', 'must not be earlier than created_after');

  const matches = ctx.runtime.world.ayra.agents.filter((a) => {
    const created = Date.parse(a.created_at);
    return (
      (status === undefined || a.status === status) &&
      (platform === undefined || a.voice_platform === platform) &&
      (language === undefined || a.language.toLowerCase() === language || a.language.toLowerCase().startsWith(`${language}-`)) &&
      // An empty search matches every agent, as documented.
      (search === '' || a.name.toLowerCase().includes(search)) &&
      (after === undefined || created > after) &&
      (before === undefined || created < before)
    );
  });
  const sign = order === 'asc' ? 1 : -1;
  matches.sort((a, b) => {
    const c = sortBy === 'name' ? a.name.localeCompare(b.name) : Date.parse(a[sortBy]) - Date.parse(b[sortBy]);
    return c !== 0 ? sign * c : a.id.localeCompare(b.id);
  });
  return ayraPage(ctx, '/agents', matches, agentSummary);
};

const get: Handler = (ctx) => ({ body: agentDetail(findAgent(ctx)) });

function applyFields(agent: AyraAgent, body: Record<string, unknown>): void {
  const name = readString(body, 'name', { min: 1 });
  const phone = readAyraPhone(body, 'phone_number');
  const platform = readEnum(body, 'voice_platform', VOICE_PLATFORMS);
  const language = readString(body, 'language', { pattern: LANGUAGE_CODE, patternRule: LANGUAGE_RULE });
  const status = readEnum(body, 'status', AGENT_STATUSES);
  if (name !== undefined) agent.name = name;
  if (phone !== undefined) agent.phone_number = phone;
  if (platform !== undefined) agent.voice_platform = platform;
  if (language !== undefined) agent.language = language;
  if (status !== undefined) agent.status = status;
  Object.assign(agent.config, extras(body, KNOWN));
}

const create: Handler = (ctx) => {
  requireWrite(ctx.caller, 'agents');
  const body = bodyObject(ctx.body);
  readString(body, 'name', { required: true, min: 1 });
  const state = ctx.runtime.world.ayra;
  const at = iso(ctx.now);
  let id = `agent_${ctx.runtime.world.ids.alnum(6)}`;
  while (state.agents.some((a) => a.id === id)) id = `agent_${ctx.runtime.world.ids.alnum(6)}`;
  const agent: AyraAgent = { id, name: '', phone_number: null, voice_platform: 'vapi', language: 'en', status: 'active', created_at: at, updated_at: at, config: {} };
  applyFields(agent, body);
  state.agents.push(agent);
  return { status: 201, body: agentDetail(agent) };
};

const update: Handler = (ctx) => {
  requireWrite(ctx.caller, 'agents');
  const body = bodyObject(ctx.body);
  const agent = findAgent(ctx);
  if (Object.keys(body).length === 0) throw new BadInput('body', 'must give at least one field to change');
  // Validate everything on a copy first, so a bad field changes nothing.
  const draft: AyraAgent = { ...agent, config: { ...agent.config } };
  applyFields(draft, body);
  Object.assign(agent, draft, { updated_at: iso(ctx.now) });
  return { body: agentDetail(agent) };
};

function setStatus(status: AyraAgent['status']): Handler {
  return (ctx) => {
    requireWrite(ctx.caller, 'agents');
    const agent = findAgent(ctx);
    if (agent.status !== status) {
      agent.status = status;
      agent.updated_at = iso(ctx.now);
    }
    return { body: agentSummary(agent) };
  };
}

const remove: Handler = (ctx) => {
  requireWrite(ctx.caller, 'agents');
  const agent = findAgent(ctx);
  const state = ctx.runtime.world.ayra;
  state.agents = state.agents.filter((a) => a !== agent);
  return { body: { id: agent.id, deleted: true } };
};

export const agentHandlers: Record<string, Handler> = {
  'agents.list': list,
  'agents.get': get,
  'agents.create': create,
  'agents.update': update,
  'agents.enable': setStatus('active'),
  'agents.disable': setStatus('paused'),
  'agents.delete': remove,
};
