/**
 * Who vouches for an origin's ops (docs/PROTOCOL.md "Integrity"). Boxes relay each other's
 * ops, so a box receives most ops from a box that did not write them. Two signatures by the
 * origin's node key (Ed25519) make a relay unable to alter or invent them:
 *
 * - The origin record binds an origin to a node key: the key signs "this origin is mine".
 *   Origins are random ids made when a database is created or restored (possibly before the
 *   box has a key, by `hail restore`), so an origin cannot be derived from the key; a signed
 *   record is the binding instead. A box keeps the first record it verifies for an origin and
 *   refuses any later one naming another key (a relay cannot take over a known origin). A
 *   box that meets an origin first through a relay trusts that relay for the binding once; the
 *   fleet's boxes are paired by one organisation's administrators, and the record, once held,
 *   is forwarded unchanged, so every box of the fleet ends up bound to the same key.
 * - A signed head is the key's signature over (origin, seq, hash of that op). The hash chains
 *   (sync/op-store.ts), so the signature vouches for every op of the origin up to seq. The
 *   writing box signs the last op of its own origin in each frame it sends; every box keeps
 *   enough of the signed heads it verified (one table, one head per HEAD_SPACING seqs) and
 *   forwards them with the ops they cover.
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { sql, type Db } from '../store/database.js';
import type { OriginRecordTuple } from './messages.js';

// The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key is the 32 bytes after it.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export const rawPublicKey = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' }).subarray(ED25519_SPKI_PREFIX.length);

const keyFromRaw = (raw: Uint8Array): KeyObject =>
  createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });

const originStatement = (origin: string) => Buffer.from(`hail origin v1\0${origin}`);
const headStatement = (origin: string, seq: number, hash: string) => Buffer.from(`hail head v1\0${origin}\0${seq}\0${hash}`);

export function signOriginRecord(origin: string, privateKey: KeyObject, publicKey: KeyObject): OriginRecordTuple {
  return [origin, rawPublicKey(publicKey), sign(null, originStatement(origin), privateKey)];
}

export const signHead = (origin: string, seq: number, hash: string, privateKey: KeyObject): Buffer =>
  sign(null, headStatement(origin, seq, hash), privateKey);

export class IntegrityError extends Error {}

/** Seqs of an origin per signed head kept (`keepHeads`). */
export const HEAD_SPACING = 256;

/** The node keys of origins, and the signed heads held to forward: both in the database. */
export class OriginKeys {
  private readonly keys = new Map<string, KeyObject>();

  constructor(private readonly db: Db) {}

  /** The record this box holds for an origin, to forward. */
  record(origin: string): OriginRecordTuple | undefined {
    const row = sql<[string], { node_key: Buffer; signature: Buffer }>(
      this.db,
      'SELECT node_key, signature FROM sync_origins WHERE origin = ?',
    ).get(origin);
    return row ? [origin, row.node_key, row.signature] : undefined;
  }

  /** Whether this box holds a record for the origin naming another key. */
  boundElsewhere([origin, nodeKey]: OriginRecordTuple): boolean {
    const held = this.record(origin);
    return held !== undefined && Buffer.compare(Buffer.from(held[1]), Buffer.from(nodeKey)) !== 0;
  }

  /** Verifies and keeps a record; throws IntegrityError for a bad signature or another key than the one held. */
  accept([origin, nodeKey, signature]: OriginRecordTuple): void {
    const held = this.record(origin);
    if (held) {
      if (Buffer.compare(Buffer.from(held[1]), Buffer.from(nodeKey)) !== 0)
        throw new IntegrityError(`origin ${origin} is bound to another node key here`);
      return;
    }
    let key: KeyObject;
    try {
      key = keyFromRaw(nodeKey);
    } catch {
      throw new IntegrityError(`origin ${origin}: not an Ed25519 key`);
    }
    if (!verify(null, originStatement(origin), key, signature))
      throw new IntegrityError(`origin ${origin}: the record's signature does not verify`);
    sql(this.db, 'INSERT INTO sync_origins (origin, node_key, signature) VALUES (?, ?, ?)').run(
      origin,
      Buffer.from(nodeKey),
      Buffer.from(signature),
    );
  }

  /** Whether `signature` is the origin's key's signature of (origin, seq, hash); false for an origin with no record. */
  verifiesHead(origin: string, seq: number, hash: string, signature: Uint8Array): boolean {
    let key = this.keys.get(origin);
    if (!key) {
      const record = this.record(origin);
      if (!record) return false;
      this.keys.set(origin, (key = keyFromRaw(record[1])));
    }
    return verify(null, headStatement(origin, seq, hash), key, signature);
  }

  /**
   * Keeps verified heads to forward, at most one per HEAD_SPACING seqs of an origin: the highest
   * of its span. A head arrives with nearly every frame (one per op, live), and a relay needs
   * only enough of them that no range it sends waits long for one: between two kept heads lie
   * fewer than 2 * HEAD_SPACING ops, far below what a receiver lets wait (sync/intake.ts). The
   * highest head held is always kept, so everything held stays provable.
   */
  keepHeads(heads: readonly { origin: string; seq: number; signature: Uint8Array }[]): void {
    const insert = sql(this.db, 'INSERT OR IGNORE INTO sync_signed_heads (origin, seq, signature) VALUES (?, ?, ?)');
    const prune = sql(
      this.db,
      `DELETE FROM sync_signed_heads WHERE origin = @origin AND seq BETWEEN @first AND @last
         AND seq < (SELECT max(seq) FROM sync_signed_heads WHERE origin = @origin AND seq BETWEEN @first AND @last)`,
    );
    this.db.transaction(() => {
      for (const head of heads) {
        insert.run(head.origin, head.seq, Buffer.from(head.signature));
        const first = Math.floor((head.seq - 1) / HEAD_SPACING) * HEAD_SPACING + 1;
        prune.run({ origin: head.origin, first, last: first + HEAD_SPACING - 1 });
      }
    })();
  }

  /** Signed heads held for `origin` with seq in [from, through], to forward with those ops. */
  headsBetween(origin: string, from: number, through: number): { seq: number; signature: Buffer }[] {
    return sql<[string, number, number], { seq: number; signature: Buffer }>(
      this.db,
      'SELECT seq, signature FROM sync_signed_heads WHERE origin = ? AND seq BETWEEN ? AND ? ORDER BY seq',
    ).all(origin, from, through);
  }
}
