import { RelayConfigError, type DatabaseConfig } from '../config';
import type { RelayStorage, SecretField } from '../storage/types';
import { keyFilePath, openKeyFile, pendingKeyFilePath } from './key-file';
import { isEncrypted, parseEncryptionKey, reencrypt, SecretBox } from './secret-box';
import { existsSync } from 'node:fs';

/**
 * How the relay keeps secrets in its database: subscription secrets (current and previous),
 * subscription header values, source webhook secrets and API keys are sealed with the
 * SecretBox before storage sees them and revealed (from an in-memory cache) when used.
 *
 * The key: RELAY_ENCRYPTION_KEY when set; on SQLite otherwise a key file beside the database,
 * generated on first start. On PostgreSQL without the variable nothing is encrypted (as with relays
 * before encryption at rest) until the first source is created, which needs it; several replicas must share
 * one key, and a file on one machine cannot give them that.
 *
 * At start the key is checked against what is stored (a value sealed under another key stops
 * the start with both key ids named: nothing is ever decrypted wrongly), and values stored in
 * plain by an older relay are sealed.
 */
export interface SecretsAtRest {
  /** Null on PostgreSQL without RELAY_ENCRYPTION_KEY: values are stored as given. */
  readonly box: SecretBox | null;
  readonly keySource: 'environment' | 'file' | 'none';
  /** The key file, when the key lives in one. */
  readonly keyFile: string | null;
  /** True when this start generated the key file. */
  readonly keyFileCreated: boolean;
  seal(plain: string): string;
  reveal(stored: string): string;
  sealHeaders(headers: Readonly<Record<string, string>>): Record<string, string>;
}

class Sealer implements SecretsAtRest {
  constructor(
    readonly box: SecretBox | null,
    readonly keySource: 'environment' | 'file' | 'none',
    readonly keyFile: string | null,
    readonly keyFileCreated: boolean,
  ) {}

  seal(plain: string): string {
    return this.box ? this.box.encrypt(plain) : plain;
  }

  reveal(stored: string): string {
    if (!isEncrypted(stored)) return stored;
    if (!this.box) throw new Error('a stored value is encrypted but the relay has no RELAY_ENCRYPTION_KEY');
    return this.box.decrypt(stored);
  }

  sealHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, this.seal(v)]));
  }
}

/** Secrets kept as given: PostgreSQL without a key, and app-level tests that store nothing. */
export function plainSecrets(): SecretsAtRest {
  return new Sealer(null, 'none', null, false);
}

/** Each stored value of a field: a header map is one value per header. */
function valuesOf(field: SecretField): string[] {
  if (field.column !== 'headers') return [field.value];
  const parsed = JSON.parse(field.value) as Record<string, unknown>;
  return Object.values(parsed).filter((v): v is string => typeof v === 'string');
}

/** The field with every value passed through `fn`. */
function mapField(field: SecretField, fn: (value: string) => string): SecretField {
  if (field.column !== 'headers') return { ...field, value: fn(field.value) };
  const parsed = JSON.parse(field.value) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) out[k] = typeof v === 'string' ? fn(v) : v;
  return { ...field, value: JSON.stringify(out) };
}

function foreignKeyIds(fields: readonly SecretField[], keyId: string): string[] {
  const ids = new Set<string>();
  for (const f of fields) {
    for (const v of valuesOf(f)) {
      const id = SecretBox.keyIdIn(v);
      if (id !== null && id !== keyId) ids.add(id);
    }
  }
  return [...ids];
}

export interface OpenSecretsOptions {
  database: DatabaseConfig;
  /** RELAY_ENCRYPTION_KEY as given, if set. */
  encryptionKey?: string;
}

