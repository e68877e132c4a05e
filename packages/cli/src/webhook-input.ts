import type { ProviderSpec } from '@callbridge/core';
import { messageOf, UsageError } from './errors';
import { readSource, type Io } from './io';
import { knownProviders, resolveProvider } from './providers';

/** `verify standard` / `sign standard`: Standard Webhooks, what the relay signs its deliveries with. */
export const STANDARD = 'standard';

/** A provider that sends signed webhooks; Ayla sends none, so it is invalid input here. */
export function resolveWebhookProvider(name: string): ProviderSpec {
  const spec = resolveProvider(name);
  if (spec.webhooks) return spec;
  const signed = knownProviders()
    .filter((p) => p.webhooks)
    .map((p) => p.id);
  throw new UsageError(`${spec.name} (${spec.id}) sends no webhooks, so it has no signature scheme`, {
    field: 'provider',
    hints: [`Providers with webhooks: ${[...signed, STANDARD].join(', ')}`],
  });
}

/** The exact bytes of `--body-file` (`-` for stdin): the signature covers bytes, not parsed JSON. */
export async function readBody(io: Io, path: string | undefined): Promise<Uint8Array> {
  if (path === undefined || path === '') {
    throw new UsageError('--body-file is required: the file holding the raw webhook body', { field: '--body-file' });
  }
  try {
    return await readSource(io, path);
  } catch (e) {
    throw new UsageError(`--body-file ${path}: cannot read: ${messageOf(e)}`, {
      field: '--body-file',
    });
  }
}

/** Whole unix seconds, as Standard Webhooks' `webhook-timestamp` carries them. */
export function parseUnixSeconds(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d{1,15}$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} must be whole unix seconds, e.g. ${Math.floor(Date.now() / 1000)} (got "${value}")`, {
      field: flag,
    });
  }
  return n;
}

/** Flags that belong to the standard form only are a mistake on a provider. */
export function rejectStandardOnly(provider: string, flags: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    if (flags[name] !== undefined) {
      throw new UsageError(`--${name} applies to Standard Webhooks (\`${STANDARD}\`), not to ${provider}`, { field: `--${name}` });
    }
  }
}

/** Core throws plain errors for a malformed `whsec_` secret; that is the user's input, so exit 2. */
export function secretFormatError(e: unknown): UsageError {
  const message = messageOf(e);
  return new UsageError(`--secret: ${message.replace(/^secrets?(\[\d+\])?: /, '')}`, { field: '--secret' });
}
