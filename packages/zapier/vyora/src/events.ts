import type { EventTrigger } from '../../common/src/triggers/events';

/**
 * Vyora's three webhook events as instant triggers: what Zapier shows for each. Their
 * sample bodies are core's (`webhooks.samples` in Vyora's provider spec).
 */
export function vyoraEvents(): EventTrigger[] {
  return [
    {
      event: 'call_started',
      label: 'Call Started',
      noun: 'Call',
      description: 'Triggers instantly when Vyora starts a call (delivered through your callbridge relay).',
    },
    {
      event: 'call_completed',
      label: 'Call Completed',
      noun: 'Call',
      description: 'Triggers instantly when a Vyora call ends, with its status, duration and recording (delivered through your callbridge relay).',
    },
    {
      event: 'all_processing_completed',
      label: 'Analysis Ready',
      noun: 'Call Analysis',
      description: "Triggers instantly when Vyora has finished a call's transcript and AI analysis (delivered through your callbridge relay).",
    },
  ];
}
