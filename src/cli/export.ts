/**
 * `hail export [--team T] [--since DATE] FILE.zip`: the box's history as a Mattermost bulk
 * export with its files (src/export/), readable by `mmctl import process` and by
 * `hail import mattermost`. It reads the database without writing it, so it may run while the
 * server runs. A file whose bytes this box does not hold (not yet fetched from a peer) is left
 * out of the zip and named.
 */
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import type { Config } from '../config.js';
import { writeMattermostJsonl } from '../export/mattermost-export.js';
import { BlobStore } from '../files/blob-store.js';
import { StartupError } from '../startup-error.js';
import { openForReading } from './database.js';

export async function exportCommand(config: Config, file: string | undefined, flags: Record<string, string>): Promise<void> {
  if (!file || !file.toLowerCase().endsWith('.zip')) throw new StartupError('usage', 'name the zip to write: hail export [--team T] [--since DATE] FILE.zip.');
  const since = flags['--since'] === undefined ? undefined : Date.parse(flags['--since']);
  if (since !== undefined && Number.isNaN(since)) throw new StartupError('usage', `--since: a date such as 2024-05-01 (got "${flags['--since']}").`);
  const db = openForReading(config.dataDir);
  const scratch = mkdtempSync(join(tmpdir(), 'hail-export-'));
  try {
    const jsonl = join(scratch, 'export.jsonl');
    const { files, posts } = await writeMattermostJsonl(db, jsonl, { teamName: flags['--team'], since }).catch((error: Error) => {
      throw new StartupError('usage', `${error.message}.`);
    });
    const blobs = new BlobStore(join(config.dataDir, 'files'));
    const zip = new yazl.ZipFile();
    zip.addFile(jsonl, 'export.jsonl');
    const added = new Set<string>();
    const missing: string[] = [];
    for (const { hash, path } of files) {
      if (added.has(path)) continue;
      added.add(path);
      if (existsSync(blobs.path(hash))) zip.addFile(blobs.path(hash), `data/${path}`, { compress: false });
      else missing.push(path);
    }
    zip.end();
    const out = createWriteStream(file);
    zip.outputStream.pipe(out);
    await once(out, 'finish');
    for (const path of missing) process.stderr.write(`hail: the bytes of ${path} are not on this box; the post names it, the zip does not hold it\n`);
    process.stdout.write(`wrote ${file}: ${posts} posts and ${added.size - missing.length} files, in Mattermost's bulk format\n`);
  } finally {
    db.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
