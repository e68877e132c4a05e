import { hashString, Rng } from '../../support/random';
import { iso } from '../types';

/** Vyora's world: per workspace its agents and credits, and calls scoped to the workspace (API key) that made them. */

export interface VyoraAgent {
  id: string;
  name: string;
  language: string;
  agent_type: 'outbound' | 'inbound';
  /** Only active agents are listed and can place calls. */
  active: boolean;
}

export type VyoraCallStatus = 'registered' | 'in_progress' | 'completed';

export type TranscriptLine = { bot: string } | { user: string };

export interface VyoraAnalysis {
  summary: string;
  classification: string;
}

export interface VyoraCall {
  call_id: string;
  /** The API key whose workspace owns the call; other keys get "Call not found". */
  workspace: string;
  agent_id: string;
  agent_name: string;
  contact_name: string | null;
  phone_number: string;
  status: VyoraCallStatus;
  direction: 'outbound';
  duration_seconds: number | null;
  recording_url: string | null;
  transcript: TranscriptLine[] | null;
  analysis: VyoraAnalysis | null;
  campaign_id: string | null;
  custom_args: Record<string, string | number | boolean | null> | null;
  called_at: string;
}

/** One workspace's own data: its agents and its credits. */
export interface VyoraSpace {
  agents: VyoraAgent[];
  /** Each triggered call costs one; at zero, POST /v1/calls answers "Insufficient credits". */
  credits: number;
}

export interface VyoraState {
  seed: number;
  /** Every workspace's calls, each marked with the key that made it. */
  calls: Map<string, VyoraCall>;
  /** Per workspace id; a workspace's space is seeded the first time it is used. */
  spaces: Map<string, VyoraSpace>;
}

export const DEFAULT_VYORA_CREDITS = 1_000;

/** The documented example agents, with full UUIDs where the document elides them ("abc123-..."). */
export const HOME_LOAN_AGENT: VyoraAgent = {
  id: 'abc123de-7f41-4c2a-9b1e-5d8f0a6c3e21',
  name: 'Home Loan Agent',
  language: 'hi-IN',
  agent_type: 'outbound',
  active: true,
};
const ADMISSION_AGENT: VyoraAgent = {
  id: 'def456ab-2c9d-4e7f-8a13-6b0c5d4e9f72',
  name: 'Admission Enquiry',
  language: 'en-IN',
  agent_type: 'outbound',
  active: true,
};

/** The documented example call (GET /v1/calls/abc123xyz), exactly as the document shows it. */
export function documentedCall(workspace: string): VyoraCall {
  return {
    call_id: 'abc123xyz',
    workspace,
    agent_id: HOME_LOAN_AGENT.id,
    agent_name: 'Home Loan Agent',
    contact_name: 'Rahul Sharma',
    phone_number: '+919876543210',
    status: 'completed',
    direction: 'outbound',
    duration_seconds: 47,
    recording_url: 'https://cdn.vyora.ai/recordings/abc123.mp3',
    transcript: [
      { bot: "Hi Rahul, I'm calling about your home loan inquiry..." },
      { user: 'Yes, I was interested in learning more...' },
    ],
    analysis: { summary: 'Lead expressed strong interest, asked about EMI options.', classification: 'Interested' },
    campaign_id: 'campaign_456',
    custom_args: { name: 'Rahul Sharma', product: 'Home Loan' },
    called_at: '2026-05-24T10:30:00Z',
  };
}

const MORE_AGENTS: ReadonlyArray<readonly [string, string, 'outbound' | 'inbound', boolean]> = [
  ['Credit Card Upsell', 'en-IN', 'outbound', true],
  ['Insurance Renewal', 'hi-IN', 'outbound', true],
  ['Payment Reminder', 'ta-IN', 'outbound', true],
  ['Appointment Scheduler', 'en-IN', 'outbound', true],
  ['Customer Feedback Survey', 'mr-IN', 'outbound', true],
  ['Lead Qualifier', 'en-US', 'outbound', true],
  ['Collections Agent', 'te-IN', 'outbound', true],
  ['Car Loan Agent', 'kn-IN', 'outbound', true],
  ['Support Helpline', 'hi-IN', 'inbound', true],
  ['Order Confirmation', 'bn-IN', 'outbound', true],
  ['Gold Loan Agent', 'gu-IN', 'outbound', true],
  ['Health Insurance Advisor', 'en-IN', 'outbound', false],
  ['Festive Offer Campaign', 'hi-IN', 'outbound', false],
  ['Old IVR Replacement', 'en-IN', 'inbound', false],
];

