/**
 * Writing files that must survive a power cut: every byte written (a write may take fewer
 * bytes than offered), then fsync before the file counts as written. A file that replaces or
 * creates something the box cannot do without (the node key, the setup code) is written
 * beside its place, fsynced, renamed over it and its directory fsynced: after a power cut the
 * name holds either the old bytes or all the new ones, never an empty or half-written file.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeAll(file: FileHandle, chunk: Buffer): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength;) offset += (await file.write(chunk, offset)).bytesWritten;
}

/** Writes the chunks into a new file (mode 0600) and fsyncs it. */
export async function writeDurably(path: string, chunks: AsyncIterable<Buffer>, flags: 'w' | 'wx' = 'wx'): Promise<void> {
  const file = await open(path, flags, 0o600);
  try {
    for await (const chunk of chunks) await writeAll(file, chunk);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Makes `path` hold exactly `content` (mode 0600), atomically and durably. */
export function replaceFileDurably(path: string, content: string | Buffer): void {
  const temp = `${path}.${process.pid}.tmp`;
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  try {
    const fd = openSync(temp, 'w', 0o600);
    try {
      for (let offset = 0; offset < bytes.byteLength;) offset += writeSync(fd, bytes, offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(dirname(path));
}

/** A rename or a new file lives in its directory's entries: fsync the directory to keep it. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
