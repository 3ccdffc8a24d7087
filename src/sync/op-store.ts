/**
 * What sync needs from the op log, and nothing more. The link (sync/link.ts) never touches
 * SQL for ops: it asks this interface for the box's version vector, for the ops a peer lacks,
 * and hands it the ops a peer sent. Behind it sits the op log's own code (the foreign-op path
 * of `Committer.receive`, the hash chain, the paged reader in src/store/op-log.ts).
 *
 * Version vector: `{origin: highest contiguous seq}`. Seqs are dense per origin and a box
 * applies an origin's ops only in seq order with no holes, so one number per origin says all
 * that a box holds of it. It is the only replication checkpoint: nothing else is saved.
 *
 * Hash chain: an op's hash covers its content and the hash of the previous op of the same
 * origin (`chainHash(prevHash, op)`, prevHash null for seq 1). A signature over the head of
 * a chain therefore vouches for every op below it. Hashes never travel: the receiver
 * recomputes them from the ops and checks them against a signed head (sync/head-signatures.ts).
 */
import type { OpHead } from '../store/op-chain.js';

export type Vector = Record<string, number>;

/** An op as it travels: everything but the hash, the body as its exact stored text. */
export interface WireOp extends OpHead {
  readonly bodyText: string;
}

/** A received op with the hash the receiver computed for it. */
export interface VerifiedOp extends WireOp {
  readonly hash: string;
}

export interface Fork {
  readonly origin: string;
  readonly seq: number;
  readonly heldHash: string;
  readonly receivedHash: string;
}

export interface ReceiveResult {
  readonly applied: number;
  readonly skipped: number;
  readonly forks: readonly Fork[];
}

export interface OpStore {
  /** `{origin: highest contiguous seq}` of every origin this box holds. */
  vector(): Vector;
  /** Up to `limit` ops this box holds and `peer` lacks, in this box's feed order (causal). */
  opsFor(peer: Vector, limit: number, except: ReadonlySet<string>): WireOp[];
  /** The stored hash of (origin, seq), or undefined when not held. */
  hashAt(origin: string, seq: number): string | undefined;
  /** Throws when the body fails its kind's schema (or the kind is unknown): a bad frame. */
  checkBody(op: WireOp): void;
  chainHash(prevHash: string | null, op: WireOp): string;
  /** Keeps a received op whose hash differs from the one held at its (origin, seq): a fork, never applied. */
  quarantine(op: VerifiedOp): void;
  /** Applies ops written elsewhere in one transaction, skipping those held, then publishes them. */
  receive(ops: readonly VerifiedOp[]): Promise<ReceiveResult>;
  /** Calls back after every commit (local or received), so live links can push. */
  onChange(listener: () => void): void;
}

/** How many ops of `theirs` the holder of `mine` lacks. */
export const opsLacking = (mine: Vector, theirs: Vector): number =>
  Object.entries(mine).reduce((total, [origin, seq]) => total + Math.max(0, seq - (theirs[origin] ?? 0)), 0);
