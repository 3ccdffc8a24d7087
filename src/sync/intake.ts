/**
 * The receiving half of a link, before anything is applied: turns an ops frame into the ops
 * that may be applied now, in the sender's order, and proves each of them first.
 *
 * For every op the receiver recomputes its hash along the origin's chain (from the last op it
 * holds, or from the previous op in the same stream), and compares it with the hash of an op
 * it already holds at that (origin, seq): a difference is a fork. The frame's signed heads are
 * checked against those recomputed hashes with the origin's key (sync/head-signatures.ts). An
 * op is applied once a verified head at or above its seq covers it. Ops past the last verified
 * head of their origin wait (`pending`) for a later frame's head, and so does everything
 * after the first waiting op, so that the order the sender gave (its feed order, which is
 * causal) is kept. A relay only holds ops it verified, and it forwards the heads it kept, so a
 * head always follows; the waiting list is bounded anyway.
 *
 * Whatever is wrong with a frame (its shape, a body failing its kind's schema, a hole in a
 * chain, a signature that does not verify) throws before anything is applied: the link
 * closes and the frame is lost as a whole. A fork is not an error of the frame: the other copy
 * is kept in the op log's quarantine (the same one `Committer.receive` keeps its forks in),
 * that origin is no longer taken from that peer (table sync_forked_origins), and the rest goes on.
 */
import { sql, type Db } from '../store/database.js';
import { IntegrityError, type OriginKeys } from './head-signatures.js';
import { ProtocolError, unpackOps, type OpsFrame } from './messages.js';
import type { Fork, OpStore, VerifiedOp, Vector, WireOp } from './op-store.js';

const MAX_PENDING = 50_000;

export interface Intake {
  readonly ready: VerifiedOp[];
  readonly heads: { origin: string; seq: number; signature: Uint8Array }[];
  readonly forks: Fork[];
}

export class IntakeQueue {
  private pending: WireOp[] = [];
  private readonly forked: Set<string>;

  constructor(
    private readonly db: Db,
    private readonly store: OpStore,
    private readonly keys: OriginKeys,
    private readonly peer: string,
    private readonly now: () => number,
  ) {
    this.forked = new Set(
      sql<[string], { origin: string }>(db, 'SELECT origin FROM sync_forked_origins WHERE peer = ?')
        .all(peer)
        .map((row) => row.origin),
    );
  }

  /** Origins this box no longer takes from this peer, because of a fork. */
  get forkedOrigins(): string[] {
    return [...this.forked];
  }

  take(frame: OpsFrame): Intake {
    const ops = unpackOps(frame);
    for (const op of ops) {
      try {
        this.store.checkBody(op);
      } catch (error) {
        throw new ProtocolError(`op ${op.origin}:${op.seq} (${op.type}): ${(error as Error).message}`);
      }
    }
    const forks: Fork[] = [];
    for (const record of frame.records) {
      if (this.forked.has(record[0])) continue;
      // Another key writing a known origin: a database copied to another box, which then wrote
      // on its own. A fork of the whole origin: quarantined from this peer, the link goes on.
      if (this.keys.boundElsewhere(record)) {
        this.stopTaking(record[0], 0);
        forks.push({ origin: record[0], seq: 0, heldHash: '', receivedHash: '' });
      } else this.keys.accept(record);
    }

    const queue = [...this.pending, ...ops];
    const hashes = new Map<string, Map<number, string>>();
    const hashed: { op: WireOp; hash: string }[] = [];
    for (const op of queue) {
      if (this.forked.has(op.origin)) continue;
      let chain = hashes.get(op.origin);
      if (!chain) hashes.set(op.origin, (chain = new Map()));
      const prev = op.seq === 1 ? null : (chain.get(op.seq - 1) ?? this.store.hashAt(op.origin, op.seq - 1));
      if (prev === undefined) throw new ProtocolError(`ops of origin ${op.origin} resume at seq ${op.seq}, past what this box holds`);
      const hash = this.store.chainHash(prev, op);
      const held = this.store.hashAt(op.origin, op.seq);
      if (held !== undefined && held !== hash) {
        forks.push({ origin: op.origin, seq: op.seq, heldHash: held, receivedHash: hash });
        this.quarantine(op, hash);
        continue;
      }
      chain.set(op.seq, hash);
      hashed.push({ op, hash });
    }

    const verifiedThrough = new Map<string, number>();
    const heads: Intake['heads'] = [];
    for (const [at, seq, signature] of frame.heads) {
      const origin = frame.o[at];
      if (origin === undefined) throw new ProtocolError(`a head names origin #${at} of ${frame.o.length}`);
      if (this.forked.has(origin)) continue;
      const hash = hashes.get(origin)?.get(seq) ?? this.store.hashAt(origin, seq);
      if (hash === undefined) throw new ProtocolError(`a head of origin ${origin} at seq ${seq} names an op neither sent nor held`);
      if (!this.keys.verifiesHead(origin, seq, hash, signature))
        throw new IntegrityError(`the head of origin ${origin} at seq ${seq} is not signed by its node key`);
      if (seq > (verifiedThrough.get(origin) ?? 0)) verifiedThrough.set(origin, seq);
      heads.push({ origin, seq, signature });
    }

    const ready: VerifiedOp[] = [];
    let waiting = hashed.length;
    for (let index = 0; index < hashed.length; index++) {
      const { op, hash } = hashed[index]!;
      const covered = op.seq <= (verifiedThrough.get(op.origin) ?? 0) || this.store.hashAt(op.origin, op.seq) === hash;
      if (!covered) {
        waiting = index;
        break;
      }
      ready.push({ ...op, hash });
    }
    this.pending = hashed.slice(waiting).map(({ op }) => op);
    if (this.pending.length > MAX_PENDING) throw new ProtocolError(`more than ${MAX_PENDING} ops wait for a signed head`);
    return { ready, heads, forks };
  }

  /** Stops taking an origin from this peer, whose copy of it parts from ours at `seq` (0: from its record). */
  stopTaking(origin: string, seq: number): void {
    this.forked.add(origin);
    sql(this.db, 'INSERT OR IGNORE INTO sync_forked_origins (peer, origin, seq, found_at) VALUES (?, ?, ?, ?)').run(
      this.peer,
      origin,
      seq,
      this.now(),
    );
  }

  /** Compares the peer's head hashes (its first vector) with ours at the same seqs; returns the forks found. */
  compareHeads(vector: Vector, hashes: Readonly<Record<string, string>>): Fork[] {
    const forks: Fork[] = [];
    for (const [origin, hash] of Object.entries(hashes)) {
      const seq = vector[origin];
      if (seq === undefined || this.forked.has(origin)) continue;
      const held = this.store.hashAt(origin, seq);
      if (held === undefined || held === hash) continue;
      this.stopTaking(origin, seq);
      forks.push({ origin, seq, heldHash: held, receivedHash: hash });
    }
    return forks;
  }

  /** Keeps the peer's copy in the op log's quarantine, never applied, and stops taking the origin from this peer. */
  private quarantine(op: WireOp, hash: string): void {
    this.store.quarantine({ ...op, hash });
    this.stopTaking(op.origin, op.seq);
  }
}
