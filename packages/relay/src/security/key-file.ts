import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync, constants as fs } from 'node:fs';
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

/** Reads `<db>.key`, or creates it with a new random key when it does not exist. */
export function openKeyFile(databasePath: string): KeyFile {
  const path = keyFilePath(databasePath);
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    // Exclusive create: two relays starting at once cannot both write a key.
    fd = openSync(path, fs.O_WRONLY | fs.O_CREAT | fs.O_EXCL, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { key: readExisting(path), path, created: false };
    throw e;
  }
  const key = randomBytes(32);
  let written = false;
  try {
    // The umask can only narrow 0600; a file created before us cannot reach here (O_EXCL).
    if ((fstatSync(fd).mode & 0o077) !== 0) throw new RelayConfigError(path, 'could not be created with mode 0600');
    writeSync(fd, `${key.toString('hex')}\n`);
    // Losing the key loses every secret it encrypts: make it durable before using it.
    fsyncSync(fd);
    written = true;
  } finally {
    closeSync(fd);
    // A half-written key file would be refused on the next start: leave none.
    if (!written) unlinkSync(path);
  }
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
  return { key, path, created: true };
}
