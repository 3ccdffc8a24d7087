/**
 * The one write path (docs/DESIGN.md principle 1). A command is a list of op drafts made by one
 * author; `commit` checks each body against its kind's schema at once, then queues the
 * command. All commands queued within one event-loop turn are written in ONE SQLite
 * transaction (group commit: one fsync for the lot). Inside it, each command runs op by op:
 * authorize against the current state, take the next `seq` of this origin and a tick of the
 * hybrid clock, apply to the state tables, append to the op log and the local feed. A command
 * that fails rolls back alone; the others still commit. Only after the transaction is durable
 * are the ops published and the callers answered, so an acknowledged op survives a crash, and
 * nothing is published that a crash could undo.
 *
 * Rolling back alone: a command that fails before its first write (authorize refused it, the
 * usual case) has nothing to undo. One that fails after writing part of its ops undoes the
 * whole transaction, which is then written again with each command in its own savepoint.
 * Savepoints are not used every time because they are costly here: FTS5 writes its pending
 * index data out at every savepoint, so a savepoint per command made one search index segment
 * per post (measured: about 25 µs a post, with the merges and page writes that follow).
 *
 * A command's ops commit together or not at all; an op never straddles two transactions.
 *
 * The server is not the only writer: `hail invite create` and `hail admin reset-password`
 * commit through a Committer of their own on the same database, with the same origin. So
 * nothing about the log is cached between batches. Each batch takes SQLite's write lock first
 * (BEGIN IMMEDIATE, waiting up to the busy timeout), then reads the origin's last seq and the
 * persisted clock under it, and picks up the feed entries another process wrote since the last
 * batch so that they are published too, in feed order: no `(origin, seq)` is taken twice and
 * no live socket skips an op.
 *
 * Ops written on another box (sync) come in through `receive`, in the same queue and
 * the same transactions, so there is still one writer. They keep their origin, seq, hlc,
 * author and hash; each gets a local feed_seq and is published like a local op. A batch of them
 * runs in a savepoint of its own: it is taken whole or (a broken hash chain) not at all. See
 * `receive` for what is skipped, kept aside or refused, and core/op.ts for why no permission
 * is checked.
 */
import type Database from 'better-sqlite3';
import { getMeta, setMeta, type Db } from '../store/database.js';
import { bodyDigest, isPurged, opHash } from '../store/op-chain.js';
import {
  appendOp,
  appendToFeed,
  chainEnd,
  feedAfter,
  heldHash,
  lastFeedSeq,
  quarantine,
  recordUnapplied,
  type LoggedEntry,
} from '../store/op-log.js';
import { ApiError, badRequest } from './errors.js';
import { checkForeignOp, ForeignOpError, type CheckedForeignOp } from './foreign-op.js';
import { decodeHlc, encodeHlc, hlcMillis, MAX_OBSERVED_LEAD_MS, type HybridClock } from './hlc.js';
import { purgeableFields, type Grant, type Op, type OpDraft } from './op.js';
import { OP_KINDS } from './ops/index.js';
import { purgeObsoleted } from './purge.js';
import { findUser } from './permissions.js';
import { validate } from './validate.js';

export interface Command {
  readonly author: string | null;
  readonly grant?: Grant;
  readonly ops: readonly OpDraft[];
}

/** An op as it entered this box's local feed, with the realtime topics that may see it. */
export type FeedEntry = LoggedEntry;

export type CommitListener = (entries: readonly FeedEntry[]) => void;

/** What became of a batch of ops written on another box. */
export interface ReceiveResult {
  /** The ops appended to the log, in order, each with its local feed position. */
  readonly entries: readonly FeedEntry[];
  /** Ops already held with the same hash: skipped. */
  readonly duplicates: number;
  /**
   * Ops named like one held but with another hash: kept in quarantine, not applied. The
   * batch's later ops of the same origin are not taken either.
   */
  readonly forks: readonly Fork[];
  /**
   * Origins whose next op in the batch is not the next seq this box lacks (taking it would leave
   * a hole), or that name this box's own origin: not taken from that op on.
   */
  readonly refused: readonly Refusal[];
}

export interface Fork {
  readonly origin: string;
  readonly seq: number;
  readonly heldHash: string;
  readonly receivedHash: string;
}

export interface Refusal {
  readonly origin: string;
  readonly seq: number;
  /** The highest seq of that origin held here. */
  readonly held: number;
  readonly reason: 'gap' | 'own_origin';
}

interface Pending {
  /** Makes the job's writes inside the batch's transaction; returns the feed entries it made. */
  readonly write: (isolated: boolean) => FeedEntry[];
  /** Answers the caller, once the batch is durable. */
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  entries?: FeedEntry[];
  error?: unknown;
}

/** A command failed after writing, outside a savepoint: the batch must be written again, isolated. */
class HalfWritten extends Error {}

