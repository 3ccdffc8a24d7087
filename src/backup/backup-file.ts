/**
 * `hail backup FILE`: the same archive as the admin endpoint, written by a separate process
 * while the server runs. FILE appears only once complete and fsynced (it is written as
 * FILE.partial, then renamed), so a backup cut short is never mistaken for a good one.
 */
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openForReading } from '../cli/database.js';
import { BlobStore } from '../files/blob-store.js';
import { writeDurably } from '../files/durable-write.js';
import { getMeta } from '../store/database.js';
import { backupArchive } from './archive.js';

export async function writeBackupFile(dataDir: string, file: string, now: number): Promise<{ bytes: number }> {
  const db = openForReading(dataDir);
  const partial = `${file}.partial`;
  // The copy of the database is made beside the archive, not in the data directory: this
  // process may run as another user than the server, and must leave nothing of its own there.
  const snapshot = `${file}.snapshot`;
  try {
    const archive = backupArchive({ db, blobs: new BlobStore(join(dataDir, 'files')), origin: getMeta(db, 'origin') ?? '', now, snapshot, oneStep: true });
    await writeDurably(partial, archive, 'w');
    await rename(partial, file);
    return { bytes: (await stat(file)).size };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
}