export async function openSecretsAtRest(storage: RelayStorage, options: OpenSecretsOptions): Promise<SecretsAtRest> {
  const fields = await storage.readSecrets();
  const anyEncrypted = fields.some((f) => valuesOf(f).some(isEncrypted));
  let sealer: Sealer;
  if (options.encryptionKey !== undefined) {
    sealer = new Sealer(new SecretBox(parseEncryptionKey(options.encryptionKey)), 'environment', null, false);
  } else if (options.database.kind === 'sqlite' && options.database.path !== ':memory:') {
    const path = keyFilePath(options.database.path);
    const pending = pendingKeyFilePath(options.database.path);
    if (existsSync(pending)) {
      // Which key the secrets are under depends on where the rekey stopped: finishing it is
      // the rekey's job (it knows both keys and checks every value), not a guess made here.
      throw new RelayConfigError(
        pending,
        `exists: a \`callbridge relay rekey\` stopped before it finished, so the stored secrets may be under the old key (${path}) or the new one (${pending}). Run \`callbridge relay rekey\` on this database again: it finishes with the key in ${pending}, then the relay starts`,
      );
    }
    if (anyEncrypted && !existsSync(path)) {
      throw new RelayConfigError(
        'RELAY_ENCRYPTION_KEY',
        `is not set and the key file ${path} is missing, but the database holds encrypted secrets: restore the key file or set RELAY_ENCRYPTION_KEY to the key they were written with`,
      );
    }
    const file = openKeyFile(options.database.path);
    sealer = new Sealer(new SecretBox(file.key), 'file', file.path, file.created);
  } else {
    if (anyEncrypted) {
      throw new RelayConfigError('RELAY_ENCRYPTION_KEY', 'is not set, but the database holds encrypted secrets: set it to the key they were written with');
    }
    const sources = await storage.listSources(1);
    if (sources.items.length > 0) {
      throw new RelayConfigError(
        'RELAY_ENCRYPTION_KEY',
        'is required on PostgreSQL once sources exist (their webhook secrets and API keys are stored encrypted under it); every replica needs the same key: generate one with `openssl rand -hex 32`',
      );
    }
    return new Sealer(null, 'none', null, false);
  }
  const box = sealer.box as SecretBox;
  const foreign = foreignKeyIds(fields, box.keyId);
  if (foreign.length > 0) {
    const where = sealer.keySource === 'file' ? `the key file ${sealer.keyFile}` : 'RELAY_ENCRYPTION_KEY';
    throw new RelayConfigError(
      sealer.keySource === 'file' ? (sealer.keyFile as string) : 'RELAY_ENCRYPTION_KEY',
      `holds key ${box.keyId}, but stored secrets were encrypted with key ${foreign.join(', ')}: start with the key they were written with (${where} is not it), or re-encrypt them with \`callbridge relay rekey\``,
    );
  }
  // Values an older relay stored in plain are sealed now, once.
  const plain = fields.filter((f) => valuesOf(f).some((v) => !isEncrypted(v)));
  if (plain.length > 0) await storage.writeSecrets(plain.map((f) => mapField(f, (v) => (isEncrypted(v) ? v : box.encrypt(v)))));
  return sealer;
}

/** Every secret-bearing value moved to the new key, and how many changed. */
export interface RekeyPlan {
  fields: SecretField[];
  /** Values encrypted under the new key now (from the old key, or plain from before encryption). */
  rewritten: number;
  /** Values that were under the new key already (a rekey run again after an interruption). */
  unchanged: number;
}

/** Stored secrets are under a key that is neither the current one nor the new one. */
export class ForeignKeyError extends Error {
  readonly keyIds: readonly string[];

  constructor(keyIds: readonly string[], message: string) {
    super(message);
    this.name = 'ForeignKeyError';
    this.keyIds = keyIds;
  }
}

/**
 * The rewrite a rekey stores, checked before anything is written: a value under any key
 * other than `from` and `to` stops it (nothing could decrypt it wrongly, but nothing should
 * pretend to have rekeyed it either). `from` is null when there is no current key (a
 * database whose secrets were all stored in plain).
 */
export function planRekey(fields: readonly SecretField[], from: SecretBox | null, to: SecretBox): RekeyPlan {
  const foreign = foreignKeyIds(fields, to.keyId).filter((id) => id !== from?.keyId);
  if (foreign.length > 0) {
    const current = from ? `the current key (${from.keyId})` : 'no current key (none was given)';
    throw new ForeignKeyError(
      foreign,
      `stored secrets are encrypted with key ${foreign.join(', ')}, which is neither ${current} nor the new key (${to.keyId})`,
    );
  }
  let rewritten = 0;
  let unchanged = 0;
  const out = fields.map((f) =>
    mapField(f, (v) => {
      if (isEncrypted(v) && SecretBox.keyIdIn(v) === to.keyId) {
        unchanged += 1;
        return v;
      }
      rewritten += 1;
      // `from` is non-null here: a value under it is what the check above let through.
      return isEncrypted(v) ? reencrypt(from as SecretBox, to, v) : to.encrypt(v);
    }),
  );
  return { fields: out.filter((f, i) => f.value !== fields[i]?.value), rewritten, unchanged };
}

/**
 * Moves every stored secret from one key to another through a storage (tests; the rekey
 * command uses a session of its own that no relay can share). Safe to run again after an
 * interruption: values already under the new key stay. Returns how many values were rewritten.
 */
export async function rekeySecrets(storage: Pick<RelayStorage, 'readSecrets' | 'writeSecrets'>, from: SecretBox, to: SecretBox): Promise<number> {
  const plan = planRekey(await storage.readSecrets(), from, to);
  await storage.writeSecrets(plan.fields);
  return plan.rewritten;
}
