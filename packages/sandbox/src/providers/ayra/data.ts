import { Rng, uniqueId } from '../../support/random';
import { iso } from '../types';

/** Ayra's world: agents, their conversations, contacts, workflows and workflow executions. */

export const AGENT_STATUSES = ['active', 'paused', 'archived'] as const;
export const VOICE_PLATFORMS = ['vapi', 'retell'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];
export type VoicePlatform = (typeof VOICE_PLATFORMS)[number];

export interface AyraAgent {
  id: string;
  name: string;
  phone_number: string | null;
  voice_platform: VoicePlatform;
  language: string;
  status: AgentStatus;
  created_at: string;
  updated_at: string;
  /** The complete configuration, returned by GET /agents/{id} only (the list shows a summary). */
  config: Record<string, unknown>;
}

export interface AyraConversation {
  id: string;
  agent_id: string;
  contact_id: string | null;
  phone_number: string;
  direction: 'inbound' | 'outbound';
  status: 'completed' | 'missed' | 'transferred' | 'failed';
  duration_seconds: number;
  summary: string;
  started_at: string;
  ended_at: string;
  created_at: string;
  recording_url: string | null;
  transcript: Array<{ role: 'agent' | 'user'; text: string }>;
}

export interface AyraContact {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  tags: string[];
  created_at: string;
  updated_at: string;
  /** Fields the documents do not list, kept as given. */
  extra: Record<string, unknown>;
}

export interface AyraWorkflow {
  id: string;
  name: string;
  /** A workflow whose every run fails (its CRM connection is broken), for testing failure paths. */
  broken: boolean;
}

export interface AyraExecution {
  execution_id: string;
  workflow_id: string;
  status: 'running' | 'completed' | 'failed';
  started_at: string;
  completed_at?: string;
  input: Record<string, unknown>;
  output?: Record<string, unknown>;
  error?: { code: string; message: string };
}

export interface AyraState {
  agents: AyraAgent[];
  conversations: AyraConversation[];
  contacts: AyraContact[];
  workflows: AyraWorkflow[];
  executions: Map<string, AyraExecution>;
}

const ROLES = [
  'Appointment Setter', 'Billing Support', 'Lead Qualifier', 'Renewal Reminder', 'Onboarding Guide', 'Survey Caller',
  'Collections Assistant', 'After-Hours Receptionist', 'Order Status Agent', 'Technical Support', 'Reservation Agent',
  'Recruiting Screener', 'Insurance Intake', 'Patient Reminder', 'Real Estate Follow-up',
];
const TEAMS = ['', ' (Spanish)', ' West', ' EMEA'];
const LANGUAGES: ReadonlyArray<readonly [string, number]> = [['en', 50], ['es', 18], ['fr', 8], ['de', 7], ['pt', 7], ['it', 4], ['hi', 3], ['ja', 3]];
const FIRST = ['Jane', 'Omar', 'Lucia', 'Ben', 'Aisha', 'Marco', 'Chloe', 'Diego', 'Hana', 'Sam', 'Noah', 'Emma', 'Liam', 'Zoe', 'Ravi', 'Ines', 'Tom', 'Maya', 'Felix', 'Nora'];
const LAST = ['Smith', 'Garcia', 'Chen', 'Okafor', 'Rossi', 'Dubois', 'Kim', 'Novak', 'Silva', 'Brown', 'Haddad', 'Lindqvist', 'Tanaka', 'Moreau', 'Walsh'];
const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella Health', 'Stark Logistics', 'Wayne Realty', 'Hooli', 'Vandelay Imports', 'Soylent Foods', 'Wonka Retail'];
const TAGS = ['prospect', 'enterprise', 'customer', 'smb', 'churn-risk', 'vip', 'partner'];
const SUMMARIES: Record<AyraConversation['status'], readonly string[]> = {
  completed: [
    'Caller asked to move an appointment; rescheduled.',
    'Customer asked about an invoice; explained the charges.',
    'Qualified a new lead and booked a demo.',
    'Confirmed the order status and delivery date.',
    'Renewed the policy for another year.',
  ],
  missed: ['No answer; left a voicemail.'],
  transferred: ['Caller asked for a human; transferred to the support team.'],
  failed: ['The call dropped before the conversation started.'],
};

