import { signWebhook } from '@callbridge/core';
import type { Runtime } from '../../runtime';
import { iso } from '../types';
import { analysisFor, classificationFor, durationFor, productFor, transcriptFor, type VyoraCall } from './data';

/** Vyora's documented webhook events, in the order a call produces them. */
export const VYORA_EVENTS = ['call_started', 'call_completed', 'all_processing_completed'] as const;
export type VyoraEvent = (typeof VYORA_EVENTS)[number];

/** The stages a call moves through after POST /v1/calls; `processed` is when all_processing_completed fires. */
export const VYORA_STAGES = ['in_progress', 'completed', 'processed'] as const;
export type VyoraStage = (typeof VYORA_STAGES)[number];

export const VYORA_USER_AGENT = 'Vyora-Webhooks/1.0';

/** GET /v1/calls/:call_id, in the document's field order. */
export function callView(call: VyoraCall): Record<string, unknown> {
  return {
    call_id: call.call_id,
    agent_id: call.agent_id,
    agent_name: call.agent_name,
    contact_name: call.contact_name,
    phone_number: call.phone_number,
    status: call.status,
    direction: call.direction,
    duration_seconds: call.duration_seconds,
    recording_url: call.recording_url,
    transcript: call.transcript,
    analysis: call.analysis,
    called_at: call.called_at,
  };
}

/** A webhook body, in the document's example field order. */
export function eventPayload(event: VyoraEvent, call: VyoraCall, timestamp: string): Record<string, unknown> {
  return {
    event,
    call_id: call.call_id,
    phone_number: call.phone_number,
    contact_name: call.contact_name,
    agent_id: call.agent_id,
    agent_name: call.agent_name,
    status: call.status,
    direction: call.direction,
    duration_seconds: call.duration_seconds,
    recording_url: call.recording_url,
    transcript: call.transcript,
    analysis: call.analysis,
    campaign_id: call.campaign_id,
    custom_args: call.custom_args,
    called_at: call.called_at,
    timestamp,
  };
}

/** The headers Vyora documents on every webhook, the signature among them. */
export function vyoraWebhookHeaders(event: string, body: string, secret: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Vyora-Event': event,
    'User-Agent': VYORA_USER_AGENT,
  };
  if (secret !== undefined) headers['X-Vyora-Signature'] = signWebhook('vyora', { rawBody: body, secret }).value;
  return headers;
}

/** Posts an event to the webhook of the workspace that made the call, signed with that workspace's secret. */
function emit(runtime: Runtime, event: VyoraEvent, call: VyoraCall): void {
  const ws = runtime.vyora.forKey(call.workspace);
  if (ws.url === undefined || !ws.events.includes(event)) return;
  const body = JSON.stringify(eventPayload(event, call, iso(runtime.clock.now())));
  runtime.deliverer.enqueue({ provider: 'vyora', event, url: ws.url, body, headers: vyoraWebhookHeaders(event, body, ws.secret) });
}

/** Moves a call to a stage, as the real call would get there, and fires that stage's webhook. */
export function applyStage(runtime: Runtime, call: VyoraCall, stage: VyoraStage): void {
  const classification = classificationFor(call.call_id);
  if (stage === 'in_progress') {
    call.status = 'in_progress';
    emit(runtime, 'call_started', call);
  } else if (stage === 'completed') {
    call.status = 'completed';
    call.duration_seconds = durationFor(call.call_id, classification);
    call.recording_url = `https://cdn.vyora.ai/recordings/${call.call_id}.mp3`;
    emit(runtime, 'call_completed', call);
  } else {
    const product = productFor(call.agent_name, call.custom_args);
    call.transcript = transcriptFor(call.contact_name, product, classification);
    call.analysis = analysisFor(classification, product);
    emit(runtime, 'all_processing_completed', call);
  }
}

export function lifecycleId(callId: string): string {
  return `vyora:${callId}`;
}

/** Starts a freshly registered call on its way: ringing, talking, then processing. */
export function startCall(runtime: Runtime, call: VyoraCall): void {
  const t = runtime.timings;
  const delays: Record<VyoraStage, number> = { in_progress: t.ringMs, completed: t.inProgressMs, processed: t.processingMs };
  runtime.lifecycles.start(
    lifecycleId(call.call_id),
    VYORA_STAGES.map((stage) => ({
      to: stage,
      delayMs: delays[stage],
      run: () => {
        // A reset replaces the world; a step left from the old one must not touch the new.
        if (runtime.world.vyora.calls.get(call.call_id) !== call) return;
        applyStage(runtime, call, stage);
      },
    })),
  );
}
