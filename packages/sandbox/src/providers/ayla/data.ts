/**
 * Ayla's reference data: monitored carrier corridors, calling codes, and the sender-ID
 * registry its verification pipeline checks. Fixed rather than seeded, so the documents'
 * examples (MTN-NG at 0.96, GLO-NG at 0.71, GTBANKNG approved) always come out as shown.
 */

export interface Corridor {
  id: string;
  country: string;
  composite_score: number;
  /** Delivery-receipt rate over the last hour; absent where too little traffic was seen (as GLO-NG in the document). */
  dlr_1h?: number;
}

export const CORRIDORS: readonly Corridor[] = [
  { id: 'MTN-NG', country: 'NG', composite_score: 0.96, dlr_1h: 0.97 },
  { id: 'GLO-NG', country: 'NG', composite_score: 0.71 },
  { id: 'AIRTEL-NG', country: 'NG', composite_score: 0.89, dlr_1h: 0.9 },
  { id: '9MOBILE-NG', country: 'NG', composite_score: 0.78, dlr_1h: 0.8 },
  { id: 'MTN-GH', country: 'GH', composite_score: 0.93, dlr_1h: 0.94 },
  { id: 'TELECEL-GH', country: 'GH', composite_score: 0.84, dlr_1h: 0.86 },
  { id: 'AT-GH', country: 'GH', composite_score: 0.69 },
  { id: 'SAFARICOM-KE', country: 'KE', composite_score: 0.95, dlr_1h: 0.96 },
  { id: 'AIRTEL-KE', country: 'KE', composite_score: 0.82, dlr_1h: 0.83 },
  { id: 'VODACOM-ZA', country: 'ZA', composite_score: 0.94, dlr_1h: 0.95 },
  { id: 'MTN-ZA', country: 'ZA', composite_score: 0.91, dlr_1h: 0.92 },
  { id: 'CELLC-ZA', country: 'ZA', composite_score: 0.76, dlr_1h: 0.78 },
];

export type SlaRisk = 'LOW' | 'MEDIUM' | 'HIGH';

export function slaRisk(score: number): SlaRisk {
  return score >= 0.9 ? 'LOW' : score >= 0.75 ? 'MEDIUM' : 'HIGH';
}

/** Longest prefix first, so +1 does not swallow +1-country codes that would share it. */
const CALLING_CODES: ReadonlyArray<readonly [string, string]> = [
  ['234', 'NG'], ['233', 'GH'], ['254', 'KE'], ['256', 'UG'], ['255', 'TZ'], ['225', 'CI'], ['221', 'SN'],
  ['237', 'CM'], ['212', 'MA'], ['27', 'ZA'], ['20', 'EG'], ['44', 'GB'], ['91', 'IN'], ['1', 'US'],
];

export function countryOf(msisdn: string): string | undefined {
  const digits = msisdn.slice(1);
  return CALLING_CODES.find(([code]) => digits.startsWith(code))?.[1];
}

export function bestCorridor(country: string | undefined): Corridor | undefined {
  return CORRIDORS.filter((c) => c.country === country).sort((a, b) => b.composite_score - a.composite_score)[0];
}

export type OrgKind = 'bank' | 'fintech' | 'telco';

/** Brands a sender ID may look like, and what kind of organisation owns each. */
export const BRANDS: ReadonlyArray<readonly [string, OrgKind]> = [
  ['GTBANK', 'bank'], ['ZENITH', 'bank'], ['ACCESS', 'bank'], ['FIRSTBANK', 'bank'], ['UBA', 'bank'], ['ECOBANK', 'bank'],
  ['STANBIC', 'bank'], ['FIDELITY', 'bank'], ['ABSA', 'bank'], ['EQUITY', 'bank'], ['KCB', 'bank'], ['GCB', 'bank'],
  ['PAYSTACK', 'fintech'], ['FLUTTERWAVE', 'fintech'], ['KUDA', 'fintech'], ['OPAY', 'fintech'], ['MPESA', 'fintech'], ['MOMO', 'fintech'],
  ['MTN', 'telco'], ['AIRTEL', 'telco'], ['GLO', 'telco'], ['SAFARICOM', 'telco'], ['VODACOM', 'telco'], ['TELECEL', 'telco'],
];

/** Sender IDs on file with each country's regulator. */
export const REGISTRY: Readonly<Record<string, readonly string[]>> = {
  NG: ['GTBANKNG', 'GTBANK', 'ZENITHBANK', 'ACCESSBANK', 'FIRSTBANK', 'UBA', 'ECOBANK', 'STANBICIBTC', 'FIDELITYBNK', 'PAYSTACK', 'FLUTTERWAVE', 'KUDA', 'OPAY', 'MTN', 'AIRTEL', 'GLO'],
  GH: ['GCB', 'ECOBANKGH', 'ABSAGH', 'STANBICGH', 'MTNMOMO', 'MTN', 'TELECEL'],
  KE: ['EQUITYBANK', 'KCB', 'ABSAKE', 'MPESA', 'SAFARICOM', 'AIRTEL'],
  ZA: ['ABSA', 'STANBIC', 'VODACOM', 'MTN'],
};

/** Words that mark a sender ID as bait whatever else it says. */
export const BLOCKED_WORDS = ['FREE', 'WIN', 'WINNER', 'PRIZE', 'LOTTO', 'BONUS', 'CASH', 'PROMO', 'CLAIM', 'URGENT'];

/** The brand a sender ID looks like, if any: a known brand inside it, or "BANK" for a generic bank look. */
export function brandOf(senderId: string): { brand: string; kind: OrgKind } | undefined {
  const s = senderId.toUpperCase().replace(/\s+/g, '');
  const found = BRANDS.find(([brand]) => s.includes(brand));
  if (found) return { brand: found[0], kind: found[1] };
  if (/BANK|BNK/.test(s)) return { brand: 'BANK', kind: 'bank' };
  return undefined;
}
