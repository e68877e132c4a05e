import { signWebhook, type HmacSignatureScheme } from '@callbridge/core';
import type { Runtime } from '../../runtime';
import type { DeliveryRecord } from '../../webhooks/deliverer';
import { hashString } from '../../support/random';
import { iso } from '../types';
import { analysisFor, qualityFor, transcriptFor, type AilaCall, type AilaEvent, type AilaState } from './data';

/** Assumed, like the signature scheme: the documents only say "HMAC-signed HTTP POSTs". */
export const AILA_USER_AGENT = 'Aila-Webhooks/1.0';

/** An Aila webhook body, in the shape core assumes: `{id, event, created_at, data}`. */
export function ailaEnvelope(id: string, event: string, createdAt: string, data: unknown): Record<string, unknown> {
  return { id, event, created_at: createdAt, data };
}

export function ailaWebhookHeaders(
  event: string,
  body: string,
  secret: string | undefined,
  scheme?: Partial<HmacSignatureScheme>,
): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Aila-Event': event, 'User-Agent': AILA_USER_AGENT };
  if (secret !== undefined) {
    const sig = signWebhook('aila', { rawBody: body, secret, ...(scheme ? { scheme } : {}) });
    headers[sig.header] = sig.value;
  }
  return headers;
}

/** Posts an event to every active endpoint of the organization subscribed to it. */
export function emitAila(runtime: Runtime, state: AilaState, event: AilaEvent, data: unknown, only?: string): DeliveryRecord[] {
  const targets = state.webhooks.filter((w) => w.active && w.events.includes(event) && (only === undefined || w.id === only));
  if (targets.length === 0) return [];
  const body = JSON.stringify(ailaEnvelope(`evt_${runtime.world.ids.hex(10)}`, event, iso(runtime.clock.now()), data));
  return targets.map((w) =>
    runtime.deliverer.enqueue({ provider: 'aila', event, url: w.url, body, headers: ailaWebhookHeaders(event, body, w.secret, runtime.ailaScheme) }),
  );
}

/** A recording whose URL mentions "corrupt" fails processing, so failure paths can be tried. */
function fails(call: AilaCall): boolean {
  return /corrupt/i.test(call.recording_url);
}

/** What processing a call produces, and the events it raises, in order. */
function finishProcessing(runtime: Runtime, state: AilaState, call: AilaCall): void {
  const now = runtime.clock.now();
  if (fails(call)) {
    call.status = 'failed';
    return;
  }
  const contact = state.contacts.find((c) => c.id === call.contact_id);
  const user = state.users.find((u) => u.id === call.user_id);
  const analysis = analysisFor(call.id);
  const quality = qualityFor(call.id);
  call.status = 'processed';
  call.duration_seconds ??= 60 + (hashString(call.id) % 900);
  call.started_at ??= iso(now - call.duration_seconds * 1000);
  call.analysis = analysis;
  call.transcript = transcriptFor(user?.name ?? 'Your loan officer', contact?.name ?? 'there', analysis.summary);
  call.overall_score = quality.overall_score;
  call.checklist = quality.checklist;

  const h = hashString(`${call.id}:tasks`);
  emitAila(runtime, state, 'call.completed', {
    call_id: call.id,
    user_id: call.user_id,
    contact_id: call.contact_id,
    status: call.status,
    duration_seconds: call.duration_seconds,
  });
  emitAila(runtime, state, 'call.data.extracted', {
    call_id: call.id,
    contact_id: call.contact_id,
    fields: {
      borrower_name: contact?.name ?? null,
      loan_purpose: h % 2 === 0 ? 'refinance' : 'purchase',
      rate_lock_requested: h % 3 === 0,
      sentiment: analysis.sentiment,
    },
  });
  if (h % 4 !== 0) {
    const taskId = `task_${runtime.world.ids.alnum(6)}`;
    emitAila(runtime, state, 'task.created', {
      task_id: taskId,
      call_id: call.id,
      title: `Follow up with ${contact?.name ?? 'the borrower'}`,
      assignee_user_id: call.user_id,
      due_date: iso(now + 2 * 86_400_000).slice(0, 10),
    });
    if (contact) {
      emitAila(runtime, state, 'task.synced', { task_id: taskId, call_id: call.id, crm: 'Salesforce', external_id: `00T${runtime.world.ids.alnum(12)}` });
    }
  }
  const loan = call.metadata?.['loan_number'];
  if (typeof loan === 'string' && loan) {
    emitAila(runtime, state, 'mismo.ready', {
      call_id: call.id,
      loan_number: loan,
      mismo_version: '3.4',
      document_url: `https://files.aila.com/mismo/${call.id}.xml`,
    });
  }
}

/** Starts an uploaded call on its way: queued, processing, then processed (or failed). */
export function startProcessing(runtime: Runtime, state: AilaState, call: AilaCall): void {
  // A reset replaces the world; a step left from the old one must not touch the new.
  const still = (): boolean => runtime.world.aila.organizations.get(state.organizationId)?.calls.includes(call) === true;
  runtime.lifecycles.start(`aila:${call.id}`, [
    { to: 'processing', delayMs: runtime.timings.ringMs, run: () => void (still() && (call.status = 'processing')) },
    { to: 'processed', delayMs: runtime.timings.processingMs, run: () => void (still() && finishProcessing(runtime, state, call)) },
  ]);
}
