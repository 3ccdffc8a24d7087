/**
 * An export to import, read as a stream: the JSONL lines one at a time (memory stays flat
 * whatever the export's size) and its attachments by path. A `.zip` (as `mmctl export create`
 * writes it) holds the `.jsonl` file and a `data/` folder; a bare `.jsonl` file finds its
 * attachments beside it. Attachment paths are looked up as written and under `data/`, since
 * exports differ in whether the path in a line includes that folder.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { StartupError } from '../startup-error.js';
import { openZipArchive } from './zip-archive.js';

export interface ExportFile {
  /** Bytes of JSONL text, for progress. */
  readonly size: number;
  /** The lines of the JSONL file, numbered from 1. */
  lines(): AsyncGenerator<{ number: number; text: string }>;
  /** The attachment's bytes, or undefined when the export does not hold it. */
  attachment(path: string): Promise<Readable | undefined>;
  close(): void;
}

export async function openExportFile(file: string): Promise<ExportFile> {
  if (!existsSync(file)) throw new StartupError('no_export', `there is no file ${file}.`);
  return file.toLowerCase().endsWith('.zip') ? openZip(file) : openJsonl(file);
}

async function* numbered(stream: Readable): AsyncGenerator<{ number: number; text: string }> {
  let number = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) yield { number: ++number, text };
}

/** The places an attachment path may mean, none outside the export. */
function candidates(path: string): string[] {
  const clean = normalize(path.replaceAll('\\', '/')).replace(/^(\.\/)+/, '');
  if (clean.startsWith('..') || clean.startsWith(sep)) return [];
  return clean.startsWith(`data${sep}`) ? [clean] : [clean, join('data', clean)];
}

function openJsonl(file: string): ExportFile {
  const folder = dirname(file);
  return {
    size: statSync(file).size,
    lines: () => numbered(createReadStream(file)),
    async attachment(path) {
      const found = candidates(path)
        .map((candidate) => join(folder, candidate))
        .find((full) => existsSync(full) && statSync(full).isFile());
      return found ? createReadStream(found) : undefined;
    },
    close() {},
  };
}

async function openZip(file: string): Promise<ExportFile> {
  const zip = await openZipArchive(file);
  const jsonl = [...zip.entries.values()].filter(
    (entry) => entry.fileName.toLowerCase().endsWith('.jsonl') && !entry.fileName.includes('/'),
  );
  if (jsonl.length !== 1) {
    zip.close();
    throw new StartupError('bad_export', `${file} should hold one .jsonl file at its top (found ${jsonl.length}).`);
  }
  return {
    size: jsonl[0]!.uncompressedSize,
    async *lines() {
      yield* numbered(await zip.stream(jsonl[0]!));
    },
    async attachment(path) {
      const entry = candidates(path)
        .map((candidate) => zip.entries.get(candidate))
        .find((found) => found !== undefined);
      return entry ? zip.stream(entry) : undefined;
    },
    close: () => zip.close(),
  };
}
