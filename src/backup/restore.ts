/**
 * `hail restore FILE --data-dir D`: a backup archive (archive.ts) becomes a new box.
 *
 * - Only into an empty or absent directory: restoring over a box would mix two histories.
 * - Every blob is checked against its name (SHA-256) and the database with
 *   `PRAGMA integrity_check`; a damaged archive is refused whole, and the directory is left
 *   empty again, never half-restored. With `skipDamaged`, files that fail their hash (or that
 *   a cut-short archive lacks) are left out and everything else restored; the database must
 *   still be whole. Either way the summary lists, by name, every file the posts refer to that
 *   the restored box does not hold.
 * - The database gets a new origin (docs/DESIGN.md "The op log"): the box it came from may still be
 *   running, and two boxes must never write the same (origin, seq).
 * - Sessions, bot tokens and password-reset links are dropped: people log in again, and an
 *   archive that went astray opens no session.
 * - The archive holds no node key: the restored box makes its own on first start, and its peers
 *   pair with it as the new box it is. It keeps the box's CA, if the archive has one, so phones
 *   that trusted the old box trust the new one; the server certificate is issued anew at start.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { extract as tarExtract, type Entry } from 'tar-stream';
import { ApiError } from '../core/errors.js';
import { newOrigin } from '../core/ids.js';
import { validate } from '../core/validate.js';
import { BlobStore } from '../files/blob-store.js';
import { syncDirectory, writeDurably } from '../files/durable-write.js';
import { databaseFile, openDatabase, setMeta, sql, type Db } from '../store/database.js';
import { referencedBlobs, fileNameOf } from '../store/uploads.js';
import { localCaFiles } from '../tls/local-ca.js';
import {
  BLOB_ENTRY,
  CA_CERT_ENTRY,
  CA_KEY_ENTRY,
  DAMAGED_ENTRY,
  DATABASE_ENTRY,
  MANIFEST_ENTRY,
  ManifestSchema,
  type DamagedFile,
  type Manifest,
} from './archive.js';

export interface RestoreSummary {
  readonly manifest: Manifest;
  readonly origin: string;
  readonly files: number;
  /** Files the posts refer to that the restored box does not hold. */
  readonly lost: DamagedFile[];
}

export interface RestoreOptions {
  /** Restore everything else when some files are damaged or missing, rather than nothing. */
  readonly skipDamaged?: boolean;
}

const damaged = (what: string) => new ApiError(400, 'backup_damaged', `The backup cannot be restored: ${what}. Nothing was restored.`);

