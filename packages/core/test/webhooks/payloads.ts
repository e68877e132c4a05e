/** Example webhook payloads: Vyora's verbatim from its API document, Aila's and Ayra's in the shape our specs assume. */

export const vyoraExample = {
  event: 'call_completed',
  call_id: 'abc123xyz',
  phone_number: '+919876543210',
  contact_name: 'Rahul Sharma',
  agent_id: 'your-agent-id',
  agent_name: 'Home Loan Agent',
  status: 'completed',
  direction: 'outbound',
  duration_seconds: 47,
  recording_url: 'https://cdn.vyora.ai/recordings/abc123.mp3',
  transcript: [{ bot: "Hi Rahul, I'm calling about your home loan inquiry..." }, { user: 'Yes, I was interested in learning more...' }],
  analysis: { summary: 'Lead expressed strong interest, asked about EMI options.', classification: 'Interested' },
  campaign_id: 'campaign_456',
  custom_args: { name: 'Rahul Sharma', product: 'Home Loan' },
  called_at: '2026-05-24T10:30:00Z',
  timestamp: '2026-05-24T10:31:15Z',
};

export const ailaExample = {
  id: 'evt_aila_0001',
  event: 'call.completed',
  created_at: '2026-05-24T11:00:00Z',
  data: { call_id: 'call_789', duration_seconds: 312, status: 'completed' },
};

export const ayraExample = {
  id: 'evt_ayra_0001',
  event: 'conversation.completed',
  created_at: '2026-05-24T12:00:00Z',
  data: { conversation_id: 'conv_42', agent_id: 'agent_7' },
};