/** The two agents the list-agents document shows, as its first page shows them. */
const DOCUMENTED_AGENTS: AyraAgent[] = [
  {
    id: 'agent_abc123',
    name: 'Customer Support Agent',
    phone_number: '+15551234567',
    voice_platform: 'vapi',
    language: 'en',
    status: 'active',
    created_at: '2025-01-15T10:30:00Z',
    updated_at: '2025-01-15T14:22:00Z',
    config: { description: 'Answers support calls and books callbacks.', first_message: 'Hi, thanks for calling Acme support. How can I help?', voice: 'alloy', max_call_duration_seconds: 900 },
  },
  {
    id: 'agent_def456',
    name: 'Sales Assistant',
    phone_number: '+15559876543',
    voice_platform: 'retell',
    language: 'en',
    status: 'active',
    created_at: '2025-01-14T09:15:00Z',
    updated_at: '2025-01-14T09:15:00Z',
    config: { description: 'Qualifies inbound leads and books demos.', first_message: 'Hi! Thanks for your interest. Do you have a minute?', voice: 'nova', max_call_duration_seconds: 600 },
  },
];

const DOCUMENTED_CONTACT: AyraContact = {
  id: 'contact_abc123',
  name: 'Jane Smith',
  email: 'jane@example.com',
  phone: '+15555551234',
  company: 'Acme Corp',
  tags: ['prospect', 'enterprise'],
  created_at: '2025-01-15T10:30:00Z',
  updated_at: '2025-01-15T10:30:00Z',
  extra: {},
};

function phone555(rng: Rng): string {
  return `+1555${rng.chars(7, '0123456789')}`;
}

function seedAgents(rng: Rng, taken: Set<string>): AyraAgent[] {
  const agents = DOCUMENTED_AGENTS.map((a) => ({ ...a, config: { ...a.config } }));
  const names = new Set(agents.map((a) => a.name));
  // 45 more, all created before the documented two, so the default sort (newest first) shows those first: 47 in all, as documented.
  const from = Date.parse('2024-03-01T00:00:00Z');
  const to = Date.parse('2025-01-13T00:00:00Z');
  while (agents.length < 47) {
    const name = `${rng.pick(ROLES)}${rng.pick(TEAMS)}`;
    if (names.has(name)) continue;
    names.add(name);
    const created = rng.int(from, to);
    const updated = rng.chance(0.4) ? created : rng.int(created, to);
    agents.push({
      id: uniqueId(rng, 'agent_', 6, taken),
      name,
      phone_number: rng.chance(0.9) ? phone555(rng) : null,
      voice_platform: rng.weighted([['vapi', 55], ['retell', 45]] as const),
      language: name.endsWith('(Spanish)') ? 'es' : rng.weighted(LANGUAGES),
      status: rng.weighted([['active', 60], ['paused', 25], ['archived', 15]] as const),
      created_at: iso(Math.floor(created / 1000) * 1000),
      updated_at: iso(Math.floor(updated / 1000) * 1000),
      config: { description: `${name} for inbound and outbound calls.`, voice: rng.pick(['alloy', 'nova', 'shimmer', 'echo']), max_call_duration_seconds: rng.pick([300, 600, 900]) },
    });
  }
  return agents;
}

function seedContacts(rng: Rng, taken: Set<string>): AyraContact[] {
  const contacts: AyraContact[] = [{ ...DOCUMENTED_CONTACT, tags: [...DOCUMENTED_CONTACT.tags] }];
  const from = Date.parse('2024-05-01T00:00:00Z');
  const to = Date.parse('2025-01-14T00:00:00Z');
  for (let i = 0; i < 119; i++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const company = rng.pick(COMPANIES);
    const created = iso(Math.floor(rng.int(from, to) / 1000) * 1000);
    const domain = company.toLowerCase().replace(/[^a-z]+/g, '') + '.example';
    contacts.push({
      id: uniqueId(rng, 'contact_', 6, taken),
      name: `${first} ${last}`,
      email: rng.chance(0.9) ? `${first.toLowerCase()}.${last.toLowerCase()}${rng.int(1, 99)}@${domain}` : null,
      phone: rng.chance(0.85) ? phone555(rng) : null,
      company,
      tags: TAGS.filter(() => rng.chance(0.25)),
      created_at: created,
      updated_at: created,
      extra: {},
    });
  }
  return contacts;
}

