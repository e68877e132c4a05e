import { parseArgs } from 'node:util';
import { codeOf, messageOf, UsageError } from './errors';
import { write, type Env, type Io } from './io';
import { closest } from './suggest';

/** What every command gets: the environment and the streams, nothing global. */
export interface Context {
  env: Env;
  /** stderr here blanks out every credential registered with `addSecret`. */
  io: Io;
  /** Registers a credential read during this run so that nothing written to stderr shows it. */
  addSecret(secret: string | undefined): void;
  /**
   * Resolves when a long-running command (relay, sandbox) should stop: on SIGINT/SIGTERM in
   * the shell, when a test says so in-process. Resolves with the reason.
   */
  untilStopped(): Promise<string>;
}

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export type Flags<O extends FlagSpecs> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string;
};

/** Flags every command accepts. */
export const COMMON_FLAGS = {
  help: { type: 'boolean', short: 'h' },
  verbose: { type: 'boolean', short: 'v' },
} as const satisfies FlagSpecs;

export type CommonFlags = Flags<typeof COMMON_FLAGS>;

export interface Parsed<O extends FlagSpecs> {
  args: string[];
  flags: Flags<O> & CommonFlags;
}

export interface CommandDefinition<O extends FlagSpecs> {
  name: string;
  /** The argument synopsis after the command name: `<provider> <operation> [--json '{...}']`. */
  usage: string;
  /** One line for the command list of `callbridge --help`. */
  summary: string;
  /** The body of `callbridge help <name>`: what it does, its options, examples. */
  help: string;
  flags: O;
  run(parsed: Parsed<O>, ctx: Context): Promise<number>;
}

/** A command as the dispatcher sees it: flags parsed inside, so each module owns its own. */
export interface Command {
  name: string;
  usage: string;
  summary: string;
  help: string;
  /** Commands under this one (`subscriptions create`, `relay rekey`), each named `<this> <sub>`. */
  subcommands?: readonly Command[];
  run(argv: readonly string[], ctx: Context): Promise<number>;
}

export function helpText(command: Pick<Command, 'name' | 'usage' | 'summary' | 'help'>): string {
  return `Usage: callbridge ${command.name} ${command.usage}\n\n${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.\n\n${command.help.trimEnd()}\n`;
}

/** node's parseArgs, strict, with its complaints turned into exit-2 usage errors. */
export function parseFlags<O extends FlagSpecs>(command: string, argv: readonly string[], flags: O): Parsed<O> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...COMMON_FLAGS, ...flags },
      allowPositionals: true,
      strict: true,
    });
    // Strict parsing guarantees each value has the type its spec declares.
    return { args: positionals, flags: values as Flags<O> & CommonFlags };
  } catch (e) {
    if (!codeOf(e)?.startsWith('ERR_PARSE_ARGS')) throw e;
    const help = `Run \`callbridge help ${command}\` for its options.`;
    const unknown = codeOf(e) === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /Unknown option '([^']+)'/.exec(messageOf(e))?.[1] : undefined;
    if (unknown !== undefined) throw unknownOption(command, unknown, { ...COMMON_FLAGS, ...flags }, help);
    throw new UsageError(messageOf(e), { hints: [help] });
  }
}

/** `unknown option --taget-url; did you mean --target-url?`, naming the flag a typo most likely meant. */
function unknownOption(command: string, given: string, specs: FlagSpecs, help: string): UsageError {
  const known = Object.keys(specs).map((name) => `--${name}`);
  const guess = closest(given.replace(/^-+/, '--'), known);
  return new UsageError(`unknown option ${given} for ${command}${guess ? `; did you mean ${guess}?` : ''}`, {
    field: given,
    hints: [`Options: ${known.join(', ')}.`, help],
  });
}

export function defineCommand<const O extends FlagSpecs>(def: CommandDefinition<O>): Command {
  return {
    name: def.name,
    usage: def.usage,
    summary: def.summary,
    help: def.help,
    async run(argv, ctx) {
      const parsed = parseFlags(def.name, argv, def.flags);
      if (parsed.flags.help) {
        await write(ctx.io.stdout, helpText(def));
        return 0;
      }
      return def.run(parsed, ctx);
    },
  };
}

/** Positional arguments beyond those a command takes are a mistake, not something to ignore. */
export function expectArgs(command: string, args: readonly string[], names: readonly string[], optional = 0): void {
  const min = names.length - optional;
  if (args.length < min) {
    const missing = names[args.length] as string;
    throw new UsageError(`missing <${missing}>`, { field: missing, hints: [`Run \`callbridge help ${command}\`.`] });
  }
  if (args.length > names.length) {
    throw new UsageError(`unexpected argument "${args[names.length]}"`, { hints: [`Run \`callbridge help ${command}\`.`] });
  }
}
