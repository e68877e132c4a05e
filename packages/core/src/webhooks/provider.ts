import { getProvider } from '../registry';
import type { HmacSignatureScheme, ProviderId, ProviderSpec, WebhookSpec } from '../spec/types';
import { headerValue } from './headers';
import { compile, normalizeScheme, signHmac, verifyCompiled } from './hmac';
import type { VerifyResult, WebhookHeaders } from './types';

// The scheme of each spec, checked and frozen once so the hot path pays only a lookup.
const specSchemes = new WeakMap<ProviderSpec, HmacSignatureScheme>();

export function resolveSpec(provider: ProviderId | ProviderSpec): ProviderSpec {
  return typeof provider === 'string' ? getProvider(provider) : provider;
}

/** The provider's webhook description; throws for a provider that sends none (Ayla). */
export function webhookSpec(spec: ProviderSpec): WebhookSpec {
  if (!spec.webhooks) throw new Error(`${spec.name} (${spec.id}) sends no webhooks, so there is nothing to verify or normalize`);
  return spec.webhooks;
}

function hasOverride(override: Partial<HmacSignatureScheme> | undefined): override is Partial<HmacSignatureScheme> {
  if (!override) return false;
  for (const key in override) if (override[key as keyof HmacSignatureScheme] !== undefined) return true;
  return false;
}

/**
 * The provider's signature scheme, with any overrides laid over it. Aila's and Ayra's
 * schemes are our assumption (their documents only say "HMAC-signed"), hence the override.
 */
export function webhookScheme(provider: ProviderId | ProviderSpec, override?: Partial<HmacSignatureScheme>): HmacSignatureScheme {
  const spec = resolveSpec(provider);
  if (!hasOverride(override)) {
    let scheme = specSchemes.get(spec);
    if (!scheme) {
      scheme = normalizeScheme(webhookSpec(spec).signature);
      specSchemes.set(spec, scheme);
    }
    return scheme;
  }
  const merged: Record<string, unknown> = { ...webhookSpec(spec).signature };
  for (const [key, value] of Object.entries(override)) if (value !== undefined) merged[key] = value;
  return normalizeScheme(merged as unknown as HmacSignatureScheme);
}

export interface VerifyWebhookInput {
  rawBody: string | Uint8Array;
  headers: WebhookHeaders;
  secret: string;
  scheme?: Partial<HmacSignatureScheme>;
}

/** Verifies a provider's webhook over its raw body, reading the signature header the scheme names. */
export function verifyWebhook(provider: ProviderId | ProviderSpec, input: VerifyWebhookInput): VerifyResult {
  const c = compile(webhookScheme(provider, input.scheme));
  return verifyCompiled(c, input.secret, input.rawBody, headerValue(input.headers, c.header));
}

export interface SignWebhookInput {
  rawBody: string | Uint8Array;
  secret: string;
  scheme?: Partial<HmacSignatureScheme>;
}

/** Signs a body as the provider would: the header name and its value. */
export function signWebhook(provider: ProviderId | ProviderSpec, input: SignWebhookInput): { header: string; value: string } {
  const scheme = webhookScheme(provider, input.scheme);
  return { header: scheme.header, value: signHmac(scheme, input.secret, input.rawBody) };
}
