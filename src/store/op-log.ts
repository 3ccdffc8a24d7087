/**
 * The op log as stored: one row per op, with its body as JSON text, the digest of that body and
 * its hash (store/op-chain.ts says what they cover). A body may have had fields purged since it
 * was written; its digest, kept beside it, does not change when that happens.
 */
import type { Op } from '../core/op.js';
import { sql, type Db } from './database.js';
import { bodyDigest, CHAIN_START, opHash, purgeFields } from './op-chain.js';

export interface OpRow {
  origin: string;
  seq: number;
  hlc: string;
  author: string | null;
  type: string;
  entity: string;
  body: string;
  hash: string;
}

const opFromRow = ({ body, ...row }: OpRow): Op => ({ ...row, body: JSON.parse(body) as unknown });

/** An op as this box's local feed holds it: its feed position and the topics that may see it. */
export interface LoggedEntry {
  readonly feedSeq: number;
  readonly topics: readonly string[];
  readonly op: Op;
}

export const lastFeedSeq = (db: Db): number => sql<[], { seq: number | null }>(db, 'SELECT max(feed_seq) AS seq FROM feed').get()?.seq ?? 0;

/** Up to `limit` feed entries after `feedSeq`, in feed order (`limit` -1: all of them). */
export function feedAfter(db: Db, feedSeq: number, limit: number): LoggedEntry[] {
  // The limit is written into the text (one statement per limit; callers use two) rather than
  // bound: SQLite prepares a statement again on every run when its LIMIT is a parameter.
  return sql<[number], OpRow & { feed_seq: number; topics: string }>(
    db,
    `SELECT f.feed_seq, f.topics, o.origin, o.seq, o.hlc, o.author, o.type, o.entity, o.body, o.hash
     FROM feed f JOIN ops o ON o.origin = f.origin AND o.seq = f.seq WHERE f.feed_seq > ? ORDER BY f.feed_seq LIMIT ${Math.trunc(limit)}`,
  )
    .all(feedSeq)
    .map(({ feed_seq, topics, ...row }) => ({ feedSeq: feed_seq, topics: topics === '' ? [] : topics.split(' '), op: opFromRow(row) }));
}

/** The last op this box holds of an origin: the seq and hash the next one chains from. */
export function chainEnd(db: Db, origin: string): { seq: number; hash: string } {
  return (
    sql<[string], { seq: number; hash: string }>(db, 'SELECT seq, hash FROM ops WHERE origin = ? ORDER BY seq DESC LIMIT 1').get(
      origin,
    ) ?? { seq: 0, hash: CHAIN_START }
  );
}

