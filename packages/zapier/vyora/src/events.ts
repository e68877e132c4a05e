import { sampleOutput, type ProviderSpec } from '../../common/src/core';
import type { EventTrigger } from '../../common/src/triggers/events';
import { isItem, type Item } from '../../common/src/output';

/**
 * Vyora's three webhook events as instant triggers. Vyora documents the call_completed body;
 * the other two are assumed to carry the same call record, without the parts that do not
 * exist yet when they fire (a call that just started has no recording or transcript).
 */

function callSample(spec: ProviderSpec): Item {
  const op = spec.operations['calls.get'];
  const call = op ? sampleOutput(spec, op) : undefined;
  return isItem(call) ? call : {};
}

export function vyoraEvents(spec: ProviderSpec): EventTrigger[] {
  const call = callSample(spec);
  const { transcript: _t, analysis: _a, recording_url: _r, duration_seconds: _d, ...started } = call;
  return [
    {
      event: 'call_started',
      label: 'Call Started',
      noun: 'Call',
      description: 'Triggers instantly when Vyora starts a call (delivered through your callbridge relay).',
      sample: { event: 'call_started', ...started, status: 'in_progress', timestamp: '2026-05-24T10:30:02Z' },
    },
    {
      event: 'call_completed',
      label: 'Call Completed',
      noun: 'Call',
      description: 'Triggers instantly when a Vyora call ends, with its status, duration and recording (delivered through your callbridge relay).',
      sample: { event: 'call_completed', ...call, timestamp: '2026-05-24T10:31:15Z' },
    },
    {
      event: 'all_processing_completed',
      label: 'Analysis Ready',
      noun: 'Call Analysis',
      description: "Triggers instantly when Vyora has finished a call's transcript and AI analysis (delivered through your callbridge relay).",
      sample: { event: 'all_processing_completed', ...call, timestamp: '2026-05-24T10:32:40Z' },
    },
  ];
}
