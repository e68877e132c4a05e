import { DEFAULT_SANDBOX_PORT, SandboxOptionError, sandboxBanner, startSandbox } from '@callbridge/sandbox';
import { defineCommand, expectArgs } from '../command';
import { UsageError } from '../errors';
import { writeLine } from '../io';
import { parsePort } from '../ports';

export const sandbox = defineCommand({
  name: 'sandbox',
  usage: '[--port 4010] [--host 127.0.0.1] [--seed N]',
  summary: 'run the provider simulator',
  flags: {
    port: { type: 'string' },
    host: { type: 'string' },
    seed: { type: 'string' },
  },
  help: `Serves simulated Ayra, Vyora, Aila and Ayla APIs, each under its own prefix, until
Ctrl-C. Point a client at it with the <PROVIDER>_BASE_URL and <PROVIDER>_API_KEY lines it
prints (fixed demo keys; nothing leaves this machine).

Options:
  --port N     port to listen on (default ${DEFAULT_SANDBOX_PORT}; 0 picks a free one)
  --host H     address to listen on (default 127.0.0.1; its admin API has no auth, keep it local)
  --seed N     seed of the generated data: the same seed gives the same agents, calls, contacts

Examples:
  callbridge sandbox &
  VYORA_BASE_URL=http://127.0.0.1:${DEFAULT_SANDBOX_PORT}/vyora VYORA_API_KEY=vya_test_callbridge_sandbox \\
    callbridge call vyora calls.trigger --json '{"phone_number":"+919876543210","agent_name":"Home Loan Agent"}'`,
  async run({ args, flags }, ctx) {
    expectArgs('sandbox', args, []);
    const port = parsePort(flags.port, DEFAULT_SANDBOX_PORT);
    let seed: number | undefined;
    if (flags.seed !== undefined) {
      if (!/^\d+$/.test(flags.seed)) throw new UsageError('--seed must be a whole number', { field: '--seed' });
      seed = Number(flags.seed);
    }
    let running;
    try {
      running = await startSandbox({
        port,
        ...(flags.host !== undefined ? { host: flags.host } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(flags.verbose ? { logger: { info: (line: string) => void writeLine(ctx.io.stderr, line) } } : {}),
      });
    } catch (e) {
      if (e instanceof SandboxOptionError) throw new UsageError(e.message, { field: `--${e.field}` });
      throw e;
    }
    await writeLine(ctx.io.stdout, sandboxBanner(running));
    const reason = await ctx.untilStopped();
    await writeLine(ctx.io.stderr, `sandbox: ${reason}, stopping`);
    await running.close();
    return 0;
  },
});