export function appendOp(db: Db, op: Op, digest: string, clockSuspect = false): void {
  sql(
    db,
    'INSERT INTO ops (origin, seq, hlc, author, type, entity, body, hash, body_digest, clock_suspect) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(op.origin, op.seq, op.hlc, op.author, op.type, op.entity, JSON.stringify(op.body), op.hash, digest, clockSuspect ? 1 : 0);
}

/** Gives an op its place in this box's feed; returns its feed_seq. */
export const appendToFeed = (db: Db, op: Op, topics: readonly string[]): number =>
  Number(sql(db, 'INSERT INTO feed (origin, seq, topics) VALUES (?, ?, ?)').run(op.origin, op.seq, topics.join(' ')).lastInsertRowid);

// Pages, because a connection cannot write while one of its queries is still being iterated,
// and a season's log does not fit a Pi's memory at once.
const CHAIN_PAGE = 10_000;

/** Every op in (origin, seq) order, a page at a time, with the hash of the op before it in its chain. */
function* walkChains(db: Db): Generator<{ row: OpRow & { body_digest: string }; previous: string; gap: boolean }> {
  let origin = '';
  let seq = 0;
  let previous = { origin: '', seq: 0, hash: CHAIN_START };
  for (;;) {
    const page = sql<[string, number], OpRow & { body_digest: string }>(
      db,
      `SELECT origin, seq, hlc, author, type, entity, body, hash, body_digest FROM ops WHERE (origin, seq) > (?, ?) ORDER BY origin, seq LIMIT ${CHAIN_PAGE}`,
    ).all(origin, seq);
    for (const row of page) {
      const continues = row.origin === previous.origin;
      yield { row, previous: continues ? previous.hash : CHAIN_START, gap: row.seq !== (continues ? previous.seq : 0) + 1 };
      previous = { origin: row.origin, seq: row.seq, hash: row.hash };
    }
    if (page.length < CHAIN_PAGE) return;
    ({ origin, seq } = page.at(-1)!);
  }
}

/**
 * Gives every op its body digest and chained hash, from its stored body. For the migration to
 * hash chains, when every op in a database was still this box's own.
 */
export function recomputeChains(db: Db): void {
  const update = db.prepare('UPDATE ops SET body_digest = ?, hash = ? WHERE origin = ? AND seq = ?');
  let previous = { origin: '', hash: CHAIN_START };
  for (const { row } of walkChains(db)) {
    const digest = bodyDigest(JSON.parse(row.body));
    const hash = opHash(row, digest, row.origin === previous.origin ? previous.hash : CHAIN_START);
    update.run(digest, hash, row.origin, row.seq);
    previous = { origin: row.origin, hash };
  }
}

export interface ChainProblem {
  readonly origin: string;
  readonly seq: number;
  readonly problem: 'body_changed' | 'hash_mismatch' | 'gap';
}

/**
 * Recomputes every op's body digest and hash and checks each chain link and that each origin's
 * seqs have no hole. Purged fields do not count as changes (their digest stands in for them).
 */
export function verifyChains(db: Db): { ops: number; problems: ChainProblem[] } {
  let ops = 0;
  const problems: ChainProblem[] = [];
  for (const { row, previous, gap } of walkChains(db)) {
    ops++;
    const name = { origin: row.origin, seq: row.seq };
    if (gap) problems.push({ ...name, problem: 'gap' });
    let digest: string | undefined;
    try {
      digest = bodyDigest(JSON.parse(row.body));
    } catch {
      // An unreadable body is a changed one.
    }
    if (digest !== row.body_digest) problems.push({ ...name, problem: 'body_changed' });
    if (opHash(row, row.body_digest, previous) !== row.hash) problems.push({ ...name, problem: 'hash_mismatch' });
  }
  return { ops, problems };
}

/** The ops of the given types about an entity, with the time that orders them (hlc). */
export const opsAbout = (db: Db, entity: string, types: readonly string[]): { origin: string; seq: number; hlc: string; type: string }[] =>
  sql<[string], { origin: string; seq: number; hlc: string; type: string }>(db, 'SELECT origin, seq, hlc, type FROM ops WHERE entity = ?')
    .all(entity)
    .filter((row) => types.includes(row.type));

/**
 * Forgets the named fields of a stored op's body (store/op-chain.ts `purgeFields`): its digest
 * and hash stay as they were and still verify. Returns whether anything was left to forget.
 */
export function purgeStoredFields(db: Db, origin: string, seq: number, fieldsOf: (type: string) => readonly string[]): boolean {
  const row = sql<[string, number], { type: string; body: string }>(db, 'SELECT type, body FROM ops WHERE origin = ? AND seq = ?').get(
    origin,
    seq,
  );
  if (!row) return false;
  const body = JSON.parse(row.body) as object;
  const purged = purgeFields(body, fieldsOf(row.type));
  if (purged === body) return false;
  sql(db, 'UPDATE ops SET body = ? WHERE origin = ? AND seq = ?').run(JSON.stringify(purged), origin, seq);
  return true;
}

/** The hash held for an op, if this box holds it. */
export const heldHash = (db: Db, origin: string, seq: number): string | undefined =>
  sql<[string, number], { hash: string }>(db, 'SELECT hash FROM ops WHERE origin = ? AND seq = ?').get(origin, seq)?.hash;

/** Keeps the other copy of a forked op, for the administrators. */
export function quarantine(db: Db, op: Op, receivedAt: number): void {
  sql(
    db,
    'INSERT OR IGNORE INTO quarantined_ops (origin, seq, hash, hlc, author, type, entity, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(op.origin, op.seq, op.hash, op.hlc, op.author, op.type, op.entity, JSON.stringify(op.body), receivedAt);
}

/** The other copies of forked ops this box keeps, for the administrators' status. */
export const quarantinedOps = (db: Db): { origin: string; seq: number; hash: string; receivedAt: number }[] =>
  sql<[], { origin: string; seq: number; hash: string; receivedAt: number }>(
    db,
    'SELECT origin, seq, hash, received_at AS receivedAt FROM quarantined_ops ORDER BY origin, seq',
  ).all();

/** Remembers an op stored without being applied, because this version does not know its type. */
export const recordUnapplied = (db: Db, op: Op): void => {
  sql(db, 'INSERT OR IGNORE INTO unapplied_ops (origin, seq, type) VALUES (?, ?, ?)').run(op.origin, op.seq, op.type);
};

/** For each origin this box holds ops of, the highest seq it holds: all before it are held too (no holes). */
export type VersionVector = Readonly<Record<string, number>>;

export function versionVector(db: Db): Record<string, number> {
  // One index seek per origin (a box holds a handful), not a scan of the log.
  const rows = sql<[], { origin: string; seq: number }>(
    db,
    `WITH RECURSIVE origins (origin) AS (
       SELECT (SELECT min(origin) FROM ops)
       UNION ALL SELECT (SELECT min(origin) FROM ops WHERE origin > origins.origin) FROM origins WHERE origins.origin IS NOT NULL
     )
     SELECT origin, (SELECT max(seq) FROM ops WHERE ops.origin = origins.origin) AS seq FROM origins WHERE origin IS NOT NULL`,
  ).all();
  return Object.fromEntries(rows.map(({ origin, seq }) => [origin, seq]));
}

/** A page of the ops a peer lacks. */
export interface MissingPage {
  /** In this box's feed order, which is causal: each op's predecessors come first, or the peer has them. */
  readonly ops: Op[];
  /** The feed position this page covers up to: pass it as `after` for the next page. */
  readonly through: number;
  /** Nothing the peer lacks lies beyond `through` (as of this read). */
  readonly done: boolean;
}

const MISSING_SCAN = 1000;

/**
 * The ops this box holds that a peer whose version vector is `vector` lacks, after feed position
 * `after` (0 at first), at most `limit` of them and at most a bounded number of feed rows read,
 * so a page costs little however far behind the peer is. Ops of types this version does not
 * know are included: every box relays every origin it holds.
 */
export function opsMissingFrom(db: Db, vector: VersionVector, after: number, limit: number): MissingPage {
  let from = Math.max(after, firstMissingFeedSeq(db, vector) - 1);
  const last = lastFeedSeq(db);
  const ops: Op[] = [];
  for (let scanned = 0; from < last && ops.length < limit && scanned < limit * 10; scanned += MISSING_SCAN) {
    const rows = sql<[number], OpRow & { feed_seq: number }>(
      db,
      `SELECT f.feed_seq, o.origin, o.seq, o.hlc, o.author, o.type, o.entity, o.body, o.hash
       FROM feed f JOIN ops o ON o.origin = f.origin AND o.seq = f.seq WHERE f.feed_seq > ? ORDER BY f.feed_seq LIMIT ${MISSING_SCAN}`,
    ).all(from);
    if (rows.length === 0) break;
    for (const { feed_seq, ...row } of rows) {
      from = feed_seq;
      if (row.seq > (vector[row.origin] ?? 0)) ops.push(opFromRow(row));
      if (ops.length === limit) break;
    }
  }
  return { ops, through: from, done: from >= last };
}

/** The feed position of the earliest op the peer lacks (one past the end when it lacks none). */
function firstMissingFeedSeq(db: Db, vector: VersionVector): number {
  let first = Number.MAX_SAFE_INTEGER;
  for (const [origin, held] of Object.entries(versionVector(db))) {
    const wanted = (vector[origin] ?? 0) + 1;
    if (wanted > held) continue;
    const feedSeq = sql<[string, number], { feed_seq: number }>(db, 'SELECT feed_seq FROM feed WHERE origin = ? AND seq = ?').get(
      origin,
      wanted,
    )?.feed_seq;
    if (feedSeq !== undefined) first = Math.min(first, feedSeq);
  }
  return first === Number.MAX_SAFE_INTEGER ? lastFeedSeq(db) + 1 : first;
}

/** The op of that name, if held. */
export function opNamed(db: Db, origin: string, seq: number): Op | undefined {
  const row = sql<[string, number], OpRow>(
    db,
    'SELECT origin, seq, hlc, author, type, entity, body, hash FROM ops WHERE origin = ? AND seq = ?',
  ).get(origin, seq);
  return row && opFromRow(row);
}

/** The ops stored without being applied (their type was unknown), in feed order. */
export const unappliedOps = (db: Db): { origin: string; seq: number; type: string }[] =>
  sql<[], { origin: string; seq: number; type: string }>(
    db,
    'SELECT u.origin, u.seq, u.type FROM unapplied_ops u JOIN feed f ON f.origin = u.origin AND f.seq = u.seq ORDER BY f.feed_seq',
  ).all();

/** An op once unknown is applied now: clients that may see it are named, and it is no longer pending. */
export function markApplied(db: Db, origin: string, seq: number, topics: readonly string[]): void {
  sql(db, 'UPDATE feed SET topics = ? WHERE origin = ? AND seq = ?').run(topics.join(' '), origin, seq);
  sql(db, 'DELETE FROM unapplied_ops WHERE origin = ? AND seq = ?').run(origin, seq);
}
