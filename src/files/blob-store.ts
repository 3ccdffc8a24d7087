/**
 * File bytes on disk, content-addressed: `<dataDir>/files/ab/abcd…` is the file whose SHA-256
 * (lower-case hex) is `abcd…`; the two-character folders keep every directory small on an SD
 * card. Only metadata travels in ops (docs/DESIGN.md "Files"); the same bytes are stored once,
 * whoever uploads them and however often, and a stored blob never changes.
 *
 * A blob is written into `files/tmp/` while it is hashed, fsynced, then renamed into place and
 * its folder fsynced: a blob's name only ever points at complete bytes, and an upload that was
 * acknowledged survives a power cut. A write that fails or is abandoned removes its temp file;
 * the ones a crash left behind are removed when the server starts (`open`).
 */
import { Value } from '@sinclair/typebox/value';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Sha256 } from '../core/fields.js';
import { writeAll } from './durable-write.js';

export const isBlobHash = (text: string): boolean => Value.Check(Sha256, text);

export class BlobStore {
  private readonly tmp: string;
  /** Blobs whose bytes this process has hashed and found whole: a blob never changes, so once is enough for a download. */
  private readonly verified = new Set<string>();

  constructor(readonly root: string) {
    this.tmp = join(root, 'tmp');
  }

  /** For the server only: another process (a CLI backup) must not remove a running server's temp files. */
  open(): void {
    rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(this.tmp, { recursive: true });
  }

  path(hash: string): string {
    return join(this.root, hash.slice(0, 2), hash);
  }

  /** The blob's size, or undefined when this box does not hold its bytes. */
  async size(hash: string): Promise<number | undefined> {
    return stat(this.path(hash)).then(
      (found) => found.size,
      () => undefined,
    );
  }

  /**
   * Whether the bytes still hash to their name (a failing SD card, a truncated copy say not).
   * Downloads trust a check this process made before; a backup, which must vouch for what it
   * copies, asks `afresh`. A blob that is not here is not intact.
   */
  async intact(hash: string, afresh = false): Promise<boolean> {
    if (!afresh && this.verified.has(hash)) return true;
    const hasher = createHash('sha256');
    try {
      for await (const chunk of this.read(hash)) hasher.update(chunk);
    } catch {
      return false;
    }
    const whole = hasher.digest('hex') === hash;
    if (whole) this.verified.add(hash);
    return whole;
  }

  /** The first `length` bytes (fewer if the blob is shorter). */
  async head(hash: string, length: number): Promise<Buffer> {
    const file = await open(this.path(hash), 'r');
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(length), 0, length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }

  /** Bytes `start` to `end` (inclusive), streamed; the file is opened only once reading begins. */
  async *read(hash: string, start = 0, end = Infinity): AsyncGenerator<Buffer> {
    const stream = createReadStream(this.path(hash), { start, end, highWaterMark: 64 * 1024 });
    try {
      yield* stream;
    } finally {
      stream.destroy();
    }
  }

  /** A fresh path in the temp folder, for a file that must live beside the data (a backup's database snapshot). */
  async scratchPath(suffix: string): Promise<string> {
    await mkdir(this.tmp, { recursive: true });
    return join(this.tmp, `${randomUUID()}${suffix}`);
  }

  async create(): Promise<BlobWriter> {
    const path = await this.scratchPath('.part');
    return new BlobWriter(this, path, await open(path, 'wx', 0o600));
  }

  /** Every blob held, by hash (for backups and the status page). */
  async *list(): AsyncGenerator<{ hash: string; size: number }> {
    const folders = await readdir(this.root).catch(() => [] as string[]);
    for (const folder of folders.filter((name) => /^[0-9a-f]{2}$/.test(name)).sort()) {
      for (const hash of (await readdir(join(this.root, folder))).filter(isBlobHash).sort()) {
        const size = await this.size(hash);
        if (size !== undefined) yield { hash, size };
      }
    }
  }

  async totalBytes(): Promise<number> {
    let total = 0;
    for await (const { size } of this.list()) total += size;
    return total;
  }
}

/** One blob being written: feed it chunks, then `keep` it under its hash or `discard` it. */
export class BlobWriter {
  private readonly hasher = createHash('sha256');
  private digest: string | undefined;
  private closed = false;
  size = 0;

  constructor(
    private readonly store: BlobStore,
    private readonly tempPath: string,
    private readonly file: FileHandle,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    this.hasher.update(chunk);
    this.size += chunk.byteLength;
    await writeAll(this.file, chunk);
  }

  /** The SHA-256 of everything written; no more writes after this. */
  hash(): string {
    this.digest ??= this.hasher.digest('hex');
    return this.digest;
  }

  /** Makes the bytes durable under their hash. Bytes already held whole are not stored twice. */
  async keep(): Promise<string> {
    const hash = this.hash();
    await this.file.sync();
    await this.close();
    const target = this.store.path(hash);
    // Bytes already held are kept, unless they were damaged on disk: an upload of the same file repairs them.
    if (await this.store.intact(hash)) {
      await rm(this.tempPath, { force: true });
      return hash;
    }
    const folder = join(this.store.root, hash.slice(0, 2));
    await mkdir(folder, { recursive: true });
    await rename(this.tempPath, target);
    // The rename lives in the folder's entries: without this fsync a power cut could forget it.
    const directory = await open(folder, 'r');
    await directory.sync().finally(() => directory.close());
    return hash;
  }

  /** Removes the temp file; harmless after `keep` or a second call. */
  async discard(): Promise<void> {
    await this.close();
    await rm(this.tempPath, { force: true });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
  }
}
