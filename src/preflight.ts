/**
 * Checks that can fail for reasons outside Hail (the machine, its permissions, another
 * program), each answering with a sentence that says what to do. `hail serve` runs them
 * before it opens the database, so a box that cannot start touches no data and says why in
 * one line; `hail doctor` runs them to print a report.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { databaseBytes, databaseFile } from './store/database.js';

const MIN_GLIBC = [2, 38] as const;

/**
 * Why Hail cannot run on this C library, or undefined. uWebSockets.js ships binaries built
 * against glibc 2.38. One line, for the owner of an appliance: what to install.
 */
export function glibcProblem(version = process.platform === 'linux' ? glibcVersion() : undefined): string | undefined {
  if (!version) return undefined;
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > MIN_GLIBC[0] || (major === MIN_GLIBC[0] && minor >= MIN_GLIBC[1])) return undefined;
  return `this system's C library is glibc ${version}, and Hail needs ${MIN_GLIBC.join('.')} or newer: install Debian 13, Raspberry Pi OS trixie or Ubuntu 24.04 (or newer) and run Hail there.`;
}

export const glibcVersion = (): string | undefined =>
  (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;

/** Why Hail cannot keep its data in `dir`, or undefined. A missing directory is fine when it can be made. */
export function dataDirProblem(dir: string): string | undefined {
  const uid = `uid ${process.getuid?.() ?? '?'}`;
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory())
    return `the data directory ${dir} cannot be used: ${existing} is not a directory; set data_dir to a directory.`;
  if (!usable(existing)) {
    return existing === dir
      ? `the data directory ${dir} is not readable and writable by this user (${uid}); give it to the user Hail runs as (chown) or set data_dir elsewhere.`
      : `the data directory ${dir} does not exist and this user (${uid}) may not create it in ${existing}; create it for the user Hail runs as or set data_dir elsewhere.`;
  }
  const database = databaseFile(dir);
  if (existsSync(database) && !usable(database))
    return `the database ${database} is not readable and writable by this user (${uid}); give it to the user Hail runs as (chown).`;
  return lostDatabaseProblem(dir);
}

/**
 * A box that has run here (its node key is here) but whose database is gone or empty (a card
 * restored without it, a file truncated by a crash or by hand): starting would silently make a
 * new, empty box in its place. Before the first checkpoint, a live database may be all in its
 * write-ahead log, so the log counts as content.
 */
function lostDatabaseProblem(dir: string): string | undefined {
  const database = databaseFile(dir);
  if (databaseBytes(database) > 0 || !existsSync(join(dir, 'node.key'))) return undefined;
  const state = existsSync(database) ? 'empty' : 'missing';
  return `the database ${database} is ${state}, but ${dir} holds this box's node.key: starting would make a new, empty box. Restore the last backup (hail restore BACKUP --data-dir NEW_DIR, then set data_dir to NEW_DIR); or, to start afresh on purpose, move node.key and files/ out of ${dir}.`;
}

function usable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.W_OK | (statSync(path).isDirectory() ? constants.X_OK : 0));
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `host:port` cannot be listened on, or undefined. uWebSockets.js listens with
 * SO_REUSEPORT, so a second Hail on a port would silently share it; a plain listen here
 * fails when anything holds the port, which is what the operator needs to hear.
 */
export function portProblem(host: string, port: number): Promise<string | undefined> {
  if (port === 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRNOTAVAIL') {
        resolve(
          `cannot listen on ${host}:${port}: ${host} is not an address of this machine (now); set host to one of its addresses, or 0.0.0.0 for all.`,
        );
        return;
      }
      const reason =
        error.code === 'EADDRINUSE'
          ? 'the port is in use by another program (or another Hail)'
          : error.code === 'EACCES'
            ? 'this user may not use ports below 1024 (the service has CAP_NET_BIND_SERVICE)'
            : (error.code ?? error.message);
      resolve(`cannot listen on ${host}:${port}: ${reason}; stop the other program or set port to a free one.`);
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}
