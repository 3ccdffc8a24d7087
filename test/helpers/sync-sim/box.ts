/**
 * One simulated box: a real database in its own data directory, opened with openWriter like the
 * server opens it, with its own wall clock (the fleet's simulated time plus this box's skew),
 * and a restart that closes the database and opens it again from disk. Its origin is derived
 * from the seed, so a replayed seed breaks LWW ties the same way.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWriter, type Writer } from '../../../src/core/writer.js';
import { databaseFile, openDatabase, setMeta } from '../../../src/store/database.js';

/** tmpfs when there is one: the databases keep synchronous=FULL, and fsyncs on a loaded disk would dominate. */
const scratch = (): string => process.env.HAIL_SIM_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());

export class SimBox {
  writer: Writer;
  readonly dataDir: string;
  /** Errors the Committer reported; those of a deliberate crash are expected and not kept. */
  readonly errors: unknown[] = [];
  private crashing = false;

  constructor(
    readonly index: number,
    origin: string,
    /** This box's wall clock: simulated fleet time shifted by its skew. */
    readonly now: () => number,
  ) {
    this.dataDir = mkdtempSync(join(scratch(), 'hail-sim-'));
    const db = openDatabase(databaseFile(this.dataDir));
    setMeta(db, 'origin', origin);
    db.close();
    this.writer = this.open();
  }

  get db() {
    return this.writer.db;
  }

  get committer() {
    return this.writer.committer;
  }

  get origin(): string {
    return this.writer.identity.origin;
  }

  private open(): Writer {
    return openWriter(this.dataDir, this.now, (error) => {
      if (!this.crashing) this.errors.push(error);
    });
  }

  /** Power cut: whatever the Committer has queued and not written is lost; the database is opened again from disk. */
  restart(): void {
    this.crashing = true;
    this.writer.db.close();
    this.writer = this.open();
  }

  /** After a crash's rejected promises have settled, errors count again. */
  settled(): void {
    this.crashing = false;
  }

  dispose(): void {
    if (this.writer.db.open) this.writer.db.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
