/**
 * `hail export [--team T] [--since DATE] FILE.zip`: the box's history as a Mattermost bulk
 * export with its files (src/export/), readable by `mmctl import process` and by
 * `hail import mattermost`. It reads the database without writing it, so it may run while the
 * server runs. A file whose bytes this box does not hold (not yet fetched from a peer) is left
 * out of the zip and named.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config.js';
import { exportFilter } from '../export/export-filter.js';
import { mattermostExportZip } from '../export/mattermost-zip.js';
import { BlobStore } from '../files/blob-store.js';
import { StartupError } from '../startup-error.js';
import { openForReading } from './database.js';

export async function exportCommand(config: Config, file: string | undefined, flags: Record<string, string>): Promise<void> {
  if (!file || !file.toLowerCase().endsWith('.zip'))
    throw new StartupError('usage', 'name the zip to write: hail export [--team T] [--since DATE] FILE.zip.');
  const filter = exportFilter(flags['--team'], flags['--since']);
  if (typeof filter === 'string') throw new StartupError('usage', filter);
  const db = openForReading(config.dataDir);
  try {
    const zip = await mattermostExportZip(db, new BlobStore(join(config.dataDir, 'files')), filter).catch((error: Error) => {
      throw new StartupError('usage', `${error.message}.`);
    });
    await pipeline(zip.stream, createWriteStream(file));
    for (const path of zip.missing)
      process.stderr.write(`hail: the bytes of ${path} are not on this box; the post names it, the zip does not hold it\n`);
    process.stdout.write(`wrote ${file}: ${zip.posts} posts and ${zip.files} files, in Mattermost's bulk format\n`);
  } finally {
    db.close();
  }
}
