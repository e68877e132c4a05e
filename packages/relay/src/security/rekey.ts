import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { RelayConfigError, type DatabaseConfig } from '../config';
import { openSecretsSession } from '../storage/secrets-session';
import { keyFilePath, pendingKeyFilePath, promotePendingKeyFile, readKeyFile, writeKeyFile } from './key-file';
import { parseEncryptionKey, SecretBox } from './secret-box';
import { ForeignKeyError, planRekey } from './secrets-at-rest';

/**
 * `callbridge relay rekey`: every stored secret (subscription secrets current and previous,
 * header values, source webhook secrets and API keys) re-encrypted under a new key, in one
 * transaction, with the relay stopped.
 *
 * Where the keys come from:
 * - RELAY_ENCRYPTION_KEY set: it is the current key, and RELAY_NEW_ENCRYPTION_KEY the new one
 *   (required: a relay started with RELAY_ENCRYPTION_KEY never reads a key file, so a key
 *   generated into one would go unused). Restart the relay with RELAY_ENCRYPTION_KEY set to it.
 * - Otherwise, on SQLite: the key file beside the database (`<db>.key`) is the current key,
 *   and the new one is RELAY_NEW_ENCRYPTION_KEY or, without it, a fresh random key. Either way
 *   it ends up in `<db>.key`, so the relay restarts with nothing to configure.
 * - On PostgreSQL without RELAY_ENCRYPTION_KEY, secrets are stored plain: a rekey with
 *   RELAY_NEW_ENCRYPTION_KEY encrypts them.
 *
 * Crash safety with a key file: the new key is written to `<db>.key.new` (0600, synced)
 * before the database changes; the transaction commits; a rename puts it over `<db>.key`.
 * Dying before the commit leaves the database under `<db>.key`; after it, under
 * `<db>.key.new`. The relay refuses to start beside a `<db>.key.new` and says to run the
 * rekey again, which picks that key up and finishes: values already under it are left as
 * they are, the rest are moved, then the rename.
 */
export interface RekeyOptions {
  database: DatabaseConfig;
  /** RELAY_ENCRYPTION_KEY as given. */
  currentKey?: string;
  /** RELAY_NEW_ENCRYPTION_KEY as given. */
  newKey?: string;
}

export interface RekeyReport {
  /** Values moved to the new key (or encrypted for the first time). */
  rewritten: number;
  /** Values already under the new key (an interrupted rekey run again). */
  unchanged: number;
  /** Short public ids of the keys (never the keys): null when there was no current key. */
  fromKeyId: string | null;
  toKeyId: string;
  /** Where the relay finds the new key: RELAY_NEW_ENCRYPTION_KEY's value, or this key file. */
  newKeyIn: { kind: 'environment' } | { kind: 'file'; path: string; generated: boolean };
  /** True when this run finished a rekey that had stopped after writing `<db>.key.new`. */
  resumed: boolean;
}

interface Keys {
  from: SecretBox | null;
  to: SecretBox;
  /** The key to write to `<db>.key.new` before the database changes (key file mode, first run). */
  pending: Buffer | null;
  newKeyIn: RekeyReport['newKeyIn'];
  resumed: boolean;
  /** Where the current key came from, for messages. */
  currentFrom: string;
}

function resolveKeys(options: RekeyOptions): Keys {
  const { database } = options;
  const parsedNew = options.newKey !== undefined ? parseEncryptionKey(options.newKey, 'RELAY_NEW_ENCRYPTION_KEY') : null;
  if (options.currentKey !== undefined || database.kind === 'postgres') {
    const from = options.currentKey !== undefined ? new SecretBox(parseEncryptionKey(options.currentKey, 'RELAY_ENCRYPTION_KEY')) : null;
    if (!parsedNew) {
      throw new RelayConfigError(
        'RELAY_NEW_ENCRYPTION_KEY',
        database.kind === 'postgres'
          ? 'is required on PostgreSQL: the new key, which every replica then starts with as RELAY_ENCRYPTION_KEY (generate one with `openssl rand -hex 32`)'
          : 'is required when RELAY_ENCRYPTION_KEY is set: the relay reads that variable, not the key file, so a generated key would go unused. Generate one with `openssl rand -hex 32`, and start the relay with RELAY_ENCRYPTION_KEY set to it afterwards',
      );
    }
    const currentFrom = from ? 'RELAY_ENCRYPTION_KEY' : 'not given (RELAY_ENCRYPTION_KEY is unset)';
    return { from, to: new SecretBox(parsedNew), pending: null, newKeyIn: { kind: 'environment' }, resumed: false, currentFrom };
  }
  if (database.path === ':memory:') throw new RelayConfigError('RELAY_DATABASE_URL', 'names an in-memory database, which keeps no secrets to rekey');
  const current = keyFilePath(database.path);
  const pendingPath = pendingKeyFilePath(database.path);
  const from = existsSync(current) ? new SecretBox(readKeyFile(current)) : null;
  const currentFrom = from ? `the key file ${current}` : `not found (no ${current}, and RELAY_ENCRYPTION_KEY is unset)`;
  if (existsSync(pendingPath)) {
    const waiting = readKeyFile(pendingPath);
    if (parsedNew && !parsedNew.equals(waiting)) {
      throw new RelayConfigError(
        'RELAY_NEW_ENCRYPTION_KEY',
        `is not the key in ${pendingPath}, which an interrupted rekey left and the database may already use: unset RELAY_NEW_ENCRYPTION_KEY to finish that rekey first`,
      );
    }
    return { from, to: new SecretBox(waiting), pending: null, newKeyIn: { kind: 'file', path: current, generated: false }, resumed: true, currentFrom };
  }
  const key = parsedNew ?? randomBytes(32);
  return { from, to: new SecretBox(key), pending: key, newKeyIn: { kind: 'file', path: current, generated: !parsedNew }, resumed: false, currentFrom };
}

export async function rekeyRelay(options: RekeyOptions): Promise<RekeyReport> {
  const keys = resolveKeys(options);
  const { from, to } = keys;
  if (from && from.keyId === to.keyId) {
    throw new RelayConfigError('RELAY_NEW_ENCRYPTION_KEY', `is the current key (id ${to.keyId}): give a different one`);
  }
  // Refuses while a relay runs, and keeps one from starting until the rekey is over.
  const session = await openSecretsSession(options.database);
  try {
    // Checked before anything is written: a wrong current key changes nothing, leaves no file.
    let plan;
    try {
      plan = planRekey(await session.read(), from, to);
    } catch (e) {
      if (!(e instanceof ForeignKeyError)) throw e;
      throw new ForeignKeyError(e.keyIds, `${e.message}. The current key was ${keys.currentFrom}; nothing was changed`);
    }
    if (keys.pending && options.database.kind === 'sqlite') writeKeyFile(pendingKeyFilePath(options.database.path), keys.pending);
    await session.write(plan.fields);
    // Under the session's lock still: no relay can start between the commit and the rename.
    if (keys.newKeyIn.kind === 'file' && options.database.kind === 'sqlite') promotePendingKeyFile(options.database.path);
    return {
      rewritten: plan.rewritten,
      unchanged: plan.unchanged,
      fromKeyId: from?.keyId ?? null,
      toKeyId: to.keyId,
      newKeyIn: keys.newKeyIn,
      resumed: keys.resumed,
    };
  } finally {
    await session.close();
  }
}
