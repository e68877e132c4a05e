import { loadRelayConfig, RelayConfigError, type RelayFlags } from './config';
import { startBanner } from './banner';
import { startRelay } from './relay';

/**
 * The relay as a process of its own: `node [RELAY_NODE_FLAGS] dist/main.js [--host H]
 * [--port P] [--database URL]`, configured from the environment. SIGINT and SIGTERM
 * shut it down gracefully. A wrapper (the CLI) may instead call startRelay in-process.
 */
export const RELAY_NODE_FLAGS: readonly string[] = [
  // A small young generation and a bounded old one keep RSS flat under sustained load;
  // V8 otherwise grows its heap reservation far past what the relay keeps alive.
  '--max-semi-space-size=8',
  '--max-old-space-size=256',
];

export function parseRelayArgs(argv: readonly string[]): RelayFlags {
  const flags: RelayFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? argv[i + 1];
    if (name !== '--host' && name !== '--port' && name !== '--database') {
      throw new RelayConfigError(arg, 'is not an option; known: --host, --port, --database');
    }
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new RelayConfigError(name, 'needs a value');
    if (inline === undefined) i += 1;
    if (name === '--host') flags.host = value;
    else if (name === '--port') flags.port = value;
    else flags.database = value;
  }
  return flags;
}

export async function main(argv: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  let config;
  try {
    config = loadRelayConfig(env, parseRelayArgs(argv));
  } catch (e) {
    if (e instanceof RelayConfigError) {
      process.stderr.write(`callbridge relay: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const relay = await startRelay(config);
  process.stdout.write(`${startBanner(relay)}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void relay.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`callbridge relay: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
