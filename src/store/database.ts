/**
 * Opens the SQLite database with the settings principle 3 ("acknowledged means durable")
 * depends on: WAL journal, synchronous=FULL so a committed transaction has been fsynced, and
 * a busy timeout for the CLI reading while the server writes. Runs pending migrations.
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../startup-error.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/** Where a data directory keeps its database. */
export const databaseFile = (dataDir: string): string => join(dataDir, 'hail.db');

/** Bytes the database takes on disk: the file and its write-ahead log. */
export const databaseBytes = (file: string): number =>
  [file, `${file}-wal`].reduce((total, path) => total + (statSync(path, { throwIfNoEntry: false })?.size ?? 0), 0);

/**
 * SQLite's page cache, in KiB. better-sqlite3 builds SQLite with 16 MB (SQLITE_DEFAULT_CACHE_SIZE),
 * which a busy box fills over its first hours as the database grows: RSS that climbs for a long
 * while before it stops (docs/BENCHMARKS.md, scenario 8). SQLite's own default is 2 MiB; pages
 * beyond it come from the kernel's page cache, which the kernel gives back under pressure.
 */
export const PAGE_CACHE_KIB = 2000;

export interface OpenOptions {
  readonly readonly?: boolean;
  /**
   * Hold the database for this connection alone. In WAL mode SQLite then keeps the log's index
   * in memory rather than in the `-shm` file, which a full disk cannot grow: the server opens
   * it so when the disk is full, and serves reads. Other processes (the CLI) cannot open it then.
   */
  readonly exclusive?: boolean;
}

/** Opens `file`; a file SQLite finds damaged is a StartupError naming it, so nobody reads a stack trace. */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    db.pragma('busy_timeout = 5000');
    if (options.exclusive) db.pragma('locking_mode = EXCLUSIVE');
    db.pragma(`cache_size = ${-PAGE_CACHE_KIB}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = OFF');
      // Freed space is zeroed, so a deleted post's text is gone from the file and not only
      // unreachable (free pages and cells otherwise keep it until reused).
      db.pragma('secure_delete = ON');
      migrate(db);
    }
    // Reading the schema is what finds a file that is not a database or has a damaged first page.
    db.pragma('schema_version');
    return db;
  } catch (error) {
    db?.close();
    if (!(error instanceof Database.SqliteError)) throw error;
    if (error.code === 'SQLITE_NOTADB' || error.code.startsWith('SQLITE_CORRUPT')) throw databaseDamaged(file, error.message);
    if (error.code.startsWith('SQLITE_BUSY')) {
      throw new StartupError(
        'database_busy',
        `the database ${file} stayed locked (a server that started on a full disk holds it alone until it restarts); free some space, restart the server, and run this again.`,
      );
    }
    throw error;
  }
}

/** Whether SQLite failed for want of disk space (a full disk shows as an I/O error on the -shm file). */
export const isOutOfSpace = (error: unknown): boolean => error instanceof Database.SqliteError && /^SQLITE_(FULL|IOERR)/.test(error.code);

export const databaseDamaged = (file: string, reason: string): StartupError =>
  new StartupError(
    'database_damaged',
    `the database ${file} is damaged (${reason}); restore the last backup into a new directory (hail restore BACKUP --data-dir NEW_DIR) and set data_dir to it. The damaged file is left as it was.`,
  );

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this Hail (${MIGRATIONS.length}); upgrade Hail`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      const migration = MIGRATIONS[version]!;
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

const statementCache = new WeakMap<Db, Map<string, Database.Statement>>();

/** A prepared statement, prepared once per database: preparing costs more than running. */
export function sql<P extends unknown[] = unknown[], R = unknown>(db: Db, text: string): Database.Statement<P, R> {
  let cache = statementCache.get(db);
  if (!cache) statementCache.set(db, (cache = new Map()));
  let statement = cache.get(text);
  if (!statement) cache.set(text, (statement = db.prepare(text)));
  return statement as unknown as Database.Statement<P, R>;
}

const readTransactions = new WeakMap<Db, Database.Transaction<(read: () => unknown) => unknown>>();

/**
 * Runs several reads in one read transaction: outside one, each statement takes and releases
 * the database's shared lock itself (system calls each time; six reads cost 27 µs alone
 * against 16 µs together). Inside a transaction already, the reads just join it.
 */
export function readTogether<T>(db: Db, read: () => T): T {
  if (db.inTransaction) return read();
  let transaction = readTransactions.get(db);
  if (!transaction) readTransactions.set(db, (transaction = db.transaction((reads: () => unknown) => reads())));
  return transaction(read) as T;
}

export function getMeta(db: Db, key: string): string | undefined {
  return sql<[string], { value: string }>(db, 'SELECT value FROM meta WHERE key = ?').get(key)?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  sql(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}
