#!/usr/bin/env node
import { main } from './main';

// `callbridge list … | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`callbridge: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
