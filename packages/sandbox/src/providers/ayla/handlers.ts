import { ISO_COUNTRIES } from '@callbridge/core';
import { ApiFailure, BadInput } from '../../support/failure';
import { bodyObject, readEnum, readNumber, readPhone, readString, type Source } from '../../support/input';
import { hashString, round } from '../../support/random';
import type { Handler, HandlerContext } from '../types';
import { CORRIDORS, slaRisk } from './data';
import { analyze, decideChannel, verifySender, type Channel } from './scoring';

const MESSAGE_TYPES = ['otp', 'transactional', 'promotional', 'alert'] as const;
const CHANNELS = ['sms', 'whatsapp', 'email'] as const;

/** The documented sender ID rule (max 11 characters) and its documented error. */
function readSenderId(body: Source): string {
  const v = body['sender_id'];
  if (v === undefined || v === null || v === '') throw new ApiFailure(422, 'invalid_sender_id', 'Sender ID is required', { field: 'sender_id' });
  if (typeof v !== 'string') throw new ApiFailure(422, 'invalid_sender_id', 'Sender ID must be a string', { field: 'sender_id' });
  if (v.length > 11) throw new ApiFailure(422, 'invalid_sender_id', 'Sender ID exceeds 11 characters', { field: 'sender_id' });
  return v;
}

function readCountry(source: Source, field: string, required: boolean): string | undefined {
  const v = readString(source, field, { required });
  if (v === undefined) return undefined;
  const code = v.toUpperCase();
  if (!ISO_COUNTRIES.has(code)) throw new BadInput(field, 'must be an ISO 3166-1 alpha-2 country code, e.g. NG or GH');
  return code;
}

/** Every Ayla answer carries request_id and latency_ms. */
function answer(ctx: HandlerContext, body: Record<string, unknown>, latencyMs: number): { body: Record<string, unknown> } {
  return { body: { ...body, latency_ms: body['latency_ms'] ?? latencyMs, request_id: ctx.requestId } };
}

const messagesAnalyze: Handler = (ctx) => {
  const body = bodyObject(ctx.body);
  const sender_id = readSenderId(body);
  const msisdn = readPhone(body, 'msisdn', true) as string;
  const message_type = readEnum(body, 'message_type', MESSAGE_TYPES, true) as (typeof MESSAGE_TYPES)[number];
  const corridor = readString(body, 'corridor', { min: 1 });
  const volume_1h = readNumber(body, 'volume_1h', { min: 0 });
  const result = analyze({ sender_id, msisdn, message_type, ...(corridor !== undefined ? { corridor } : {}), volume_1h });
  return answer(ctx, result, result.latency_ms);
};

const channelDecide: Handler = (ctx) => {
  const body = bodyObject(ctx.body);
  const message_type = readEnum(body, 'message_type', MESSAGE_TYPES, true) as (typeof MESSAGE_TYPES)[number];
  const msisdn = readPhone(body, 'msisdn', true) as string;
  const urgency = readEnum(body, 'urgency', ['high', 'medium', 'low'] as const) ?? 'medium';
  const raw = body['allowed_channels'];
  let allowed: Channel[] | undefined;
  if (raw !== undefined && raw !== null) {
    if (!Array.isArray(raw) || raw.length === 0) throw new BadInput('allowed_channels', `must be a non-empty list of: ${CHANNELS.join(', ')}`);
    raw.forEach((c, i) => {
      if (typeof c !== 'string' || !(CHANNELS as readonly string[]).includes(c)) throw new BadInput('allowed_channels', `item ${i} must be one of: ${CHANNELS.join(', ')}`);
    });
    allowed = raw as Channel[];
  }
  const result = decideChannel({ message_type, msisdn, urgency, ...(allowed ? { allowed_channels: allowed } : {}) });
  return answer(ctx, result, round(1.2 + (hashString(`${msisdn}|${message_type}|${urgency}`) % 8) / 10, 1));
};

const senderVerify: Handler = (ctx) => {
  const body = bodyObject(ctx.body);
  const sender_id = readSenderId(body);
  const country_code = readCountry(body, 'country_code', true) as string;
  const organisation_type = readEnum(body, 'organisation_type', ['bank', 'fintech', 'telco', 'other'] as const);
  const result = verifySender({ sender_id, country_code, ...(organisation_type ? { organisation_type } : {}) });
  return answer(ctx, result, result.latency_ms);
};

const carriersHealth: Handler = (ctx) => {
  const country = readCountry(ctx.query, 'country', false);
  const min = readNumber(ctx.query, 'min_score', { min: 0, max: 1 });
  const corridors = CORRIDORS.filter((c) => (country === undefined || c.country === country) && (min === undefined || c.composite_score >= min)).map(
    (c) => ({ id: c.id, composite_score: c.composite_score, ...(c.dlr_1h !== undefined ? { dlr_1h: c.dlr_1h } : {}), sla_risk: slaRisk(c.composite_score) }),
  );
  return answer(ctx, { corridors }, 0.4);
};

export const aylaHandlers: Record<string, Handler> = {
  'messages.analyze': messagesAnalyze,
  'channel.decide': channelDecide,
  'sender.verify': senderVerify,
  'carriers.health': carriersHealth,
};
