/**
 * Keeps the box writable when its disk fills (an SD card full of GRIB files and photos). Two
 * floors of free space: under `uploadFloorBytes` (1 GiB by default) uploads are refused, so the
 * crew learns early; only under the much lower `writeFloorBytes` (64 MiB) is every write
 * refused, so text messages keep working long after files stop and SQLite never meets a full
 * disk halfway through a transaction. Both answer 507 with a sentence saying what to do.
 *
 * Free space is what an unprivileged process may use (statfs `bavail`), read at most once a
 * second: every write request asks, and one syscall per request is needless on a Pi.
 */
import { statfsSync } from 'node:fs';
import { ApiError } from '../core/errors.js';

const CACHE_MS = 1000;

export interface Floors {
  readonly uploadFloorBytes: number;
  readonly writeFloorBytes: number;
}

export class DiskGuard {
  private cached: { freeBytes: number; at: number } | undefined;

  constructor(
    private readonly dir: string,
    private readonly floors: Floors,
  ) {}

  freeBytes(): number {
    const now = performance.now();
    if (!this.cached || now - this.cached.at > CACHE_MS) {
      const stats = statfsSync(this.dir);
      this.cached = { freeBytes: stats.bavail * stats.bsize, at: now };
    }
    return this.cached.freeBytes;
  }

  /** After a large write (a blob), so the next check sees the space it took. */
  forget(): void {
    this.cached = undefined;
  }

  /** Refuses an upload of `size` bytes that would leave less than the upload floor free. */
  requireUploadRoom(size: number): void {
    if (this.freeBytes() - size >= this.floors.uploadFloorBytes) return;
    throw new ApiError(
      507,
      'insufficient_storage',
      'The server is running out of disk space, so it takes no more files for now; text messages still work. Ask an administrator to free some space.',
    );
  }

  /** Refuses any write once free space, less `size` bytes about to be used, is under the floor kept for the database. */
  requireWriteRoom(size = 0): void {
    if (this.freeBytes() - size >= this.floors.writeFloorBytes) return;
    throw new ApiError(
      507,
      'insufficient_storage',
      "The server's disk is full, so it cannot save anything now. Ask an administrator to free some space.",
    );
  }

  report() {
    const freeBytes = this.freeBytes();
    return {
      freeBytes,
      uploadFloorBytes: this.floors.uploadFloorBytes,
      writeFloorBytes: this.floors.writeFloorBytes,
      uploadsAllowed: freeBytes >= this.floors.uploadFloorBytes,
      writesAllowed: freeBytes >= this.floors.writeFloorBytes,
    };
  }
}
