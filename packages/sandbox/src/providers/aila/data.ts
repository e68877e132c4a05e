import { hashString, Rng, uniqueId } from '../../support/random';
import { iso } from '../types';

/** Aila's world: per organization its team, contacts, processed calls and webhook endpoints. */

export const AILA_ORGANIZATION_ID = 'org_5tq81';

export const AILA_EVENTS = ['call.completed', 'call.data.extracted', 'task.created', 'task.synced', 'mismo.ready', 'test.ping'] as const;
export type AilaEvent = (typeof AILA_EVENTS)[number];

export interface AilaUser {
  id: string;
  name: string;
}

export interface TranscriptTurn {
  speaker: 'agent' | 'contact';
  text: string;
  start_seconds: number;
}

export interface ChecklistItem {
  item: string;
  passed: boolean;
  score: number;
}

export interface AilaCall {
  id: string;
  user_id: string | null;
  contact_id: string | null;
  direction: 'inbound' | 'outbound' | null;
  phone_number: string | null;
  status: 'queued' | 'processing' | 'processed' | 'failed';
  duration_seconds: number | null;
  started_at: string | null;
  recording_url: string;
  created_at: string;
  metadata: Record<string, string | number | boolean | null> | null;
  transcript: TranscriptTurn[] | null;
  analysis: { summary: string; sentiment: 'positive' | 'neutral' | 'negative' } | null;
  overall_score: number | null;
  checklist: ChecklistItem[] | null;
  /** Fields an upload sent that the documents do not list, kept as given. */
  extra: Record<string, unknown>;
}

export interface AilaContact {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  created_at: string;
  updated_at: string;
  extra: Record<string, unknown>;
}

export interface AilaWebhook {
  id: string;
  organization_id: string;
  url: string;
  events: AilaEvent[];
  active: boolean;
  created_at: string;
  /** Signs deliveries; shown once, in the creation answer. */
  secret: string;
}

export interface AilaState {
  organizationId: string;
  users: AilaUser[];
  contacts: AilaContact[];
  calls: AilaCall[];
  webhooks: AilaWebhook[];
}

const CHECKLIST = [
  'Introduced themselves and the company',
  "Confirmed the borrower's identity",
  'Gave the required rate-lock disclosure',
  'Summarised the next steps',
  'Asked for questions before ending',
] as const;

type Sentiment = NonNullable<AilaCall['analysis']>['sentiment'];

const SUMMARIES: ReadonlyArray<readonly [string, Sentiment]> = [
  ['Borrower asked about extending the rate lock; follow-up promised.', 'positive'],
  ['Walked the borrower through the closing disclosure; no concerns raised.', 'positive'],
  ['Borrower requested an update on the appraisal; status shared.', 'neutral'],
  ['Collected missing pay stubs and bank statements for underwriting.', 'neutral'],
  ['Borrower unhappy about the closing delay; escalated to the manager.', 'negative'],
  ['Refinance enquiry; pre-qualification scheduled.', 'positive'],
];

const FIRST = ['Maria', 'James', 'Aisha', 'Tom', 'Elena', 'Marcus', 'Grace', 'Luis', 'Nina', 'Derek', 'Fatima', 'Owen', 'Rosa', 'Caleb', 'Ivy', 'Hector'];
const LAST = ['Lopez', 'Nguyen', 'Johnson', 'Patel', 'Williams', 'Martinez', 'Brown', 'Davis', 'Clark', 'Lewis', 'Young', 'Hall', 'Allen', 'King'];
const COMPANIES = ['Lone Star Lending', 'Bluebonnet Homes', 'Gulf Coast Realty', 'Hill Country Builders', null, null];

/** Quality scores and checklist, fixed by the call's id. */
export function qualityFor(callId: string): { overall_score: number; checklist: ChecklistItem[] } {
  const h = hashString(`${callId}:quality`);
  const checklist = CHECKLIST.map((item, i) => {
    const passed = ((h >> i) & 3) !== 0;
    return { item, passed, score: passed ? 10 : 0 };
  });
  const passed = checklist.filter((c) => c.passed).length;
  return { overall_score: 50 + passed * 8 + (h % 9), checklist };
}

export function analysisFor(callId: string): NonNullable<AilaCall['analysis']> {
  const [summary, sentiment] = SUMMARIES[hashString(`${callId}:analysis`) % SUMMARIES.length] as (typeof SUMMARIES)[number];
  return { summary, sentiment };
}

export function transcriptFor(agentName: string, contactName: string, summary: string): TranscriptTurn[] {
  return [
    { speaker: 'agent', text: `Hi ${contactName.split(' ')[0]}, this is ${agentName.split(' ')[0]} from Lone Star Lending.`, start_seconds: 0 },
    { speaker: 'contact', text: 'Hi, thanks for calling back.', start_seconds: 3.8 },
    { speaker: 'agent', text: summary, start_seconds: 7.5 },
  ];
}

