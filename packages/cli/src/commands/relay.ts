import { loadRelayConfig, RelayConfigError, settingsHelp, startBanner, startRelay } from '@callbridge/relay';
import { defineCommand, expectArgs, type Command } from '../command';
import { UsageError } from '../errors';
import { writeLine } from '../io';
import { relayRekey } from './relay-rekey';

const serve = defineCommand({
  name: 'relay',
  usage: '[--host 0.0.0.0] [--port 8080] [--database sqlite:./data/relay.db | postgres://…]',
  summary: 'run the relay server',
  flags: {
    host: { type: 'string' },
    port: { type: 'string' },
    database: { type: 'string' },
  },
  help: `Runs the webhook relay until Ctrl-C, then finishes in-flight work and stops.
Flags override the environment.

Options:
  --host H        address to listen on (RELAY_HOST, default 0.0.0.0)
  --port N        port (RELAY_PORT, default 8080)
  --database URL  storage (RELAY_DATABASE_URL, default sqlite:./data/relay.db)

Settings (environment variables, each checked at start, so a typo stops it with the name):
${settingsHelp()}

Other commands:
  callbridge relay rekey      re-encrypt every stored secret under a new key, with the
                              relay stopped (\`callbridge help relay rekey\`)

Examples:
  VYORA_WEBHOOK_SECRET=… callbridge relay
  callbridge relay --port 9000 --database postgres://relay@db.internal/relay`,
  async run({ args, flags }, ctx) {
    expectArgs('relay', args, []);
    let config;
    try {
      config = loadRelayConfig(ctx.env, {
        ...(flags.host !== undefined ? { host: flags.host } : {}),
        ...(flags.port !== undefined ? { port: flags.port } : {}),
        ...(flags.database !== undefined ? { database: flags.database } : {}),
      });
    } catch (e) {
      if (e instanceof RelayConfigError) throw new UsageError(e.message, { field: e.source });
      throw e;
    }
    ctx.addSecret(config.apiToken);
    for (const p of Object.values(config.providers)) {
      ctx.addSecret(p?.webhookSecret);
      ctx.addSecret(p?.apiKey);
    }
    const running = await startRelay(config);
    await writeLine(ctx.io.stdout, startBanner(running));
    const reason = await ctx.untilStopped();
    await writeLine(ctx.io.stderr, `relay: ${reason}, finishing in-flight work`);
    await running.close();
    return 0;
  },
});

/**
 * `callbridge relay` runs the server; `callbridge relay rekey` is the one maintenance command
 * beside it (its own flags and help, as a group's subcommand has).
 */
export const relay: Command = {
  name: serve.name,
  usage: serve.usage,
  summary: serve.summary,
  help: serve.help,
  subcommands: [relayRekey],
  run(argv, ctx) {
    return argv[0] === 'rekey' ? relayRekey.run(argv.slice(1), ctx) : serve.run(argv, ctx);
  },
};
