/**
 * An imported attachment becomes a blob in the box's store, recorded as uploaded by the post's
 * author (as the upload route records it), so the post.created op may attach it like any
 * other file. Bytes already held (a re-import) are not stored twice.
 */
import { basename, extname } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../files/blob-store.js';
import type { Db } from '../store/database.js';
import { recordUpload } from '../store/uploads.js';

export interface FileRef {
  hash: string;
  name: string;
  type: string;
  size: number;
}

// The types a club's chat mostly carries; anything else is offered as plain bytes.
const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.zip': 'application/zip',
  '.grb': 'application/x-grib',
  '.grib': 'application/x-grib',
  '.gpx': 'application/gpx+xml',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.ogg': 'audio/ogg',
};

export const fileType = (name: string): string => TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';

/** A file name the FileName schema accepts: no separators or control characters, at most 255 characters. */
export function fileName(path: string): string {
  const name = basename(path.replaceAll('\\', '/'))
    // eslint-disable-next-line no-control-regex -- control characters are exactly what a file name may not hold
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .slice(-255);
  return name === '' || name === '.' || name === '..' ? 'attachment' : name;
}

export async function storeAttachment(
  db: Db,
  blobs: BlobStore,
  bytes: Readable,
  path: string,
  authorId: string,
  now: number,
): Promise<FileRef> {
  const blob = await blobs.create();
  try {
    for await (const chunk of bytes) await blob.write(chunk as Buffer);
    const hash = await blob.keep();
    recordUpload(db, hash, authorId, blob.size, now);
    const name = fileName(path);
    return { hash, name, type: fileType(name), size: blob.size };
  } catch (error) {
    await blob.discard();
    throw error;
  }
}
