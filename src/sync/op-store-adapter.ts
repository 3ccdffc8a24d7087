/**
 * TEMPORARY ADAPTER: the OpStore (sync/op-store.ts) over today's op log, until the foreign-op
 * path of issue 11 is merged. The lead replaces this file's body with calls to the real
 * `Committer.receive`, `versionVector` and paged reader of src/store/op-log.ts, and the real
 * `chainHash`. What differs from the real thing, and why it is tolerable for now:
 *
 * - `chainHash` ignores prevHash: today's op hash (core/op.ts `opHash`) covers an op's
 *   content only. Sync's verification code walks the chain as if it linked, so it becomes
 *   complete the day the hash does; until then a signed head vouches for its own op only.
 * - `receive` writes in its own transaction on the server's database connection (synchronous,
 *   so never interleaved with a Committer batch), with no merge rules beyond each kind's
 *   `apply`; then an empty command through the Committer publishes the new feed entries to the
 *   local clients, since a batch publishes whatever entered the feed since the last one.
 * - `vector` and `opsFor` read the ops and feed tables directly.
 */
import { appendOp } from '../store/op-log.js';
import { setMeta, sql, type Db } from '../store/database.js';
import type { Committer } from '../core/commit.js';
import { decodeHlc, encodeHlc, hlcMillis, MAX_OBSERVED_LEAD_MS, type HybridClock } from '../core/hlc.js';
import { opHash, type Op } from '../core/op.js';
import { OP_KINDS } from '../core/ops/index.js';
import { validate } from '../core/validate.js';
import type { Fork, OpStore, ReceiveResult, VerifiedOp, Vector } from './op-store.js';

interface Row {
  origin: string;
  seq: number;
  hlc: string;
  author: string | null;
  type: string;
  entity: string;
  body: string;
}

export function opStoreAdapter(db: Db, committer: Committer, clock: HybridClock, now: () => number): OpStore {
  const listeners: (() => void)[] = [];
  // Seqs are dense and applied in order, so max(seq) is the highest contiguous one. Read once,
  // then kept by every commit: the Committer reports other processes' ops too.
  const held: Vector = {};
  for (const row of sql<[], { origin: string; seq: number }>(db, 'SELECT origin, max(seq) AS seq FROM ops GROUP BY origin').all()) held[row.origin] = row.seq;
  const saw = (origin: string, seq: number) => {
    if (seq > (held[origin] ?? 0)) held[origin] = seq;
  };
  committer.onCommit((entries) => {
    for (const { op } of entries) saw(op.origin, op.seq);
    for (const listener of listeners) listener();
  });
  const vector = (): Vector => ({ ...held });
  const hashAt = (origin: string, seq: number) => sql<[string, number], { hash: string }>(db, 'SELECT hash FROM ops WHERE origin = ? AND seq = ?').get(origin, seq)?.hash;
  const receiveNow = db.transaction((ops: readonly VerifiedOp[]): ReceiveResult => {
    let applied = 0;
    let skipped = 0;
    const forks: Fork[] = [];
    for (const wire of ops) {
      const held = hashAt(wire.origin, wire.seq);
      if (held !== undefined) {
        if (held === wire.hash) skipped++;
        else forks.push({ origin: wire.origin, seq: wire.seq, heldHash: held, receivedHash: wire.hash });
        continue;
      }
      const kind = OP_KINDS.get(wire.type)!;
      const op: Op = { origin: wire.origin, seq: wire.seq, hlc: wire.hlc, author: wire.author, type: wire.type, entity: wire.entity, body: JSON.parse(wire.bodyText), hash: wire.hash };
      kind.apply(db, op);
      appendOp(db, op, wire.bodyText);
      if (hlcMillis(op.hlc) > now() + MAX_OBSERVED_LEAD_MS) sql(db, 'UPDATE ops SET clock_suspect = 1 WHERE origin = ? AND seq = ?').run(op.origin, op.seq);
      clock.observe(decodeHlc(op.hlc));
      sql(db, 'INSERT INTO feed (origin, seq, topics) VALUES (?, ?, ?)').run(op.origin, op.seq, kind.audience(db, op).join(' '));
      applied++;
    }
    setMeta(db, 'hlc', encodeHlc(clock.current));
    return { applied, skipped, forks };
  });
  return {
    vector,
    hashAt,
    opsFor(peer, limit, except) {
      // Every origin where the peer is behind, from its seq on, merged in feed order.
      const mine = vector();
      const behind = Object.entries(mine).filter(([origin, seq]) => seq > (peer[origin] ?? 0) && !except.has(origin));
      if (behind.length === 0) return [];
      const rows: (Row & { feed_seq: number })[] = [];
      for (const [origin] of behind) {
        rows.push(
          ...sql<[string, number, number], Row & { feed_seq: number }>(
            db,
            `SELECT f.feed_seq, o.origin, o.seq, o.hlc, o.author, o.type, o.entity, o.body FROM ops o JOIN feed f ON f.origin = o.origin AND f.seq = o.seq
             WHERE o.origin = ? AND o.seq > ? ORDER BY o.seq LIMIT ?`,
          ).all(origin, peer[origin] ?? 0, limit),
        );
      }
      rows.sort((a, b) => a.feed_seq - b.feed_seq);
      return rows.slice(0, limit).map(({ feed_seq: _feedSeq, body, ...row }) => ({ ...row, bodyText: body }));
    },
    checkBody(op) {
      const kind = OP_KINDS.get(op.type);
      if (!kind) throw new Error(`unknown op type ${JSON.stringify(op.type).slice(0, 40)}`);
      validate(kind.body, JSON.parse(op.bodyText), 'body');
    },
    chainHash(_prevHash, op) {
      return opHash(op, op.bodyText);
    },
    async receive(ops) {
      const result = receiveNow(ops);
      // After the commit: a rolled-back transaction must not move the vector.
      for (const op of ops) saw(op.origin, op.seq);
      // Publishes what entered the feed: the Committer's next batch picks it up (see above).
      if (result.applied > 0) await committer.commit({ author: null, ops: [] });
      return result;
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
