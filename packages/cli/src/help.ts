import { PROVIDER_IDS } from '@callbridge/core';
import type { Command } from './command';

const COLUMN = 42;

function commandLine(c: Command): string {
  const synopsis = `  ${c.name} ${c.usage}`;
  return synopsis.length < COLUMN - 1
    ? `${synopsis.padEnd(COLUMN)}${c.summary}`
    : `${synopsis}\n${' '.repeat(COLUMN)}${c.summary}`;
}

/** `callbridge --help`, built from the command table so a new command appears by itself. */
export function mainHelp(commands: readonly Command[]): string {
  const upper = PROVIDER_IDS.map((p) => p.toUpperCase()).join(', ');
  return `callbridge: Ayra, Vyora, Aila and Ayla from the command line

Usage: callbridge <command> [arguments] [options]

Commands:
${commands.map(commandLine).join('\n')}
${`  help [command]`.padEnd(COLUMN)}show help for a command

Options:
  -h, --help        show help (also after a command: callbridge call --help)
  -V, --version     print the version
  -v, --verbose     (after a command) log requests and retries to stderr

Environment (PROVIDER is one of ${upper}):
  <PROVIDER>_API_KEY          the provider's API key (never printed)
  <PROVIDER>_BASE_URL         overrides the provider's base URL, e.g. the sandbox
  <PROVIDER>_WEBHOOK_SECRET   the webhook signing secret for verify and sign
  RELAY_URL                   the relay for listen and the admin commands (default http://127.0.0.1:8080)
  RELAY_API_TOKEN             its admin or scoped token (never printed)

Exit codes:
  0  success
  1  provider or relay error, unreachable relay, or invalid signature (the error on stderr)
  2  invalid input: bad flag, unknown provider or operation, invalid JSON or field
     (the field is named on stderr; nothing is sent)

Run \`callbridge help <command>\` for a command's options and examples.
`;
}
