#!/usr/bin/env node
import { main } from './main';

// `callbridge list … | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

/** The first SIGINT or SIGTERM asks a long-running command to finish its work and stop. */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      // A second signal while shutting down means "now".
      process.once(signal, () => process.exit(130));
      resolve(signal);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

main(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr }, { untilStopped }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`callbridge: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
