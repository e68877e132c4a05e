import { helpText, type Command, type Context } from './command';
import { EXIT_OK, EXIT_USAGE, UsageError } from './errors';
import { writeLine } from './io';
import { closest } from './suggest';

/**
 * A command made of subcommands (`callbridge subscriptions create …`): each subcommand is a
 * command of its own, built with defineCommand and named `<group> <sub>`, so it parses its own
 * flags and has its own help; the group dispatches and lists them.
 */
export interface GroupDefinition {
  name: string;
  summary: string;
  /** What the group is for, above its list of subcommands. */
  intro: string;
  /** Options every subcommand takes, already formatted. */
  options: string;
  examples: string;
  subcommands: readonly Command[];
}

/** Where a subcommand's summary starts, as in `callbridge --help`. */
const COLUMN = 42;

const subName = (c: Command): string => c.name.slice(c.name.indexOf(' ') + 1);

export function defineGroup(def: GroupDefinition): Command {
  const names = def.subcommands.map(subName);
  const lines = def.subcommands.map((c) => {
    const synopsis = `  ${subName(c)} ${c.usage}`.trimEnd();
    return synopsis.length < COLUMN - 1 ? `${synopsis.padEnd(COLUMN)}${c.summary}` : `${synopsis}\n${' '.repeat(COLUMN)}${c.summary}`;
  });
  const group: Command = {
    name: def.name,
    usage: `${names.join('|')} [options]`,
    summary: def.summary,
    subcommands: def.subcommands,
    help: `${def.intro}

Commands:
${lines.join('\n')}

Options of every ${def.name} command:
${def.options}

Run \`callbridge help ${def.name} <command>\` for a command's own options.

Examples:
${def.examples}`,
    async run(argv: readonly string[], ctx: Context): Promise<number> {
      const [first, ...rest] = argv;
      if (first === '--help' || first === '-h') {
        await writeLine(ctx.io.stdout, helpText(group));
        return EXIT_OK;
      }
      if (first === undefined) {
        await writeLine(ctx.io.stderr, helpText(group));
        return EXIT_USAGE;
      }
      const sub = def.subcommands.find((c) => subName(c) === first);
      if (!sub) {
        const guess = closest(first, names);
        throw new UsageError(`unknown ${def.name} command "${first}"${guess ? `; did you mean ${guess}?` : ''}`, {
          field: 'command',
          hints: [`${def.name} commands: ${names.join(', ')}. Run \`callbridge help ${def.name}\`.`],
        });
      }
      return sub.run(rest, ctx);
    },
  };
  return group;
}