function seedConversations(rng: Rng, taken: Set<string>, agents: AyraAgent[], contacts: AyraContact[]): AyraConversation[] {
  const doc: AyraConversation = {
    id: 'conv_abc123',
    agent_id: 'agent_abc123',
    contact_id: 'contact_abc123',
    phone_number: '+15555551234',
    direction: 'inbound',
    status: 'completed',
    duration_seconds: 184,
    summary: 'Caller asked to move her appointment to Friday; rescheduled.',
    started_at: '2025-01-15T11:02:00Z',
    ended_at: '2025-01-15T11:05:04Z',
    created_at: '2025-01-15T11:02:00Z',
    recording_url: 'https://cdn.ayra.ai/recordings/conv_abc123.mp3',
    transcript: [
      { role: 'agent', text: 'Hi, thanks for calling Acme support. How can I help?' },
      { role: 'user', text: 'I need to move my appointment to Friday.' },
    ],
  };
  const conversations = [doc];
  const working = agents.filter((a) => a.status !== 'archived');
  const from = Date.parse('2024-10-01T00:00:00Z');
  const to = Date.parse('2025-01-15T10:00:00Z');
  for (let i = 0; i < 149; i++) {
    const agent = rng.pick(working);
    const contact = rng.chance(0.8) ? rng.pick(contacts) : undefined;
    const status = rng.weighted([['completed', 75], ['missed', 10], ['transferred', 8], ['failed', 7]] as const);
    const duration = status === 'completed' ? rng.int(40, 900) : status === 'transferred' ? rng.int(20, 120) : rng.int(0, 25);
    const started = Math.floor(rng.int(from, to) / 1000) * 1000;
    const id = uniqueId(rng, 'conv_', 6, taken);
    const summary = rng.pick(SUMMARIES[status]);
    conversations.push({
      id,
      agent_id: agent.id,
      contact_id: contact?.id ?? null,
      phone_number: contact?.phone ?? phone555(rng),
      direction: rng.chance(0.6) ? 'inbound' : 'outbound',
      status,
      duration_seconds: duration,
      summary,
      started_at: iso(started),
      ended_at: iso(started + duration * 1000),
      created_at: iso(started),
      recording_url: status === 'completed' || status === 'transferred' ? `https://cdn.ayra.ai/recordings/${id}.mp3` : null,
      transcript:
        status === 'completed' || status === 'transferred'
          ? [
              { role: 'agent', text: `Hi, this is ${agent.name}. How can I help?` },
              { role: 'user', text: summary.split(';')[0] ?? summary },
              { role: 'agent', text: status === 'transferred' ? 'Let me transfer you to a colleague.' : 'Done. Is there anything else?' },
            ]
          : [],
    });
  }
  return conversations;
}

export function seedAyra(seed: number): AyraState {
  const rng = Rng.for(seed, 'ayra');
  const taken = new Set(['agent_abc123', 'agent_def456', 'contact_abc123', 'conv_abc123']);
  const agents = seedAgents(rng, taken);
  const contacts = seedContacts(rng, taken);
  const conversations = seedConversations(rng, taken, agents, contacts);
  const workflows: AyraWorkflow[] = [
    { id: 'wf_abc123', name: 'Follow-up Call Scheduler', broken: false },
    { id: 'wf_crm001', name: 'CRM Sync', broken: false },
    { id: 'wf_nur002', name: 'Lead Nurture Sequence', broken: false },
    { id: 'wf_cbk003', name: 'Missed Call Callback', broken: false },
    { id: 'wf_apt004', name: 'Appointment Confirmation', broken: false },
    { id: 'wf_brk500', name: 'Legacy CRM Sync (broken connection)', broken: true },
  ];
  const executions = new Map<string, AyraExecution>([
    [
      'exec_abc123',
      {
        execution_id: 'exec_abc123',
        workflow_id: 'wf_abc123',
        status: 'completed',
        started_at: '2025-01-15T15:00:00Z',
        completed_at: '2025-01-15T15:00:04Z',
        input: { contact_id: 'contact_abc123', reason: 'follow_up' },
        output: { call_scheduled: true },
      },
    ],
  ]);
  return { agents, conversations, contacts, workflows, executions };
}
