/**
 * A zip read through its central directory (yauzl): the names and offsets of its entries are
 * listed once, and each entry is streamed when asked for, so an export of any size is never
 * held in memory.
 */
import { normalize } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { StartupError } from '../startup-error.js';

export interface ZipArchive {
  /** Entries by normalized path, folders left out. */
  readonly entries: ReadonlyMap<string, yauzl.Entry>;
  stream(entry: yauzl.Entry): Promise<Readable>;
  close(): void;
}

export async function openZipArchive(file: string): Promise<ZipArchive> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, strictFileNames: false }, (error, opened) =>
      error ? reject(error) : resolve(opened),
    ),
  ).catch((error: Error) => {
    throw new StartupError('bad_export', `${file} is not a readable zip file (${error.message}).`);
  });
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('/')) entries.set(normalize(entry.fileName), entry);
      zip.readEntry();
    });
    zip.once('end', resolve);
    zip.once('error', reject);
    zip.readEntry();
  });
  return {
    entries,
    stream: (entry) =>
      new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (error, opened) => (error ? reject(error) : resolve(opened)))),
    close: () => zip.close(),
  };
}
