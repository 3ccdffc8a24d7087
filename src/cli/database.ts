/**
 * How `hail` commands reach the box's database. They never create one: a command pointed at
 * the wrong directory must say so, not leave an empty database there. Run as root on a data
 * directory that belongs to the service's user, they refuse, rather than leave root-owned
 * files the server cannot open; run by a user who may not enter it, they say whose it is
 * rather than that there is no database. Commands that change state open it with the same write path as the server (core/writer.ts); running them while
 * the server runs is safe (WAL, and the committer takes its seq under SQLite's write lock).
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { openWriter, type Writer } from '../core/writer.js';
import { StartupError } from '../startup-error.js';
import { databaseFile, openDatabase, type Db } from '../store/database.js';
import { findUserByName } from '../core/permissions.js';
import type { UserRow } from '../store/read/users.js';

/**
 * Root may not write into a data directory that belongs to another user: SQLite's -wal and -shm
 * files, the setup code, the TLS keys would be root's and lock the service out. A directory not
 * made yet is judged by the nearest one that exists.
 */
export function requireOwnDataDir(dataDir: string): void {
  let dir = dataDir;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const owner = statSync(dir).uid;
  if (process.getuid?.() === 0) {
    if (owner !== 0)
      throw new StartupError(
        'wrong_user',
        `${dir} belongs to uid ${owner}; run this as that user (sudo -u ${userName(owner) ?? 'hail'} hail ...), so the files it touches stay the server's.`,
      );
    return;
  }
  // The service's directory is 0700: to anyone else its database looks absent, and its files unreadable.
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch {
    const me = process.getuid?.() ?? -1;
    throw new StartupError(
      'wrong_user',
      `${dir} belongs to ${userName(owner) ?? `uid ${owner}`}, and this user (${userName(me) ?? `uid ${me}`}) may not use it; run it as the service user: sudo -u ${userName(owner) ?? 'hail'} hail ...`,
    );
  }
}

function userName(uid: number): string | undefined {
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  return passwd.map((line) => line.split(':')).find((fields) => fields[2] === String(uid))?.[0];
}

/** The database file of `dataDir`, which must exist and may be written by whoever runs this. */
export function requireDatabase(dataDir: string): string {
  requireOwnDataDir(dataDir);
  const file = databaseFile(dataDir);
  if (!existsSync(file))
    throw new StartupError(
      'no_database',
      `there is no Hail database in ${dataDir}; start the server once (hail serve), or point --data-dir (or HAIL_DATA_DIR, or data_dir in --config) at the right directory.`,
    );
  return file;
}

export const openForReading = (dataDir: string): Db => openDatabase(requireDatabase(dataDir), { readonly: true });

/** For `hail rebuild`, which rewrites the state tables outside the committer (they are a fold of the log). */
export const openForRebuilding = (dataDir: string): Db => openDatabase(requireDatabase(dataDir));

/** Runs `work` with the database and its committer, then closes it once every commit is durable. */
export async function withWriter<T>(dataDir: string, work: (writer: Writer) => Promise<T>): Promise<T> {
  requireDatabase(dataDir);
  // The committer reports why a transaction failed here, and rejects the commit with a 503.
  let cause: unknown;
  const writer = openWriter(dataDir, Date.now, (error) => (cause = error));
  try {
    return await work(writer);
  } catch (error) {
    if (cause !== undefined)
      throw new StartupError('storage_unavailable', `could not write the database: ${(cause as Error).message ?? String(cause)}.`);
    throw error;
  } finally {
    await writer.committer.drain();
    writer.db.close();
  }
}

export function userByName(db: Db, username: string): UserRow {
  const user = findUserByName(db, username);
  if (!user) throw new StartupError('user_not_found', `there is no user "${username}" on this box.`);
  return user;
}
