import {
  DEFAULT_SANDBOX_PORT,
  MAX_AILA_ORGANIZATIONS,
  MAX_VYORA_WORKSPACES,
  relayRoot,
  RelayWiringError,
  SandboxOptionError,
  sandboxBanner,
  startSandbox,
  VYORA_DEMO_WEBHOOK_SECRET,
  wireToRelay,
  type RelayWiring,
  type RunningSandbox,
} from '@callbridge/sandbox';
import { defineCommand, expectArgs } from '../command';
import { UsageError } from '../errors';
import { writeLine } from '../io';
import { parsePort } from '../ports';

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}`, { field: `--${flag}` });
  return Number(raw);
}

export const sandbox = defineCommand({
  name: 'sandbox',
  usage: '[--port 4010] [--host 127.0.0.1] [--seed N] [--vyora-workspaces N] [--aila-organizations N] [--relay URL [--relay-token T]]',
  summary: 'run the provider simulator',
  flags: {
    port: { type: 'string' },
    host: { type: 'string' },
    seed: { type: 'string' },
    'vyora-workspaces': { type: 'string' },
    'aila-organizations': { type: 'string' },
    relay: { type: 'string' },
    'relay-token': { type: 'string' },
  },
  help: `Serves simulated Ayra, Vyora, Aila and Ayla APIs, each under its own prefix, until
Ctrl-C. Point a client at it with the export lines it prints (fixed demo keys; nothing
leaves this machine). GET /_sandbox lists its admin routes.

Options:
  --port N              port to listen on (default ${DEFAULT_SANDBOX_PORT}; 0 picks a free one)
  --host H              address to listen on (default 127.0.0.1; its admin API has no auth, keep it local)
  --seed N              seed of the generated data: the same seed gives the same agents, calls, contacts
  --vyora-workspaces N  simulate N Vyora workspaces (default 1, at most ${MAX_VYORA_WORKSPACES}), each with its own
                        key, webhook secret, agents, credits and calls; prints each key and secret
  --aila-organizations N
                        simulate N Aila organizations (default 1, at most ${MAX_AILA_ORGANIZATIONS}), each with its
                        own key, team, contacts, calls and webhook endpoints; prints each key
  --relay URL           post the default Vyora workspace's call events to URL/hooks/vyora, signed
                        with the demo secret ${VYORA_DEMO_WEBHOOK_SECRET}; prints the export lines
                        (VYORA_WEBHOOK_SECRET among them) for the relay's terminal. For the other
                        workspaces it prints the commands that create their relay sources.
  --relay-token T       a relay admin token: the sandbox creates (or updates) one relay source per
                        other workspace itself and points the workspace at its hook URL

Examples:
  callbridge sandbox --relay http://127.0.0.1:8080
  callbridge sandbox --vyora-workspaces 3 --relay http://127.0.0.1:8080 --relay-token "$RELAY_API_TOKEN"
  VYORA_BASE_URL=http://127.0.0.1:${DEFAULT_SANDBOX_PORT}/vyora VYORA_API_KEY=vya_test_callbridge_sandbox \\
    callbridge call vyora calls.trigger --json '{"phone_number":"+919876543210","agent_name":"Home Loan Agent"}'`,
  async run({ args, flags }, ctx) {
    expectArgs('sandbox', args, []);
    const port = parsePort(flags.port, DEFAULT_SANDBOX_PORT);
    const seed = flags.seed === undefined ? undefined : wholeNumber('seed', flags.seed, 0, Number.MAX_SAFE_INTEGER);
    const workspaces = flags['vyora-workspaces'] === undefined ? 1 : wholeNumber('vyora-workspaces', flags['vyora-workspaces'], 1, MAX_VYORA_WORKSPACES);
    const organizations = flags['aila-organizations'] === undefined ? 1 : wholeNumber('aila-organizations', flags['aila-organizations'], 1, MAX_AILA_ORGANIZATIONS);
    const token = flags['relay-token'];
    ctx.addSecret(token);
    if (token !== undefined && flags.relay === undefined) throw new UsageError('--relay-token needs --relay URL', { field: '--relay-token' });
    if (token === '') throw new UsageError('--relay-token must not be empty', { field: '--relay-token' });
    if (flags.relay !== undefined) {
      try {
        relayRoot(flags.relay);
      } catch (e) {
        if (e instanceof RelayWiringError) throw new UsageError(`--relay: ${e.message}`, { field: '--relay' });
        throw e;
      }
    }

    let running: RunningSandbox;
    try {
      running = await startSandbox({
        port,
        ...(flags.host !== undefined ? { host: flags.host } : {}),
        ...(seed !== undefined ? { seed } : {}),
        vyoraWorkspaces: Array.from({ length: workspaces - 1 }, () => ({})),
        ailaOrganizations: Array.from({ length: organizations - 1 }, () => ({})),
        ...(flags.verbose ? { logger: { info: (line: string) => void writeLine(ctx.io.stderr, line) } } : {}),
      });
    } catch (e) {
      if (e instanceof SandboxOptionError) throw new UsageError(e.message, { field: `--${e.field}` });
      throw e;
    }
    let wiring: RelayWiring | undefined;
    if (flags.relay !== undefined) {
      try {
        wiring = await wireToRelay(running, { relayUrl: flags.relay, ...(token !== undefined ? { token } : {}) });
      } catch (e) {
        await running.close();
        throw e;
      }
    }
    await writeLine(ctx.io.stdout, sandboxBanner(running, wiring));
    const reason = await ctx.untilStopped();
    await writeLine(ctx.io.stderr, `sandbox: ${reason}, stopping`);
    await running.close();
    return 0;
  },
});