export class Committer {
  private queue: Pending[] = [];
  private nextSeq = 0;
  /** The hash of this origin's last op: the next one chains from it. */
  private previousHash = '';
  private lastFeedSeq: number;
  private readonly listeners: CommitListener[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  // Made once: better-sqlite3 builds a new wrapper (with its properties) on every transaction() call.
  private readonly writeBatch: Database.Transaction<(batch: Pending[], isolated: boolean) => FeedEntry[]>;
  private readonly runInSavepoint: Database.Transaction<(command: Command, digests: readonly string[]) => FeedEntry[]>;
  private readonly receiveInSavepoint: Database.Transaction<(ops: readonly CheckedForeignOp[]) => ReceiveResult>;

  constructor(
    private readonly db: Db,
    private readonly origin: string,
    private readonly clock: HybridClock,
    private readonly now: () => number,
    private readonly onListenerError: (error: unknown) => void,
  ) {
    this.lastFeedSeq = lastFeedSeq(db);
    this.writeBatch = db.transaction((batch: Pending[], isolated: boolean) => this.write(batch, isolated));
    this.runInSavepoint = db.transaction((command: Command, digests: readonly string[]) => this.run(command, digests));
    this.receiveInSavepoint = db.transaction((ops: readonly CheckedForeignOp[]) => this.take(ops));
  }

  /** Called with every batch of feed entries once it is durable, in feed order. */
  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /** Resolves with the ops applied (none when every op was an idempotent repeat). */
  commit(command: Command): Promise<FeedEntry[]> {
    const digests = command.ops.map((draft) => {
      const kind = OP_KINDS.get(draft.type);
      if (!kind) throw new Error(`unknown op type ${draft.type}`);
      validate(kind.body, draft.body, 'body');
      // Only ops written elsewhere and purged since arrive with a field purged.
      const body = draft.body as Record<string, unknown>;
      if (purgeableFields(kind).some((field) => isPurged(body[field]))) throw badRequest('invalid_body', 'A new op has no purged field.');
      try {
        return bodyDigest(draft.body);
      } catch {
        // JSON.parse lets a lone UTF-16 surrogate through; it has no canonical form to hash.
        throw badRequest('invalid_text', 'The text is not valid Unicode.');
      }
    });
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        write: (isolated) => (isolated ? this.runInSavepoint(command, digests) : this.run(command, digests)),
        resolve: () => resolve(pending.entries!),
        reject,
      };
      this.enqueue(pending);
    });
  }

  /**
   * Takes ops written on another box, in the order given (the sender's feed order, which is
   * causal), in one transaction. Each op's schema is checked at once (leniently: core/
   * foreign-op.ts); a malformed op throws ForeignOpError and nothing is queued. Then, in the
   * transaction, per op: one already held with the same hash is skipped; one held with another
   * hash is a fork, quarantined and reported; one that is not the next seq of its origin is
   * refused (no holes); otherwise its hash must chain from the op before it, or the whole batch
   * is rolled back and the promise rejects with ForeignOpError `hash_mismatch`. A taken op pulls
   * the clock forward (bounded: core/hlc.ts), is marked clock-suspect when stamped more than
   * MAX_OBSERVED_LEAD_MS ahead of this box's now, is applied through its kind without any
   * permission check, purges what it makes obsolete, and is appended even when it changes
   * nothing. An op of a type this version does not know is appended and relayed, not applied.
   */
  receive(ops: readonly Op[]): Promise<ReceiveResult> {
    const checked = ops.map(checkForeignOp);
    return new Promise((resolve, reject) => {
      let result: ReceiveResult | undefined;
      const pending: Pending = {
        write: () => (result = this.receiveInSavepoint(checked)).entries as FeedEntry[],
        resolve: () => resolve(result!),
        reject,
      };
      this.enqueue(pending);
    });
  }

  private enqueue(pending: Pending): void {
    if (this.queue.length === 0) this.inFlight = new Promise((done) => setImmediate(() => done(this.flush())));
    this.queue.push(pending);
  }

  /** Resolves once everything queued so far has been written (for shutdown). */
  drain(): Promise<void> {
    return this.inFlight;
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    let fromOtherWriters: FeedEntry[];
    try {
      try {
        fromOtherWriters = this.writeBatch.immediate(batch, false);
      } catch (error) {
        if (!(error instanceof HalfWritten)) throw error;
        fromOtherWriters = this.writeBatch.immediate(batch, true);
      }
    } catch (error) {
      // The transaction itself failed (disk full, I/O error, the lock held too long): nothing in the batch is durable.
      const failure = new ApiError(503, 'storage_unavailable', 'The server could not save this. Try again shortly.');
      for (const pending of batch) pending.reject(failure);
      this.onListenerError(error);
      return;
    }
    const entries = [...fromOtherWriters, ...batch.flatMap((pending) => pending.entries ?? [])];
    if (entries.length > 0) {
      this.lastFeedSeq = entries[entries.length - 1]!.feedSeq;
      for (const listener of this.listeners) {
        try {
          listener(entries);
        } catch (error) {
          this.onListenerError(error);
        }
      }
    }
    for (const pending of batch) {
      if (pending.entries) pending.resolve();
      else pending.reject(pending.error);
    }
  }

  /**
   * The batch's transaction: returns the feed entries another process wrote since the last
   * batch. `isolated` runs each command in a savepoint; otherwise a command that fails after
   * writing throws HalfWritten, which rolls the transaction back.
   */
  private write(batch: readonly Pending[], isolated: boolean): FeedEntry[] {
    const end = chainEnd(this.db, this.origin);
    this.nextSeq = end.seq + 1;
    this.previousHash = end.hash;
    const persisted = getMeta(this.db, 'hlc');
    if (persisted !== undefined && persisted > encodeHlc(this.clock.current)) this.clock.resume(decodeHlc(persisted));
    const fromOtherWriters = feedAfter(this.db, this.lastFeedSeq, -1);
    for (const pending of batch) {
      const mark = this.nextSeq;
      const markHash = this.previousHash;
      pending.entries = undefined;
      try {
        pending.entries = pending.write(isolated);
      } catch (error) {
        // Every write of an op comes after it takes its seq, so an unmoved seq means nothing was written.
        if (!isolated && this.nextSeq !== mark) throw new HalfWritten();
        this.nextSeq = mark;
        this.previousHash = markHash;
        pending.error = error;
      }
    }
    setMeta(this.db, 'hlc', encodeHlc(this.clock.current));
    return fromOtherWriters;
  }

  private run(command: Command, digests: readonly string[]): FeedEntry[] {
    const entries: FeedEntry[] = [];
    for (const [index, draft] of command.ops.entries()) {
      const kind = OP_KINDS.get(draft.type)!;
      const actor = command.author === null ? undefined : findUser(this.db, command.author);
      const context = { db: this.db, actor, grant: command.grant, entity: draft.entity, body: draft.body as never, now: this.now() };
      kind.authorize(context);
      if (kind.unchanged?.(context)) continue;
      const head = {
        origin: this.origin,
        seq: this.nextSeq++,
        hlc: encodeHlc(this.clock.tick()),
        author: command.author,
        type: draft.type,
        entity: draft.entity,
      };
      const digest = digests[index]!;
      const op: Op = { ...head, body: draft.body, hash: opHash(head, digest, this.previousHash) };
      this.previousHash = op.hash;
      kind.apply(this.db, op);
      const logged = purgeObsoleted(this.db, kind, op);
      appendOp(this.db, logged, digest);
      const topics = kind.audience(this.db, op);
      entries.push({ feedSeq: appendToFeed(this.db, op, topics), op: logged, topics });
    }
    return entries;
  }

  /** The foreign ops of one `receive`, inside its savepoint. */
  private take(ops: readonly CheckedForeignOp[]): ReceiveResult {
    const entries: FeedEntry[] = [];
    const forks: Fork[] = [];
    const refused: Refusal[] = [];
    let duplicates = 0;
    const ends = new Map<string, { seq: number; hash: string }>();
    const stopped = new Set<string>();
    for (const { op, kind, digest } of ops) {
      if (stopped.has(op.origin)) continue;
      const end = ends.get(op.origin) ?? chainEnd(this.db, op.origin);
      if (op.seq <= end.seq) {
        const held = heldHash(this.db, op.origin, op.seq)!;
        if (held === op.hash) {
          duplicates++;
          continue;
        }
        quarantine(this.db, op, this.now());
        forks.push({ origin: op.origin, seq: op.seq, heldHash: held, receivedHash: op.hash });
        stopped.add(op.origin);
        continue;
      }
      if (op.origin === this.origin || op.seq > end.seq + 1) {
        refused.push({ origin: op.origin, seq: op.seq, held: end.seq, reason: op.origin === this.origin ? 'own_origin' : 'gap' });
        stopped.add(op.origin);
        continue;
      }
      if (opHash(op, digest, end.hash) !== op.hash) {
        const why = 'its hash does not chain from the op before it, or its content was changed';
        throw new ForeignOpError('hash_mismatch', op, `op ${op.origin}/${op.seq}: ${why}`);
      }
      this.clock.observe(decodeHlc(op.hlc));
      const clockSuspect = hlcMillis(op.hlc) > this.now() + MAX_OBSERVED_LEAD_MS;
      let logged = op;
      let topics: string[] = [];
      if (kind) {
        kind.apply(this.db, op);
        logged = purgeObsoleted(this.db, kind, op);
        topics = kind.audience(this.db, op);
      } else {
        recordUnapplied(this.db, op);
      }
      appendOp(this.db, logged, digest, clockSuspect);
      entries.push({ feedSeq: appendToFeed(this.db, op, topics), op: logged, topics });
      ends.set(op.origin, { seq: op.seq, hash: op.hash });
    }
    return { entries, duplicates, forks, refused };
  }
}
