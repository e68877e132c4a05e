import { CallbridgeError, ValidationError } from '@callbridge/core';
import { helpText, type Command, type Context } from './command';
import { commands } from './commands';
import { CommandFailure, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, messageOf, UsageError } from './errors';
import { mainHelp } from './help';
import { formatJson, writeLine, type Env, type Io, type OutputSink } from './io';
import { RedactingSink } from './redact';
import { closest } from './suggest';
import { version } from './version';

function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}

function unknownCommand(name: string): UsageError {
  const names = commands.map((c) => c.name);
  const guess = closest(name, [...names, 'help']);
  return new UsageError(`unknown command "${name}"${guess ? `; did you mean ${guess}?` : ''}`, {
    field: 'command',
    hints: [`Commands: ${names.join(', ')}, help. Run \`callbridge --help\`.`],
  });
}

async function dispatch(argv: readonly string[], ctx: Context): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    await writeLine(ctx.io.stderr, mainHelp(commands));
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h') {
    await writeLine(ctx.io.stdout, mainHelp(commands));
    return EXIT_OK;
  }
  if (first === '--version' || first === '-V') {
    await writeLine(ctx.io.stdout, version());
    return EXIT_OK;
  }
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined || topic === 'help') {
      await writeLine(ctx.io.stdout, mainHelp(commands));
      return EXIT_OK;
    }
    const command = findCommand(topic);
    if (!command) throw unknownCommand(topic);
    // `help subscriptions create`: the command prints its subcommand's help itself.
    if (rest.length > 1) return command.run([...rest.slice(1), '--help'], ctx);
    await writeLine(ctx.io.stdout, helpText(command));
    return EXIT_OK;
  }
  const command = findCommand(first);
  if (command) return command.run(rest, ctx);
  if (first.startsWith('-')) {
    throw new UsageError(`unknown option "${first}" before a command`, {
      hints: ['Options such as --verbose go after the command. Run `callbridge --help`.'],
    });
  }
  throw unknownCommand(first);
}

/** Maps what went wrong to its exit code and tells stderr, never with a credential in it. */
async function report(e: unknown, stderr: OutputSink): Promise<number> {
  if (e instanceof UsageError) {
    await writeLine(stderr, [`callbridge: ${e.message}`, ...e.hints].join('\n'));
    return EXIT_USAGE;
  }
  if (e instanceof ValidationError) {
    const where = e.operation ? `${e.provider} ${e.operation}` : e.provider;
    const issues = e.issues.map((i) => `  ${i.field}: ${i.message}`);
    await writeLine(stderr, [`callbridge: invalid input for ${where}:`, ...issues].join('\n'));
    return EXIT_USAGE;
  }
  if (e instanceof CommandFailure) {
    await writeLine(stderr, [`callbridge: ${e.message}`, ...e.hints].join('\n'));
    return EXIT_FAILURE;
  }
  if (e instanceof CallbridgeError) {
    await writeLine(stderr, formatJson(e.toJSON(), stderr));
    return EXIT_FAILURE;
  }
  await writeLine(stderr, `callbridge: ${messageOf(e)}`);
  return EXIT_FAILURE;
}

/**
 * The whole CLI as a function: arguments, environment and streams in, exit code out.
 * Nothing here touches process globals, so tests run it in-process.
 */
export interface MainOptions {
  /** When a long-running command should stop; never, unless given (the shell passes signals). */
  untilStopped?: () => Promise<string>;
}

export async function main(argv: readonly string[], env: Env, io: Io, options: MainOptions = {}): Promise<number> {
  const stderr = new RedactingSink(io.stderr);
  const ctx: Context = {
    env,
    io: { ...io, stderr },
    addSecret: (secret) => stderr.addSecret(secret),
    untilStopped: options.untilStopped ?? (() => new Promise<string>(() => undefined)),
  };
  try {
    return await dispatch(argv, ctx);
  } catch (e) {
    return report(e, stderr);
  }
}
