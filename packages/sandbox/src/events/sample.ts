import { getProvider, isProviderId, signWebhook, type HmacSignatureScheme, type ProviderId } from '@callbridge/core';
import { ailaWebhookHeaders } from '../providers/aila/events';
import { vyoraWebhookHeaders } from '../providers/vyora/calls';
import { postRaw, type PostResult } from '../webhooks/post';

/**
 * Sample webhook events for `callbridge send-event`: core's sample of that event (the
 * documents' example where they give one), as the sandbox would send it, signed as the
 * provider signs when a secret is given.
 */

export interface SampleEvent {
  /** The exact bytes to post (compact JSON). */
  body: string;
  headers: Record<string, string>;
}

export interface SampleEventOptions {
  /** Signs the body with the provider's scheme when given. */
  secret?: string;
  /** Overrides for an assumed signature scheme (Aila, Ayra). */
  scheme?: Partial<HmacSignatureScheme>;
}

/** A sample event's payload could not be built; `field` names what was wrong. */
export class SampleEventError extends Error {
  readonly field: 'provider' | 'event';

  constructor(field: 'provider' | 'event', message: string) {
    super(message);
    this.name = 'SampleEventError';
    this.field = field;
  }
}

/**
 * Where the sandbox departs from the documents' example, it says so by changing core's
 * sample, not by keeping a copy of its own: Vyora's call_completed carries no transcript and
 * no analysis yet, as the document's text says ("only available after
 * all_processing_completed") although its example shows them filled (docs/provider-notes.md),
 * which is what the simulated calls send too.
 */
function asTheSandboxSendsIt(provider: ProviderId, event: string, sample: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (provider === 'vyora' && event === 'call_completed') return { ...sample, transcript: null, analysis: null };
  return sample;
}

export function buildSampleEvent(provider: string, event: string, options: SampleEventOptions = {}): SampleEvent {
  if (!isProviderId(provider)) throw new SampleEventError('provider', `unknown provider "${provider}"; known: ayra, vyora, aila, ayla`);
  const spec = getProvider(provider);
  if (!spec.webhooks) throw new SampleEventError('provider', `${spec.name} sends no webhooks, so there is no sample event to send`);
  const known = spec.webhooks.events;
  if (!known.includes(event)) throw new SampleEventError('event', `"${event}" is not a ${spec.name} event; known: ${known.join(', ')}`);

  const sample = spec.webhooks.samples?.[event];
  // Core's tests hold every listed event to a sample; this names a spec that broke that.
  if (!sample) throw new SampleEventError('event', `${spec.name} has no sample of "${event}" in core's provider spec`);
  const body = JSON.stringify(asTheSandboxSendsIt(provider, event, sample));
  const secret = options.secret;
  if (provider === 'vyora') return { body, headers: vyoraWebhookHeaders(event, body, secret) };
  if (provider === 'aila') return { body, headers: ailaWebhookHeaders(event, body, secret, options.scheme) };
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Ayra-Event': event, 'User-Agent': 'Ayra-Webhooks/1.0' };
  if (secret !== undefined) {
    const sig = signWebhook('ayra', { rawBody: body, secret, ...(options.scheme ? { scheme: options.scheme } : {}) });
    headers[sig.header] = sig.value;
  }
  return { body, headers };
}

/** Posts a sample event to `to`; resolves with the receiver's answer (status null when none arrived). */
export function sendSampleEvent(
  provider: string,
  event: string,
  options: SampleEventOptions & { to: string; timeoutMs?: number },
): Promise<PostResult> {
  const sample = buildSampleEvent(provider, event, options);
  return postRaw(options.to, sample.body, sample.headers, options.timeoutMs ?? 10_000);
}
