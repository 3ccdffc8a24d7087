/**
 * `hail backup FILE`: the same archive as the admin endpoint, written by a separate process
 * while the server runs. FILE appears only once complete and fsynced (it is written as
 * FILE.partial, then renamed), so a backup cut short is never mistaken for a good one.
 *
 * The copy of the database (password hashes and all) is made beside the archive, not in the
 * data directory: this process may run as another user than the server, and must leave
 * nothing of its own there. It goes in a directory only this user can enter, as a file only
 * this user can read, and is removed when the backup ends, fails or is interrupted (Ctrl-C,
 * SIGTERM); a SIGKILL can leave the directory, still private.
 */
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { openForReading } from '../cli/database.js';
import { BlobStore } from '../files/blob-store.js';
import { syncDirectory, writeDurably } from '../files/durable-write.js';
import { getMeta } from '../store/database.js';
import { boxCa } from '../tls/local-ca.js';
import { backupArchive, type DamagedFile } from './archive.js';

export async function writeBackupFile(dataDir: string, file: string, now: number): Promise<{ bytes: number; damaged: DamagedFile[] }> {
  const db = openForReading(dataDir);
  const partial = `${file}.partial`;
  const privateDir = mkdtempSync(join(dirname(file), `.${basename(file)}.snapshot-`));
  const snapshot = join(privateDir, 'hail.db');
  closeSync(openSync(snapshot, 'wx', 0o600));
  const cleanUp = () => {
    rmSync(privateDir, { recursive: true, force: true });
    rmSync(partial, { force: true });
  };
  const interrupted = (signal: NodeJS.Signals) => {
    cleanUp();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const damaged: DamagedFile[] = [];
  try {
    const archive = backupArchive({
      db,
      blobs: new BlobStore(join(dataDir, 'files')),
      origin: getMeta(db, 'origin') ?? '',
      now,
      snapshot,
      oneStep: true,
      ca: boxCa(dataDir),
      onDamaged: (found) => damaged.push(found),
    });
    await writeDurably(partial, archive, 'w');
    await rename(partial, file);
    syncDirectory(dirname(file));
    return { bytes: (await stat(file)).size, damaged };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    rmSync(privateDir, { recursive: true, force: true });
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    db.close();
  }
}