const FIRST = ['Aarav', 'Priya', 'Rohan', 'Ananya', 'Vikram', 'Sneha', 'Arjun', 'Kavya', 'Rahul', 'Meera', 'Aditya', 'Ishita', 'Karan', 'Neha', 'Siddharth', 'Pooja', 'Manish', 'Divya', 'Suresh', 'Lakshmi'];
const LAST = ['Sharma', 'Patel', 'Iyer', 'Reddy', 'Gupta', 'Nair', 'Singh', 'Das', 'Mehta', 'Kulkarni', 'Joshi', 'Rao', 'Banerjee', 'Chopra', 'Pillai'];

export const CLASSIFICATIONS = ['Interested', 'Not Interested', 'Callback Requested', 'Wrong Number', 'Voicemail'] as const;
type Classification = (typeof CLASSIFICATIONS)[number];

const PRODUCT_OF: Record<string, string> = {
  'Home Loan Agent': 'Home Loan',
  'Admission Enquiry': 'MBA Admission',
  'Credit Card Upsell': 'Platinum Credit Card',
  'Insurance Renewal': 'Motor Insurance',
  'Payment Reminder': 'EMI Payment',
  'Appointment Scheduler': 'Clinic Appointment',
  'Customer Feedback Survey': 'Feedback Survey',
  'Lead Qualifier': 'Business Account',
  'Collections Agent': 'Overdue Payment',
  'Car Loan Agent': 'Car Loan',
  'Support Helpline': 'Support Request',
  'Order Confirmation': 'Online Order',
  'Gold Loan Agent': 'Gold Loan',
};

export function productFor(agentName: string, customArgs: VyoraCall['custom_args']): string {
  const given = customArgs?.['product'];
  return typeof given === 'string' && given.trim() ? given : (PRODUCT_OF[agentName] ?? 'enquiry');
}

/** A plausible conversation for an outcome; deterministic from its inputs. */
export function transcriptFor(contactName: string | null, product: string, classification: string): TranscriptLine[] {
  const first = contactName?.split(' ')[0] ?? 'there';
  const product_ = product.toLowerCase();
  const opening: TranscriptLine = { bot: `Hi ${first}, I'm calling about your ${product_} inquiry...` };
  switch (classification as Classification) {
    case 'Interested':
      return [opening, { user: 'Yes, I was interested in learning more...' }, { bot: 'Great. Shall I share the details and the next steps?' }, { user: 'Please do. What would the monthly payment be?' }];
    case 'Not Interested':
      return [opening, { user: "Thanks, but I'm not looking for that right now." }, { bot: 'Understood. I will not call again about this.' }];
    case 'Callback Requested':
      return [opening, { user: "I'm busy at the moment, can you call me tomorrow evening?" }, { bot: 'Of course, I will schedule a callback for tomorrow evening.' }];
    case 'Wrong Number':
      return [opening, { user: "Sorry, I think you have the wrong number." }, { bot: 'Apologies for the trouble. Have a good day.' }];
    default:
      return [opening, { user: '(voicemail) Please leave a message after the tone.' }];
  }
}

export function analysisFor(classification: string, product: string): VyoraAnalysis {
  const p = product.toLowerCase();
  const summaries: Record<Classification, string> = {
    Interested: `Lead expressed strong interest in the ${p} and asked about payment options.`,
    'Not Interested': `Contact declined the ${p} offer; no follow-up needed.`,
    'Callback Requested': `Contact asked for a callback tomorrow evening to discuss the ${p}.`,
    'Wrong Number': 'The number does not belong to the intended contact.',
    Voicemail: 'Reached voicemail; no conversation took place.',
  };
  return { summary: summaries[classification as Classification] ?? `Conversation about the ${p}.`, classification };
}