export async function restoreBackup(archive: string, dataDir: string, options: RestoreOptions = {}): Promise<RestoreSummary> {
  if (!existsSync(archive)) throw new ApiError(400, 'backup_missing', `There is no backup file at ${archive}.`);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new ApiError(
      400,
      'data_dir_not_empty',
      `${dataDir} is not empty; restore only into an empty or new directory, so no box's data is overwritten.`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  try {
    const { manifest, files } = await unpack(archive, dataDir, options.skipDamaged ?? false);
    const box = makeNewBox(dataDir);
    // The restored files' names live in the directories' entries: keep them through a power cut.
    for (const dir of [dataDir, localCaFiles(dataDir).dir]) if (existsSync(dir)) syncDirectory(dir);
    return { manifest, files, ...box };
  } catch (error) {
    for (const name of readdirSync(dataDir)) rmSync(join(dataDir, name), { recursive: true, force: true });
    throw error;
  }
}

const SKIP_HINT = 'run hail restore again with --skip-damaged to restore everything else and list what is lost';

async function unpack(archive: string, dataDir: string, skipDamaged: boolean): Promise<{ manifest: Manifest; files: number }> {
  const blobs = new BlobStore(join(dataDir, 'files'));
  const entries = tarExtract();
  const input = createReadStream(archive);
  input.once('error', (error) => entries.destroy(error));
  input.pipe(entries);
  let manifest: Manifest | undefined;
  let hasDatabase = false;
  let files = 0;
  const ca: { cert?: Buffer; key?: Buffer } = {};
  try {
    for await (const entry of entries) {
      const { name, type } = entry.header;
      if (type !== 'file') throw damaged(`it holds ${name}, which is not a file`);
      if (!manifest) {
        if (name !== MANIFEST_ENTRY) throw damaged('it is not a Hail backup');
        manifest = readManifest(await collect(entry));
      } else if (name === DATABASE_ENTRY && !hasDatabase) {
        await writeDurably(databaseFile(dataDir), entry);
        hasDatabase = true;
      } else if ((name === CA_CERT_ENTRY || name === CA_KEY_ENTRY) && hasDatabase) {
        ca[name === CA_CERT_ENTRY ? 'cert' : 'key'] = await collect(entry);
      } else if (name === DAMAGED_ENTRY) {
        // Files the backup already found damaged and left out: the summary lists them as lost.
        await collect(entry);
      } else {
        const hash = BLOB_ENTRY.exec(name)?.[2];
        if (!hash) throw damaged(`it holds an unexpected entry, ${name}`);
        if (await restoreBlob(blobs, hash, entry)) files++;
        else if (!skipDamaged) throw damaged(`the file ${hash} does not match its hash; ${SKIP_HINT}`);
      }
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // Once the database is whole, a cut-short archive has lost files only.
    if (!(skipDamaged && hasDatabase))
      throw damaged(`the archive is unreadable or cut short (${(error as Error).message})${hasDatabase ? `; ${SKIP_HINT}` : ''}`);
  } finally {
    input.destroy();
  }
  if (!manifest || !hasDatabase) throw damaged('it holds no database');
  if (ca.cert || ca.key) await restoreCa(dataDir, ca);
  return { manifest, files };
}

/** The box's CA, both halves and matching, or the restore is refused: phones trust that pair. */
async function restoreCa(dataDir: string, ca: { cert?: Buffer; key?: Buffer }): Promise<void> {
  try {
    if (!new X509Certificate(ca.cert!).checkPrivateKey(createPrivateKey(ca.key!))) throw new Error("the key is not the certificate's");
  } catch (error) {
    throw damaged(`its certificate authority is unusable (${(error as Error).message})`);
  }
  const files = localCaFiles(dataDir);
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  for (const [path, bytes] of [
    [files.caKey, ca.key!],
    [files.caCert, ca.cert!],
  ] as const) {
    await writeDurably(
      path,
      (async function* () {
        yield bytes;
      })(),
    );
  }
}

function readManifest(bytes: Buffer): Manifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw damaged('its description is not JSON');
  }
  return validate(ManifestSchema, parsed, 'manifest');
}

async function collect(entry: Entry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of entry) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Whether the entry's bytes matched their name and were kept. */
async function restoreBlob(blobs: BlobStore, hash: string, entry: Entry): Promise<boolean> {
  const blob = await blobs.create();
  try {
    for await (const chunk of entry) await blob.write(chunk);
    if (blob.hash() !== hash) return false;
    await blob.keep();
    return true;
  } finally {
    await blob.discard();
  }
}

/** Opening also brings a backup made by an older Hail up to this one's schema. */
function openRestored(file: string): Db {
  try {
    return openDatabase(file);
  } catch (error) {
    throw damaged(`its database cannot be opened (${(error as Error).message})`);
  }
}

/** Checks the database, and makes it a new box's: a new origin, no sessions. Returns the origin and the files it lacks. */
function makeNewBox(dataDir: string): { origin: string; lost: DamagedFile[] } {
  const db = openRestored(databaseFile(dataDir));
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw damaged(`its database fails the integrity check (${String(integrity)})`);
    const origin = newOrigin();
    db.transaction(() => {
      setMeta(db, 'origin', origin);
      sql(db, 'DELETE FROM sessions').run();
      sql(db, 'DELETE FROM password_resets').run();
    })();
    const blobs = new BlobStore(join(dataDir, 'files'));
    const lost = referencedBlobs(db)
      .filter((hash) => !existsSync(blobs.path(hash)))
      .map((hash) => ({ hash, name: fileNameOf(db, hash) }));
    return { origin, lost };
  } finally {
    db.close();
  }
}
