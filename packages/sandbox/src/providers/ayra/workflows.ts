import { ApiFailure, BadInput } from '../../support/failure';
import { bodyObject, readDate, readKeyValue, readString } from '../../support/input';
import type { Runtime } from '../../runtime';
import { iso, type Handler } from '../types';
import type { AyraExecution, AyraWorkflow } from './data';
import { notFound, requireWrite } from './fields';

function executionView(e: AyraExecution): Record<string, unknown> {
  return {
    execution_id: e.execution_id,
    workflow_id: e.workflow_id,
    status: e.status,
    started_at: e.started_at,
    ...(e.completed_at ? { completed_at: e.completed_at } : {}),
    ...(e.output ? { output: e.output } : {}),
    ...(e.error ? { error: e.error } : {}),
  };
}

/** What a finished run produced, plausibly, by workflow. */
function outputOf(workflow: AyraWorkflow, input: Record<string, unknown>): Record<string, unknown> {
  switch (workflow.id) {
    case 'wf_abc123':
      return { call_scheduled: true };
    case 'wf_crm001':
      return { records_synced: Object.keys(input).length || 1 };
    case 'wf_cbk003':
      return { callback_queued: true };
    default:
      return { completed_steps: 3, input_keys: Object.keys(input) };
  }
}

function finish(runtime: Runtime, e: AyraExecution, workflow: AyraWorkflow): void {
  if (runtime.world.ayra.executions.get(e.execution_id) !== e) return;
  e.completed_at = iso(runtime.clock.now());
  if (workflow.broken) {
    e.status = 'failed';
    e.error = { code: 'crm_connection_failed', message: 'The CRM refused the connection: its credentials have expired.' };
  } else {
    e.status = 'completed';
    e.output = outputOf(workflow, e.input);
  }
}

const trigger: Handler = (ctx) => {
  requireWrite(ctx.caller, 'workflows');
  const workflow = ctx.runtime.world.ayra.workflows.find((w) => w.id === ctx.params['workflow_id']);
  if (!workflow) throw notFound('Workflow', ctx.params['workflow_id']);
  const body = bodyObject(ctx.body ?? {});
  const data = readKeyValue(body, 'data') ?? {};
  const state = ctx.runtime.world.ayra;
  let id = `exec_${ctx.runtime.world.ids.alnum(6)}`;
  while (state.executions.has(id)) id = `exec_${ctx.runtime.world.ids.alnum(6)}`;
  const e: AyraExecution = { execution_id: id, workflow_id: workflow.id, status: 'running', started_at: iso(ctx.now), input: { ...data } };
  state.executions.set(id, e);
  const runtime = ctx.runtime;
  runtime.lifecycles.start(`ayra:${id}`, [{ to: 'finished', delayMs: runtime.timings.workflowMs, run: () => finish(runtime, e, workflow) }]);
  return { status: 202, body: executionView(e) };
};

const status: Handler = (ctx) => {
  const e = ctx.runtime.world.ayra.executions.get(ctx.params['execution_id'] ?? '');
  if (!e || e.workflow_id !== ctx.params['workflow_id']) {
    if (!ctx.runtime.world.ayra.workflows.some((w) => w.id === ctx.params['workflow_id'])) throw notFound('Workflow', ctx.params['workflow_id']);
    throw notFound('Execution', ctx.params['execution_id']);
  }
  return { body: executionView(e) };
};

/** The end of the range: a plain date means the whole of that day. */
function endOf(value: string | undefined, parsed: number | undefined): number | undefined {
  if (parsed === undefined || value === undefined) return parsed;
  return value.length === 10 ? parsed + 86_400_000 - 1 : parsed;
}

const analytics: Handler = (ctx) => {
  const q = ctx.query;
  const start = readDate(q, 'start_date');
  const end = endOf(q['end_date'], readDate(q, 'end_date'));
  const agentId = readString(q, 'agent_id', { min: 1 });
  if (start !== undefined && end !== undefined && start > end) throw new BadInput('end_date', 'must not be earlier than start_date');
  if (agentId !== undefined && !ctx.runtime.world.ayra.agents.some((a) => a.id === agentId)) {
    throw new ApiFailure(404, 'not_found', 'Agent not found', `No agent ${agentId}`);
  }
  const convs = ctx.runtime.world.ayra.conversations.filter((c) => {
    const t = Date.parse(c.started_at);
    return (start === undefined || t >= start) && (end === undefined || t <= end) && (agentId === undefined || c.agent_id === agentId);
  });
  const completed = convs.filter((c) => c.status === 'completed');
  const byAgent = new Map<string, number>();
  for (const c of convs) byAgent.set(c.agent_id, (byAgent.get(c.agent_id) ?? 0) + 1);
  return {
    body: {
      start_date: q['start_date'] ?? null,
      end_date: q['end_date'] ?? null,
      total_conversations: convs.length,
      completed_conversations: completed.length,
      average_duration_seconds: completed.length ? Math.round(completed.reduce((s, c) => s + c.duration_seconds, 0) / completed.length) : 0,
      by_agent: [...byAgent.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([agent_id, conversations]) => ({ agent_id, conversations })),
    },
  };
};

export const workflowHandlers: Record<string, Handler> = {
  'workflows.trigger': trigger,
  'workflows.status': status,
  'analytics.get': analytics,
};
