import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, constants as fs } from 'node:fs';
import { dirname } from 'node:path';
import { RelayConfigError } from '../config';
import { parseEncryptionKey } from './secret-box';

/**
 * On SQLite without RELAY_ENCRYPTION_KEY, the relay keeps its key in a file beside the
 * database (`<db>.key`, mode 0600), generated on first start, so a newcomer gets
 * encryption at rest with nothing to configure. Whoever can read the database file can
 * usually read this one too: the start line says where it is, so an operator who backs the
 * database up elsewhere knows to keep the key apart (or to set RELAY_ENCRYPTION_KEY).
 */
export interface KeyFile {
  key: Buffer;
  path: string;
  /** True when this call generated the key (first start). */
  created: boolean;
}

export function keyFilePath(databasePath: string): string {
  return `${databasePath}.key`;
}

const SOURCE_HINT = 'or set RELAY_ENCRYPTION_KEY instead';

function readExisting(path: string): Buffer {
  const stat = lstatSync(path);
  if (!stat.isFile()) throw new RelayConfigError(path, `is not a regular file; the relay's key file must be one (${SOURCE_HINT})`);
  const mode = stat.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new RelayConfigError(
      path,
      `holds the relay's encryption key but other users may read it (mode 0${mode.toString(8)}); run \`chmod 600 ${path}\` (${SOURCE_HINT})`,
    );
  }
  const text = readFileSync(path, 'utf8');
  try {
    return parseEncryptionKey(text, path);
  } catch (e) {
    if (e instanceof RelayConfigError) {
      throw new RelayConfigError(path, `is not a key file: it must hold one 32-byte key as 64 hex characters (${SOURCE_HINT})`);
    }
    throw e;
  }
}

/**
 * Where `callbridge relay rekey` puts the new key before it touches the database, so that a
 * crash at any point leaves a key for every secret: until the rekey commits, the database is
 * under `<db>.key`; after, under `<db>.key.new`, which a rename then puts in its place.
 */
export function pendingKeyFilePath(databasePath: string): string {
  return `${keyFilePath(databasePath)}.new`;
}

/** Reads a key file, refusing one that is not a regular 0600 file holding one key. */
export function readKeyFile(path: string): Buffer {
  return readExisting(path);
}

function syncDirectory(path: string): void {
  try {
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some filesystems cannot sync a directory; the file itself is synced.
  }
}

/**
 * Creates `path` (it must not exist: two writers cannot both win) holding `key`, mode 0600,
 * synced to disk with its directory entry before this returns: losing the key loses every
 * secret it encrypts.
 */
export function writeKeyFile(path: string, key: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, fs.O_WRONLY | fs.O_CREAT | fs.O_EXCL, 0o600);
  let written = false;
  try {
    // The umask can only narrow 0600; a file created before us cannot reach here (O_EXCL).
    if ((fstatSync(fd).mode & 0o077) !== 0) throw new RelayConfigError(path, 'could not be created with mode 0600');
    writeSync(fd, `${key.toString('hex')}\n`);
    fsyncSync(fd);
    written = true;
  } finally {
    closeSync(fd);
    // A half-written key file would be refused on the next start: leave none.
    if (!written) unlinkSync(path);
  }
  syncDirectory(path);
}

/** Puts the rekey's new key file in place of the old one, atomically, and syncs the directory. */
export function promotePendingKeyFile(databasePath: string): void {
  renameSync(pendingKeyFilePath(databasePath), keyFilePath(databasePath));
  syncDirectory(keyFilePath(databasePath));
}

/** Reads `<db>.key`, or creates it with a new random key when it does not exist. */
export function openKeyFile(databasePath: string): KeyFile {
  const path = keyFilePath(databasePath);
  if (existsSync(path)) return { key: readExisting(path), path, created: false };
  const key = randomBytes(32);
  try {
    writeKeyFile(path, key);
  } catch (e) {
    // Another relay starting at the same moment wrote it first: use that one.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { key: readExisting(path), path, created: false };
    throw e;
  }
  return { key, path, created: true };
}
