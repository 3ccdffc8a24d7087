/**
 * The database opened for writing, with its one write path: the node identity, the hybrid
 * clock resumed from its persisted value, and a Committer for this database's origin. The
 * server opens it once at start; the `hail` commands that change state (invite create, admin
 * reset-password) open the same thing, so their ops are made exactly as the server's are.
 */
import { mkdirSync } from 'node:fs';
import { databaseFile, getMeta, openDatabase, type Db, type OpenOptions } from '../store/database.js';
import { Committer } from './commit.js';
import { decodeHlc, HybridClock } from './hlc.js';
import { loadIdentity, type NodeIdentity } from './node-identity.js';
import { applyNowKnown } from './rebuild.js';

export interface Writer {
  readonly db: Db;
  readonly identity: NodeIdentity;
  readonly clock: HybridClock;
  readonly committer: Committer;
}

export function openWriter(
  dataDir: string,
  now: () => number,
  onListenerError: (error: unknown) => void,
  options: OpenOptions = {},
): Writer {
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(databaseFile(dataDir), options);
  const identity = loadIdentity(db, dataDir);
  // After an upgrade, the ops a newer box wrote that this version could not apply before.
  applyNowKnown(db);
  const persisted = getMeta(db, 'hlc');
  const clock = new HybridClock(now, persisted ? decodeHlc(persisted) : undefined);
  const committer = new Committer(db, identity.origin, clock, now, onListenerError);
  return { db, identity, clock, committer };
}
