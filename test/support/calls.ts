import type { RunningSandbox } from '../../packages/sandbox/src';
import { at, type RelayApi } from './relay-api';

/**
 * Calls for the filter journeys. A sandbox call's classification and duration follow from its
 * id, which the journey cannot choose, so a journey makes calls until it has one that meets
 * its filter and one that does not, then checks that exactly the former were delivered.
 */

export interface MadeCall {
  id: string;
  classification: string;
  durationSeconds: number;
  meets: boolean;
}

export interface CallFilter {
  classifications?: readonly string[];
  minDurationSeconds?: number;
}

export function meets(filter: CallFilter, classification: string, durationSeconds: number): boolean {
  if (filter.classifications && !filter.classifications.includes(classification)) return false;
  return filter.minDurationSeconds === undefined || durationSeconds >= filter.minDurationSeconds;
}

/** Triggers calls through the relay's action route and runs each to its analysis, until both outcomes are there (at most `max` calls). */
export async function callsOfBothKinds(api: RelayApi, sandbox: RunningSandbox, filter: CallFilter, query = '', max = 40): Promise<MadeCall[]> {
  const calls: MadeCall[] = [];
  while (!(calls.some((c) => c.meets) && calls.some((c) => !c.meets))) {
    if (calls.length >= max) throw new Error(`${max} sandbox calls gave no ${calls.some((c) => c.meets) ? 'call that misses' : 'call that meets'} the filter ${JSON.stringify(filter)}`);
    const made = await api.must('POST', `/v1/actions/vyora/calls.trigger${query}`, { phone_number: `+9198765${String(43_000 + calls.length)}`, agent_name: 'Home Loan Agent' }, 200);
    const id = String(made['call_id']);
    sandbox.calls.advance(id, 'processed');
    const call = await api.must('POST', `/v1/actions/vyora/calls.get${query}`, { call_id: id }, 200);
    const classification = String(at(call, 'analysis.classification'));
    const durationSeconds = Number(call['duration_seconds']);
    calls.push({ id, classification, durationSeconds, meets: meets(filter, classification, durationSeconds) });
  }
  return calls;
}
