import { hashString, round } from '../../support/random';
import { bestCorridor, BLOCKED_WORDS, brandOf, CORRIDORS, countryOf, REGISTRY, slaRisk, type OrgKind } from './data';

/**
 * Ayla's answers, computed from their inputs: the same input always gives the same score,
 * and each part of the score shows up as a signal so callers can see why.
 */

export type MessageType = 'otp' | 'transactional' | 'promotional' | 'alert';

/** Promotional traffic carries the most fraud, one-time passwords are the prime target of pumping. */
const TYPE_RISK: Record<MessageType, number> = { otp: 0.07, transactional: 0.03, alert: 0.04, promotional: 0.1 };
const BASE_RISK = 0.05;

export interface AnalyzeInput {
  sender_id: string;
  msisdn: string;
  message_type: MessageType;
  corridor?: string;
  /** Messages from this sender in the past hour, when the caller says. */
  volume_1h: number | undefined;
}

export function analyze(input: AnalyzeInput): { fraud_score: number; action: 'ALLOW' | 'REVIEW' | 'BLOCK'; signals_fired: string[]; latency_ms: number } {
  let score = BASE_RISK + TYPE_RISK[input.message_type];
  const signals: string[] = [];

  const v = input.volume_1h;
  if (v !== undefined) {
    if (v <= 2_000) signals.push('velocity_nominal');
    else if (v <= 10_000) {
      signals.push('velocity_elevated');
      score += 0.25;
    } else {
      signals.push('velocity_spike');
      score += 0.5;
    }
  }

  const destination = countryOf(input.msisdn);
  if (input.corridor !== undefined) {
    const corridor = CORRIDORS.find((c) => c.id === input.corridor?.toUpperCase());
    if (!corridor) {
      signals.push('corridor_unknown');
      score += 0.05;
    } else {
      const health = slaRisk(corridor.composite_score);
      signals.push(health === 'LOW' ? 'corridor_healthy' : health === 'MEDIUM' ? 'corridor_degraded' : 'corridor_unhealthy');
      score += health === 'LOW' ? 0 : health === 'MEDIUM' ? 0.08 : 0.15;
      if (destination !== corridor.country) {
        signals.push('corridor_mismatch');
        score += 0.2;
      }
    }
  } else if (!bestCorridor(destination)) {
    signals.push('destination_unmonitored');
    score += 0.05;
  }

  const sender = input.sender_id.toUpperCase();
  if (!/^[A-Z0-9 ]+$/.test(sender)) {
    signals.push('sender_format_suspicious');
    score += 0.3;
  }
  if (BLOCKED_WORDS.some((w) => sender.includes(w))) {
    signals.push('sender_bait_words');
    score += 0.35;
  }
  if (input.message_type === 'promotional' && brandOf(sender)?.kind === 'bank') {
    signals.push('bank_brand_promotional');
    score += 0.15;
  }

  const fraud_score = round(Math.min(1, Math.max(0, score)));
  const action = fraud_score < 0.4 ? 'ALLOW' : fraud_score < 0.7 ? 'REVIEW' : 'BLOCK';
  const latency_ms = round(0.6 + (hashString(`${input.sender_id}|${input.msisdn}|${input.message_type}`) % 6) / 10, 1);
  return { fraud_score, action, signals_fired: signals, latency_ms };
}

export type Channel = 'sms' | 'whatsapp' | 'email';

const CHANNEL_ORDER: readonly Channel[] = ['sms', 'whatsapp', 'email'];
/** Non-SMS routes do not depend on carriers; their reach is steady. */
const OTT_SCORE: Record<Exclude<Channel, 'sms'>, number> = { whatsapp: 0.92, email: 0.88 };
/** A one-time password must arrive in seconds, so the same route scores a little lower for it. */
const TYPE_FACTOR: Record<MessageType, number> = { otp: 0.98, transactional: 0.99, alert: 0.99, promotional: 1 };

