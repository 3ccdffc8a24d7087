/**
 * Writing files that must survive a power cut: every byte written (a write may take fewer
 * bytes than offered), then fsync before the file counts as written.
 */
import { open, type FileHandle } from 'node:fs/promises';

export async function writeAll(file: FileHandle, chunk: Buffer): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength; ) offset += (await file.write(chunk, offset)).bytesWritten;
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
