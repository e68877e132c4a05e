import { defineCommand, expectArgs } from '../command';
import { UsageError } from '../errors';
import { formatJson, write, writeLine } from '../io';
import { readJsonInput } from '../json-input';
import { clientFromEnv, resolveOperation, resolveProvider, validateOnly } from '../providers';

export const call = defineCommand({
  name: 'call',
  usage: "<provider> <operation> [--json '{...}'] [--idempotency-key K]",
  summary: 'run one operation, print the JSON result',
  flags: {
    json: { type: 'string' },
    'idempotency-key': { type: 'string' },
  },
  help: `Validates the input (a bad field exits 2 and sends nothing), runs the operation with the
key from <PROVIDER>_API_KEY, and prints the result: indented at a terminal, one line in a pipe.
A provider error exits 1 with the normalized error as JSON on stderr.

Options:
  --json '{...}'          the operation's input as a JSON object (field names as in
                          \`callbridge ops <provider>\`); since quoting JSON in a shell is
                          painful, also --json @file.json (read a file) or --json - (stdin)
  --idempotency-key K     sent as Idempotency-Key on creating operations, so a retried
                          command is not done twice (a key is generated when absent)
  -v, --verbose           log each request, response and retry to stderr

Examples:
  callbridge call vyora calls.trigger --json '{"phone_number":"+919876543210","agent_name":"Home Loan Agent"}'
  callbridge call vyora calls.get --json '{"call_id":"abc123xyz"}'
  echo '{"call_id":"abc123xyz"}' | callbridge call vyora calls.get --json -`,
  async run({ args, flags }, ctx) {
    expectArgs('call', args, ['provider', 'operation']);
    const spec = resolveProvider(args[0] as string);
    const op = resolveOperation(spec, args[1] as string);
    const key = flags['idempotency-key'];
    if (key !== undefined && key.trim() === '') {
      throw new UsageError('--idempotency-key must not be empty', { field: '--idempotency-key' });
    }
    const input = await readJsonInput(ctx.io, flags.json);
    validateOnly(spec, op.name, input);
    const client = clientFromEnv(spec, ctx, flags.verbose === true);
    if (key !== undefined && !op.idempotent) {
      await writeLine(ctx.io.stderr, `note: ${op.name} is not a creating operation; --idempotency-key is not sent`);
    }
    const result = await client.call(op.name, input, key !== undefined ? { idempotencyKey: key } : {});
    const stdout = ctx.io.stdout;
    if (result instanceof Uint8Array) {
      // A download (a recording): bytes belong in a file, not on a terminal.
      if (stdout.isTTY) {
        throw new UsageError(`${op.name} returned ${result.length} bytes of binary data; redirect stdout to a file`, {
          field: 'stdout',
        });
      }
      await write(stdout, result);
      return 0;
    }
    await writeLine(stdout, formatJson(result ?? null, stdout));
    return 0;
  },
});
