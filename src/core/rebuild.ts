/**
 * The state tables are a deterministic fold of the op log (docs/DESIGN.md "The op log"). `rebuild`
 * recomputes them in place by replaying every op, in the order this box applied them (its
 * local feed), through the same `apply` functions commit uses. `verify` does the same into a
 * scratch database in memory and lists every row that differs from the live tables: a
 * non-empty answer means some write bypassed the op log, or an apply is not deterministic.
 * It also recomputes every op's body digest and hash and checks every link of every origin's
 * hash chain (store/op-chain.ts), which purged fields do not break.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { purgeableFields, type OpKind } from './op.js';
import { OP_KINDS } from './ops/index.js';
import { purgeObsoleted } from './purge.js';
import { fitsKind } from './foreign-op.js';
import { migrate, type Db } from '../store/database.js';
import { REPLICATED_TABLES } from '../store/migrations.js';
import { feedAfter, markApplied, opNamed, purgeStoredFields, unappliedOps, verifyChains, type ChainProblem } from '../store/op-log.js';

// Pages, because a connection cannot write while one of its queries is still being iterated.
const REPLAY_PAGE = 10_000;

function replay(db: Db): number {
  let count = 0;
  for (let entries = feedAfter(db, 0, REPLAY_PAGE); entries.length > 0; entries = feedAfter(db, entries.at(-1)!.feedSeq, REPLAY_PAGE)) {
    for (const { op } of entries) {
      const kind = OP_KINDS.get(op.type);
      // A newer version's op: stored and relayed, applied once an upgrade knows it (core/op.ts).
      if (!kind) continue;
      kind.apply(db, op as never);
      count++;
    }
  }
  return count;
}

export function rebuild(db: Db): number {
  return db.transaction(() => {
    for (const table of REPLICATED_TABLES) db.exec(`DELETE FROM ${table}`);
    const ops = replay(db);
    // The replay applied the ops of types once unknown and known now; they are pending no more.
    applyNowKnown(db);
    return ops;
  })();
}

/**
 * Applies the stored ops whose type was unknown when they arrived and is known now (core/op.ts
 * says why late is right), in feed order; run at every start, before anything is written.
 * Returns how many were applied. `kinds` is the registry, a parameter for tests.
 */
export function applyNowKnown(db: Db, kinds: ReadonlyMap<string, OpKind> = OP_KINDS): number {
  const known = unappliedOps(db)
    .filter(({ type }) => kinds.has(type))
    .map(({ origin, seq, type }) => ({ kind: kinds.get(type)!, op: opNamed(db, origin, seq)! }))
    // Its body was not checked when it arrived (nobody here knew its schema); one that does not fit stays unapplied.
    .filter(({ kind, op }) => fitsKind(kind, op.body));
  if (known.length === 0) return 0;
  db.transaction(() => {
    for (const { kind, op } of known) {
      const { origin, seq } = op;
      kind.apply(db, op as never);
      // Already in the log: when it is obsolete itself, it is purged there.
      if (purgeObsoleted(db, kind, op) !== op) purgeStoredFields(db, origin, seq, () => purgeableFields(kind));
      markApplied(db, origin, seq, kind.audience(db, op as never));
    }
  })();
  return known.length;
}

export interface Difference {
  readonly table: string;
  readonly onlyInLive: number;
  readonly onlyInRebuilt: number;
}

export function verify(file: string): { ops: number; differences: Difference[]; chainProblems: ChainProblem[] } {
  const scratch = new Database(':memory:');
  try {
    migrate(scratch);
    // A plain path, not a `file:…?mode=ro` URI: better-sqlite3 builds SQLite with URIs off, so
    // the URI was taken as a file name and the attach failed. Only SELECTs touch `live` here,
    // but ATTACH would create a missing file, hence the check.
    if (!existsSync(file)) throw new Error(`no database at ${file}`);
    scratch.prepare('ATTACH DATABASE ? AS live').run(file);
    scratch.exec('INSERT INTO main.ops SELECT * FROM live.ops; INSERT INTO main.feed SELECT * FROM live.feed;');
    const { problems: chainProblems } = verifyChains(scratch);
    const ops = scratch.transaction(() => replay(scratch))();
    const differences: Difference[] = [];
    for (const table of REPLICATED_TABLES) {
      const count = (sqlText: string) => (scratch.prepare(`SELECT count(*) AS n FROM (${sqlText})`).get() as { n: number }).n;
      const onlyInLive = count(`SELECT * FROM live.${table} EXCEPT SELECT * FROM main.${table}`);
      const onlyInRebuilt = count(`SELECT * FROM main.${table} EXCEPT SELECT * FROM live.${table}`);
      if (onlyInLive > 0 || onlyInRebuilt > 0) differences.push({ table, onlyInLive, onlyInRebuilt });
    }
    return { ops, differences, chainProblems };
  } finally {
    scratch.close();
  }
}