/** The outcome of a call, fixed by its id so the same call always ends the same way. */
export function classificationFor(callId: string): Classification {
  const h = hashString(callId) % 100;
  return h < 45 ? 'Interested' : h < 65 ? 'Callback Requested' : h < 85 ? 'Not Interested' : h < 93 ? 'Voicemail' : 'Wrong Number';
}

export function durationFor(callId: string, classification: string): number {
  const h = hashString(`${callId}:duration`);
  if (classification === 'Voicemail') return 8 + (h % 15);
  if (classification === 'Wrong Number') return 10 + (h % 20);
  return 35 + (h % 360);
}

/** The id of the workspace that always exists: the demo key's, holding the seeded calls and the documented agents. */
export const DEFAULT_VYORA_WORKSPACE = 'default';

export function seedVyora(seed: number, demoKey: string): VyoraState {
  const rng = Rng.for(seed, 'vyora');
  const agents: VyoraAgent[] = [HOME_LOAN_AGENT, ADMISSION_AGENT].map((a) => ({ ...a }));
  for (const [name, language, agent_type, active] of MORE_AGENTS) agents.push({ id: rng.uuid(), name, language, agent_type, active });
  const calls = new Map<string, VyoraCall>();
  const callable = agents.filter((a) => a.active && a.agent_type === 'outbound');
  const start = Date.parse('2026-03-01T03:30:00Z');
  const end = Date.parse('2026-05-24T09:00:00Z');
  const times = Array.from({ length: 119 }, () => rng.int(start, end)).sort((a, b) => a - b);
  for (const t of times) {
    const agent = rng.pick(callable);
    const contact = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
    let id = rng.alnum(9);
    while (calls.has(id)) id = rng.alnum(9);
    const classification = classificationFor(id);
    const product = productFor(agent.name, null);
    calls.set(id, {
      call_id: id,
      workspace: demoKey,
      agent_id: agent.id,
      agent_name: agent.name,
      contact_name: contact,
      phone_number: `+91${rng.pick(['9', '8', '7'])}${rng.chars(9, '0123456789')}`,
      status: 'completed',
      direction: 'outbound',
      duration_seconds: durationFor(id, classification),
      recording_url: `https://cdn.vyora.ai/recordings/${id}.mp3`,
      transcript: transcriptFor(contact, product, classification),
      analysis: analysisFor(classification, product),
      campaign_id: rng.chance(0.6) ? `campaign_${rng.int(100, 999)}` : null,
      custom_args: { name: contact, product },
      called_at: iso(Math.floor(t / 1000) * 1000),
    });
  }
  const doc = documentedCall(demoKey);
  calls.set(doc.call_id, doc);
  return { seed, calls, spaces: new Map([[DEFAULT_VYORA_WORKSPACE, { agents, credits: DEFAULT_VYORA_CREDITS }]]) };
}

/**
 * A workspace's agents and credits, seeded on first use: the same agent names as the default
 * workspace (so `agent_name` works in each), but ids of its own, so one workspace's agent id
 * is "Agent not found" in another.
 */
export function spaceOf(state: VyoraState, workspaceId: string): VyoraSpace {
  let space = state.spaces.get(workspaceId);
  if (!space) {
    const rng = Rng.for(state.seed, `vyora:${workspaceId}`);
    const agents = [HOME_LOAN_AGENT, ADMISSION_AGENT, ...MORE_AGENTS.map(([name, language, agent_type, active]) => ({ name, language, agent_type, active }))].map(
      ({ name, language, agent_type, active }) => ({ id: rng.uuid(), name, language, agent_type, active }),
    );
    space = { agents, credits: DEFAULT_VYORA_CREDITS };
    state.spaces.set(workspaceId, space);
  }
  return space;
}