export function decideChannel(input: {
  message_type: MessageType;
  msisdn: string;
  urgency: 'high' | 'medium' | 'low';
  allowed_channels?: Channel[];
}): { primary_channel: string; route_score: number; action: 'MAINTAIN' | 'FAILOVER' | 'DEGRADE'; failover_chain: string[]; sla_risk: string } {
  const allowed = CHANNEL_ORDER.filter((c) => (input.allowed_channels ?? CHANNEL_ORDER).includes(c));
  const smsScore = bestCorridor(countryOf(input.msisdn))?.composite_score ?? 0.85;
  const scoreOf = (c: Channel): number => (c === 'sms' ? smsScore : OTT_SCORE[c]);
  const ott = allowed.filter((c) => c !== 'sms');

  let primary: Channel;
  let action: 'MAINTAIN' | 'FAILOVER' | 'DEGRADE';
  if (!allowed.includes('sms')) {
    primary = ott[0] as Channel;
    action = 'MAINTAIN';
  } else if (smsScore >= 0.9) {
    primary = 'sms';
    action = 'MAINTAIN';
  } else if (smsScore >= 0.75) {
    primary = 'sms';
    action = input.urgency === 'high' ? 'DEGRADE' : 'MAINTAIN';
  } else if (ott.length > 0) {
    primary = ott[0] as Channel;
    action = 'FAILOVER';
  } else {
    primary = 'sms';
    action = 'DEGRADE';
  }
  const route_score = round(scoreOf(primary) * TYPE_FACTOR[input.message_type]);
  const urgencyPenalty = input.urgency === 'high' && route_score < 0.9 ? 1 : 0;
  const risks = ['LOW', 'MEDIUM', 'HIGH'] as const;
  const sla_risk = risks[Math.min(2, risks.indexOf(slaRisk(route_score)) + urgencyPenalty)] as string;
  // Voice is the last resort, offered only when the caller did not restrict the channels.
  const failover_chain: string[] = [...['whatsapp', 'sms', 'email'].filter((c) => c !== primary && allowed.includes(c as Channel))];
  if (input.allowed_channels === undefined) failover_chain.push('voice');
  return { primary_channel: primary, route_score, action, failover_chain, sla_risk };
}

export function verifySender(input: { sender_id: string; country_code: string; organisation_type?: 'bank' | 'fintech' | 'telco' | 'other' }): {
  decision: 'APPROVE' | 'REVIEW' | 'REJECT';
  confidence: number;
  layers_passed: number;
  reasoning: string;
  latency_ms: number;
} {
  const sender = input.sender_id.toUpperCase();
  const latency_ms = 180 + (hashString(`${sender}|${input.country_code}`) % 9) * 10;

  // Layer 1: the rules engine.
  const ruleProblem = !/^[A-Z0-9 ]+$/.test(sender)
    ? 'uses characters outside A-Z, 0-9 and space'
    : /^\d+$/.test(sender.replace(/\s/g, ''))
      ? 'is numeric only; numeric senders must be registered phone numbers'
      : BLOCKED_WORDS.find((w) => sender.includes(w))
        ? `contains the bait word "${BLOCKED_WORDS.find((w) => sender.includes(w))}"`
        : undefined;
  if (ruleProblem) {
    return { decision: 'REJECT', confidence: 0.95, layers_passed: 0, reasoning: `Rules engine: sender ID ${ruleProblem}.`, latency_ms };
  }

  // Layer 2: the compliance check: a brand's look must match who sends.
  const brand = brandOf(sender);
  const org = input.organisation_type;
  if (brand && org !== undefined && org !== brand.kind) {
    const kinds: Record<OrgKind, string> = { bank: 'a bank', fintech: 'a fintech', telco: 'a telecom operator' };
    return {
      decision: 'REJECT',
      confidence: 0.9,
      layers_passed: 1,
      reasoning: `Sender ID resembles ${kinds[brand.kind]} brand (${brand.brand}) but the organisation is declared as ${org}: possible impersonation.`,
      latency_ms,
    };
  }

  // Layer 3: the registry.
  const registered = (REGISTRY[input.country_code] ?? []).includes(sender.replace(/\s/g, ''));
  if (registered) {
    const who: Record<OrgKind, string> = {
      bank: 'Licensed financial institution.',
      fintech: 'Licensed payment service provider.',
      telco: 'Licensed telecom operator.',
    };
    return { decision: 'APPROVE', confidence: 0.97, layers_passed: 3, reasoning: `${brand ? who[brand.kind] : 'Registered sender.'} Registry match confirmed.`, latency_ms };
  }
  return {
    decision: 'REVIEW',
    confidence: brand ? 0.62 : 0.71,
    layers_passed: 2,
    reasoning: `Rules and compliance checks passed; no registry record for ${sender} in ${input.country_code}. Manual review recommended.`,
    latency_ms,
  };
}
