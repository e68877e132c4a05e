import type { DatabaseSync } from 'node:sqlite';

/** SQLITE_BUSY: another connection holds a lock that conflicts with the one asked for. */
const SQLITE_BUSY = 5;

export function isBusy(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { errcode?: unknown }).errcode === SQLITE_BUSY;
}

/**
 * Takes the exclusive lock on the database file for `db` and keeps it (locking_mode
 * EXCLUSIVE) until `db` closes, or answers false at once when any other connection has the
 * file open. A relay's connection (WAL mode) holds a shared lock on the file from its first
 * read until it closes, idle or not, so this tells whether a relay (in this process or
 * another), a rekey or a tool is using the file. The operating system drops a dead process's
 * locks, so a crash leaves nothing behind to clear by hand (a pid file would, and could name a
 * pid reused by another program).
 */
export function lockExclusively(db: DatabaseSync): boolean {
  db.exec('PRAGMA busy_timeout = 0');
  db.exec('PRAGMA locking_mode = EXCLUSIVE');
  try {
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return true;
  } catch (e) {
    if (isBusy(e)) return false;
    throw e;
  }
}
