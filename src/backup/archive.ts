/**
 * A backup is one tar archive, written as a stream while the server keeps serving:
 *
 *   hail-backup.json   what this is: format, Hail version, the origin it came from, when
 *   hail.db            the database, copied with SQLite's online backup (a consistent snapshot)
 *   tls/ca.crt, tls/ca.key   the box's own CA, when it has one (`hail tls init`): a box restored on
 *                      new hardware keeps the CA its phones trust, rather than make them trust anew
 *   files/ab/<hash>    every blob whose bytes still match their hash, named as in the data directory
 *   hail-damaged.json  (only when some did not) those left out, by hash and name: restore lists them as lost
 *
 * The database is copied before the blobs are listed. A post is acknowledged only after its
 * files were durable on disk, and blobs are never changed or removed, so every file the
 * snapshot refers to is among the blobs that follow it; copying them while uploads go on can
 * only add bytes nothing refers to yet. Each blob is hashed before it is copied: a file damaged
on disk (a failing SD card) is named and left out, so a backup never carries bytes that a
restore would refuse, and the owner learns which file to ask for again.
 *
 * The node key and the setup code stay out: a restored box is a new box (see restore.ts). The
 * archive is as sensitive as the box: the whole history, password hashes and the CA's key.
 */
import { Type, type Static } from '@sinclair/typebox';
import { createReadStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { pack as tarPack, type Headers, type Pack } from 'tar-stream';
import type { BlobStore } from '../files/blob-store.js';
import type { Db } from '../store/database.js';
import { fileNameOf } from '../store/uploads.js';
import { VERSION } from '../version.js';

export const MANIFEST_ENTRY = 'hail-backup.json';
export const DATABASE_ENTRY = 'hail.db';
export const DAMAGED_ENTRY = 'hail-damaged.json';
export const CA_CERT_ENTRY = 'tls/ca.crt';
export const CA_KEY_ENTRY = 'tls/ca.key';
/** Entry names of blobs; the path a blob has in the data directory, below `files/`. */
export const BLOB_ENTRY = /^files\/([0-9a-f]{2})\/(\1[0-9a-f]{62})$/;
const blobEntry = (hash: string): string => `files/${hash.slice(0, 2)}/${hash}`;

export const ManifestSchema = Type.Object({
  format: Type.Literal(1, { errorCode: 'unknown_backup_format' }),
  hailVersion: Type.String(),
  origin: Type.String(),
  createdAt: Type.Integer(),
});
export type Manifest = Static<typeof ManifestSchema>;

export const DamagedFilesSchema = Type.Array(Type.Object({ hash: Type.String(), name: Type.String() }));
export type DamagedFile = Static<typeof DamagedFilesSchema>[number];

export interface BackupSource {
  readonly db: Db;
  readonly blobs: BlobStore;
  readonly origin: string;
  readonly now: number;
  /** Where the database copy is made before it is archived; removed afterwards. */
  readonly snapshot: string;
  /**
   * Copy the database in one step. In the server, small steps let requests run between them,
   * and its own writes reach the copy as they happen. Another process (the CLI) must copy in
   * one step: SQLite restarts a copy each time a different connection writes, which on a busy
   * box could be forever.
   */
  readonly oneStep: boolean;
  /** The box's own CA, when it has one. */
  readonly ca: { readonly cert: string; readonly key: string } | undefined;
  /** Told of each file left out because its bytes no longer match their hash. */
  readonly onDamaged?: (file: DamagedFile) => void;
}

/** The archive's bytes. The snapshot is taken when reading begins, and removed when it ends or is abandoned. */
export async function* backupArchive(source: BackupSource): AsyncGenerator<Buffer> {
  const { snapshot } = source;
  const pack = tarPack();
  try {
    await source.db.backup(snapshot, source.oneStep ? { progress: () => 0x7fffffff } : undefined);
    const filling = fill(pack, source, snapshot);
    filling.catch((error: Error) => pack.destroy(error));
    yield* pack;
    await filling;
  } finally {
    pack.destroy();
    await rm(snapshot, { force: true });
  }
}

async function fill(pack: Pack, source: BackupSource, snapshot: string): Promise<void> {
  const manifest: Manifest = { format: 1, hailVersion: VERSION, origin: source.origin, createdAt: source.now };
  const mtime = new Date(source.now);
  await addText(pack, { name: MANIFEST_ENTRY, mode: 0o600, mtime }, JSON.stringify(manifest));
  await addFile(pack, { name: DATABASE_ENTRY, size: (await stat(snapshot)).size, mode: 0o600, mtime }, snapshot);
  if (source.ca) {
    await addText(pack, { name: CA_CERT_ENTRY, mode: 0o600, mtime }, await readFile(source.ca.cert, 'utf8'));
    await addText(pack, { name: CA_KEY_ENTRY, mode: 0o600, mtime }, await readFile(source.ca.key, 'utf8'));
  }
  const damaged: DamagedFile[] = [];
  for await (const { hash, size } of source.blobs.list()) {
    if (await source.blobs.intact(hash, true)) {
      await addFile(pack, { name: blobEntry(hash), size, mode: 0o600, mtime }, source.blobs.path(hash));
    } else {
      const file = { hash, name: fileNameOf(source.db, hash) };
      damaged.push(file);
      source.onDamaged?.(file);
    }
  }
  if (damaged.length > 0) await addText(pack, { name: DAMAGED_ENTRY, mode: 0o600, mtime }, JSON.stringify(damaged));
  pack.finalize();
}

const addText = (pack: Pack, header: Headers, text: string): Promise<void> =>
  new Promise((resolve, reject) => pack.entry(header, text, (error) => (error ? reject(error) : resolve())));

function addFile(pack: Pack, header: Headers, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const file = createReadStream(path);
    const entry = pack.entry(header, (error) => {
      file.destroy();
      if (error) reject(error);
      else resolve();
    });
    file.once('error', (error) => entry.destroy(error));
    file.pipe(entry);
  });
}
