/**
 * The export as a zip stream: `export.jsonl` (written first to a scratch file beside the
 * data, so the zip can be streamed without holding the lines in memory) and the attached files
 * under `data/`, stored uncompressed (they are mostly compressed already). The CLI writes the
 * stream to a file; the admin route sends it to the browser. The scratch file is removed once
 * the stream ends or fails.
 */
import { existsSync, rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import type { BlobStore } from '../files/blob-store.js';
import type { Db } from '../store/database.js';
import { writeMattermostJsonl, type ExportFilter } from './mattermost-export.js';

export interface ExportZip {
  readonly stream: Readable;
  readonly posts: number;
  readonly files: number;
  /** Attachments whose bytes this box does not hold (not yet fetched from a peer). */
  readonly missing: readonly string[];
}

export async function mattermostExportZip(db: Db, blobs: BlobStore, filter: ExportFilter): Promise<ExportZip> {
  const jsonl = await blobs.scratchPath('.jsonl');
  try {
    const { files, posts } = await writeMattermostJsonl(db, jsonl, filter);
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
    const cleanup = () => rmSync(jsonl, { force: true });
    zip.outputStream.once('end', cleanup).once('error', cleanup).once('close', cleanup);
    return { stream: zip.outputStream as Readable, posts, files: added.size - missing.length, missing };
  } catch (error) {
    rmSync(jsonl, { force: true });
    throw error;
  }
}