/** The documented example call, contact and team members. */
function documented(): { call: AilaCall; contact: AilaContact; users: AilaUser[] } {
  return {
    users: [
      { id: 'usr_12ab', name: 'Sam Carter' },
      { id: 'usr_34cd', name: 'Priya Shah' },
    ],
    contact: {
      id: 'ct_77xy',
      name: 'Maria Lopez',
      email: 'maria.lopez@example.com',
      phone: '+15125550142',
      company: 'Lone Star Lending',
      created_at: '2025-02-11T09:00:00Z',
      updated_at: '2025-03-04T16:30:00Z',
      extra: {},
    },
    call: {
      id: 'call_8f3k2m',
      user_id: 'usr_12ab',
      contact_id: 'ct_77xy',
      direction: 'outbound',
      phone_number: '+15125550142',
      status: 'processed',
      duration_seconds: 412,
      started_at: '2025-03-04T16:20:00Z',
      recording_url: 'https://storage.example.com/recordings/2025-03-04-maria-lopez.mp3',
      created_at: '2025-03-04T16:27:00Z',
      metadata: null,
      transcript: [
        { speaker: 'agent', text: 'Hi Maria, this is Sam from Lone Star Lending.', start_seconds: 0 },
        { speaker: 'contact', text: 'Hi Sam, I wanted to ask about my rate lock.', start_seconds: 4.2 },
      ],
      analysis: { summary: 'Borrower asked about extending her rate lock; follow-up promised.', sentiment: 'positive' },
      overall_score: 86,
      checklist: [
        { item: 'Introduced themselves and the company', passed: true, score: 10 },
        { item: "Confirmed the borrower's identity", passed: true, score: 10 },
        { item: 'Gave the required rate-lock disclosure', passed: false, score: 0 },
      ],
      extra: {},
    },
  };
}

/** Every organization's data, each seeded the first time it is used. */
export interface AilaWorld {
  seed: number;
  organizations: Map<string, AilaState>;
}

export function ailaWorld(seed: number): AilaWorld {
  return { seed, organizations: new Map() };
}

/** An organization's data: the documented examples live in the default organization only. */
export function ailaOf(world: AilaWorld, organizationId: string): AilaState {
  let state = world.organizations.get(organizationId);
  if (!state) {
    state = seedAila(world.seed, organizationId);
    world.organizations.set(organizationId, state);
  }
  return state;
}

export function seedAila(seed: number, organizationId = AILA_ORGANIZATION_ID): AilaState {
  const own = organizationId === AILA_ORGANIZATION_ID;
  // The default organization keeps the stream it always had, so a seed gives the same data as before.
  const rng = Rng.for(seed, own ? 'aila' : `aila:${organizationId}`);
  const doc = documented();
  const taken = new Set<string>(['usr_12ab', 'usr_34cd', 'ct_77xy', 'call_8f3k2m']);
  const users = own ? [...doc.users] : doc.users.map((u) => ({ id: uniqueId(rng, 'usr_', 4, taken), name: u.name }));
  for (const name of ['Luis Romero', 'Hannah Brooks', 'Devon Price', 'Mei Tanaka', 'Chris Okoye', 'Ana Ruiz']) {
    users.push({ id: uniqueId(rng, 'usr_', 4, taken), name });
  }
  const contacts: AilaContact[] = own ? [doc.contact] : [];
  const cFrom = Date.parse('2024-09-01T00:00:00Z');
  const cTo = Date.parse('2025-03-01T00:00:00Z');
  for (let i = 0; i < 109; i++) {
    const name = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
    const created = Math.floor(rng.int(cFrom, cTo) / 1000) * 1000;
    contacts.push({
      id: uniqueId(rng, 'ct_', 4, taken),
      name,
      email: rng.chance(0.85) ? `${name.toLowerCase().replace(' ', '.')}${rng.int(1, 99)}@example.com` : null,
      phone: `+1${rng.pick(['512', '737', '214', '713', '210'])}555${rng.chars(4, '0123456789')}`,
      company: rng.pick(COMPANIES),
      created_at: iso(created),
      updated_at: iso(created + rng.int(0, 20) * 86_400_000),
      extra: {},
    });
  }
  const calls: AilaCall[] = own ? [doc.call] : [];
  const from = Date.parse('2024-12-01T14:00:00Z');
  const to = Date.parse('2025-03-04T15:00:00Z');
  for (let i = 0; i < 149; i++) {
    const id = uniqueId(rng, 'call_', 6, taken);
    const user = rng.pick(users);
    const contact = rng.pick(contacts);
    const status = rng.weighted([['processed', 94], ['failed', 6]] as const);
    const started = Math.floor(rng.int(from, to) / 1000) * 1000;
    const duration = rng.int(45, 1500);
    const analysis = status === 'processed' ? analysisFor(id) : null;
    const quality = status === 'processed' ? qualityFor(id) : null;
    calls.push({
      id,
      user_id: user.id,
      contact_id: contact.id,
      direction: rng.chance(0.55) ? 'outbound' : 'inbound',
      phone_number: contact.phone,
      status,
      duration_seconds: duration,
      started_at: iso(started),
      recording_url: `https://storage.example.com/recordings/${id}.mp3`,
      created_at: iso(started + duration * 1000 + 60_000),
      metadata: rng.chance(0.3) ? { loan_number: `LN-${rng.int(10000, 99999)}` } : null,
      transcript: analysis ? transcriptFor(user.name, contact.name, analysis.summary) : null,
      analysis,
      overall_score: quality?.overall_score ?? null,
      checklist: quality?.checklist ?? null,
      extra: {},
    });
  }
  return { organizationId, users, contacts, calls, webhooks: [] };
}
