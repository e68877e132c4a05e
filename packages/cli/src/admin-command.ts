import type { Context } from './command';
import { optionLine } from './admin-fields';
import { DEFAULT_RELAY_URL, RELAY_FLAGS, RelayClient, relayTarget } from './relay-client';

/** What every admin subcommand shares: where the relay is, the token, and `--json`. */
export const ADMIN_FLAGS = {
  ...RELAY_FLAGS,
  json: { type: 'boolean' },
} as const;

export const ADMIN_OPTIONS = [
  optionLine('--relay URL', `the relay (RELAY_URL, default ${DEFAULT_RELAY_URL})`),
  optionLine('--token T', 'an admin or scoped token (RELAY_API_TOKEN); never printed'),
  optionLine('--json', "print the relay's JSON answer as it is, instead of a table"),
].join('\n');

export function adminClient(ctx: Context, flags: { relay?: string | undefined; token?: string | undefined }): RelayClient {
  return new RelayClient(relayTarget(ctx, flags));
}

/** An id as one path segment. */
export const seg = (id: string): string => encodeURIComponent(id);
