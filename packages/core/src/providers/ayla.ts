import { field } from '../spec/fields';
import { defineOperation, defineProvider, operations } from '../spec/define';
import { distinct } from './rules';

/**
 * Ayla: messaging intelligence — fraud scoring, channel routing, sender ID compliance and
 * carrier health. Fully documented, so every operation is strict. No pagination, no webhooks.
 */

const MESSAGE_TYPES = ['otp', 'transactional', 'promotional', 'alert'] as const;

/**
 * Alphanumeric sender IDs: the GSM rule carriers apply, 1 to 11 of A–Z, a–z, 0–9 and space.
 * Ayla documents only the length; the character set is the common carrier rule.
 */
const SENDER_ID = /^[A-Za-z0-9 ]+$/;

function senderId(help: string): ReturnType<typeof field.string<true>> {
  return field.string({
    label: 'Sender ID',
    help,
    required: true,
    min: 1,
    max: 11,
    pattern: SENDER_ID,
    patternHelp: 'must use only letters A-Z, digits 0-9 and spaces (the GSM sender ID rule)',
    example: 'GTBANKNG',
  });
}

const msisdn = field.phone({
  label: 'MSISDN',
  help: 'The recipient\'s phone number in E.164 format, e.g. +2348031234567.',
  required: true,
  example: '+2348031234567',
});

const messageType = field.enum(MESSAGE_TYPES, {
  label: 'Message Type',
  help: 'What the message is: otp, transactional, promotional or alert.',
  required: true,
  example: 'otp',
});

export const ayla = defineProvider({
  id: 'ayla',
  name: 'Ayla',
  description: 'Score messages for fraud, pick the best channel, verify sender IDs and watch carrier health.',
  baseUrl: 'https://api.ayla.ai/v1',
  docsUrl: 'https://ayla.ai/docs/api',
  auth: { type: 'bearer' },
  keyModes: { test: 'ayla_test_sk_', live: 'ayla_live_sk_' },
  keyHelp: 'Generate a key in the Ayla developer dashboard: ayla_test_sk_… for the sandbox, ayla_live_sk_… for production.',
  pagination: { style: 'none' },
  // The Developer plan's 10 requests per second; higher plans can raise it in the client options.
  rateLimit: { requests: 10, perMs: 1_000, remainingHeader: 'x-ratelimit-remaining', resetHeader: 'x-ratelimit-reset' },
  testOperation: 'carriers.health',
  operations: operations(
    defineOperation('messages.analyze', {
      summary: 'Analyze a message for fraud',
      description: 'Scores a message for fraud risk before you send it: 0 is clean, 1 highly suspicious, with an ALLOW, REVIEW or BLOCK recommendation.',
      method: 'POST',
      path: '/analyze',
      fields: {
        sender_id: senderId('The sender ID the message goes out under, e.g. GTBANKNG (at most 11 characters).'),
        msisdn,
        message_type: messageType,
        corridor: field.string({ label: 'Corridor', help: 'The carrier corridor the message takes, e.g. MTN-NG.', min: 1, example: 'MTN-NG' }),
        volume_1h: field.integer({ label: 'Volume (Last Hour)', help: 'How many messages this sender sent in the past hour.', min: 0, example: 1200 }),
      },
      sample: {
        fraud_score: 0.12,
        action: 'ALLOW',
        signals_fired: ['velocity_nominal', 'corridor_healthy'],
        latency_ms: 0.8,
        request_id: 'req_01HVKQZT9XN4P2F8',
      },
      surfaces: { zapier: 'create' },
    }),
    defineOperation('channel.decide', {
      summary: 'Decide the channel',
      description: 'Recommends the primary channel and route for a message, with a failover chain.',
      method: 'POST',
      path: '/channel/decide',
      fields: {
        message_type: messageType,
        msisdn,
        urgency: field.enum(['high', 'medium', 'low'], { label: 'Urgency', help: 'How urgent delivery is; Ayla assumes medium when left out.', default: 'medium', example: 'high' }),
        allowed_channels: field.enumList(['sms', 'whatsapp', 'email'], { label: 'Allowed Channels', help: 'Only consider these channels; leave empty to allow all.', min: 1, example: ['sms', 'whatsapp'] }),
      },
      check: distinct('allowed_channels'),
      sample: {
        primary_channel: 'sms',
        route_score: 0.94,
        action: 'MAINTAIN',
        failover_chain: ['whatsapp', 'email', 'voice'],
        sla_risk: 'LOW',
        request_id: 'req_01HVKR2M8WJ5N9G1',
      },
      surfaces: { zapier: 'create' },
    }),
    defineOperation('sender.verify', {
      summary: 'Verify a sender ID',
      description: 'Runs a sender ID through rules, AI compliance and registry checks: APPROVE, REVIEW or REJECT.',
      method: 'POST',
      path: '/sender/verify',
      fields: {
        sender_id: senderId('The sender ID to verify, e.g. GTBANKNG (at most 11 characters).'),
        country_code: field.country({ label: 'Country Code', help: 'The country the sender ID will be used in, as an ISO 3166-1 alpha-2 code, e.g. NG or GH.', required: true, example: 'NG' }),
        organisation_type: field.enum(['bank', 'fintech', 'telco', 'other'], { label: 'Organisation Type', help: 'What kind of organisation sends under this ID; helps the compliance check.', example: 'bank' }),
      },
      sample: {
        decision: 'APPROVE',
        confidence: 0.97,
        layers_passed: 3,
        reasoning: 'Licensed financial institution. Registry match confirmed.',
        latency_ms: 210,
      },
      surfaces: { zapier: 'create' },
    }),
    defineOperation('carriers.health', {
      summary: 'Get carrier health',
      description: 'Fetches current health scores for the monitored carrier corridors.',
      method: 'GET',
      path: '/carriers/health',
      list: { itemsPath: 'corridors' },
      fields: {
        country: field.country({ label: 'Country', help: 'Only corridors in this country (ISO 3166-1 alpha-2, e.g. NG).', in: 'query', example: 'NG' }),
        min_score: field.number({ label: 'Minimum Score', help: 'Only corridors scoring above this, from 0 to 1.', in: 'query', min: 0, max: 1, example: 0.8 }),
      },
      sample: {
        corridors: [
          { id: 'MTN-NG', composite_score: 0.96, dlr_1h: 0.97, sla_risk: 'LOW' },
          { id: 'GLO-NG', composite_score: 0.71, sla_risk: 'HIGH' },
        ],
      },
      surfaces: { zapier: 'search' },
    }),
  ),
});
