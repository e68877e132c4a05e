import {
  DatabaseInUseError,
  ForeignKeyError,
  loadDatabaseConfig,
  RelayConfigError,
  rekeyRelay,
  type RekeyReport,
} from '@callbridge/relay';
import { defineCommand, expectArgs } from '../command';
import { CommandFailure, UsageError } from '../errors';
import { writeLine } from '../io';

/** What happened, in words, with key ids (public hashes) but never a key. */
export function rekeySummary(report: RekeyReport, database: 'sqlite' | 'postgres'): string {
  const lines: string[] = [];
  if (report.resumed) lines.push('Finished a rekey that had stopped before it was done (its new key was waiting in the .key.new file).');
  const from = report.fromKeyId ? `key ${report.fromKeyId}` : 'plain text';
  const already = report.unchanged > 0 ? `; ${report.unchanged} already under the new key` : '';
  lines.push(`Re-encrypted ${report.rewritten} stored ${report.rewritten === 1 ? 'secret' : 'secrets'} from ${from} to key ${report.toKeyId}${already}.`);
  if (report.newKeyIn.kind === 'file') {
    lines.push(
      `The new key is in ${report.newKeyIn.path}${report.newKeyIn.generated ? ' (generated)' : ''}; the old key no longer opens anything.`,
      'Start the relay as before. Back the key file up apart from the database: one without the other is useless.',
    );
  } else {
    const who = database === 'postgres' ? 'every replica' : 'the relay';
    lines.push(`Start ${who} with RELAY_ENCRYPTION_KEY set to the new key (the value of RELAY_NEW_ENCRYPTION_KEY); the old key no longer opens anything.`);
  }
  return lines.join('\n');
}

export const relayRekey = defineCommand({
  name: 'relay rekey',
  usage: '[--database sqlite:./data/relay.db | postgres://…]',
  summary: 're-encrypt every stored secret under a new key',
  flags: {
    database: { type: 'string' },
  },
  help: `Re-encrypts every secret the relay stores (subscription secrets, current and previous,
custom header values, sources' webhook secrets and API keys) under a new key, in one
transaction. Stop the relay first: the rekey refuses to run while a relay has the database
(on SQLite it takes an exclusive lock on the file; on PostgreSQL it refuses while any replica
is running, and no replica can start until it is done). Nothing secret is printed: keys are
named by their ids, short hashes that reveal nothing.

Keys (environment variables, never flags, so they stay out of the process list):
  RELAY_ENCRYPTION_KEY      the current key, when the relay runs with one; unset on SQLite:
                            the key file beside the database (<db>.key)
  RELAY_NEW_ENCRYPTION_KEY  the new key, 32 bytes as 64 hex digits or base64
                            (\`openssl rand -hex 32\`). Unset on SQLite without
                            RELAY_ENCRYPTION_KEY: a new random key is generated.
With a key file, the new key ends up in <db>.key and the relay restarts with nothing to
change. With RELAY_ENCRYPTION_KEY, restart the relay (every replica, on PostgreSQL) with it
set to the new key.

Safe to run again: values already under the new key are left as they are. With a key file,
the new key is written to <db>.key.new (mode 0600, synced) before the database changes and
renamed over <db>.key after the commit; if the rekey is interrupted, the relay refuses to
start until you run \`callbridge relay rekey\` again, which finishes with that key.

Options:
  --database URL  storage (RELAY_DATABASE_URL, default sqlite:./data/relay.db)

Examples:
  callbridge relay rekey --database sqlite:./data/relay.db
  RELAY_ENCRYPTION_KEY=$OLD RELAY_NEW_ENCRYPTION_KEY=$(openssl rand -hex 32) \\
    callbridge relay rekey --database postgres://relay@db.internal/relay`,
  async run({ args, flags }, ctx) {
    expectArgs('relay rekey', args, []);
    const currentKey = ctx.env['RELAY_ENCRYPTION_KEY'];
    const newKey = ctx.env['RELAY_NEW_ENCRYPTION_KEY'];
    ctx.addSecret(currentKey);
    ctx.addSecret(newKey);
    try {
      const database = loadDatabaseConfig(ctx.env, flags.database !== undefined ? { database: flags.database } : {});
      const report = await rekeyRelay({
        database,
        ...(currentKey !== undefined && currentKey !== '' ? { currentKey } : {}),
        ...(newKey !== undefined && newKey !== '' ? { newKey } : {}),
      });
      await writeLine(ctx.io.stdout, rekeySummary(report, database.kind));
      return 0;
    } catch (e) {
      if (e instanceof RelayConfigError) throw new UsageError(e.message, { field: e.source });
      if (e instanceof DatabaseInUseError) throw new CommandFailure(`relay rekey: ${e.message}`);
      if (e instanceof ForeignKeyError) {
        throw new CommandFailure(`relay rekey: ${e.message}`, ['Set RELAY_ENCRYPTION_KEY to the key the relay runs with (or restore the key file), then run it again.']);
      }
      throw e;
    }
  },
});
