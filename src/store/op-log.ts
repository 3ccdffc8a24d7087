/** The op log as stored: one row per op, the body kept as the exact JSON text that was hashed. */
import type { Op } from '../core/op.js';
import { sql, type Db } from './database.js';

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

export function appendOp(db: Db, op: Op, bodyText: string): void {
  sql(db, 'INSERT INTO ops (origin, seq, hlc, author, type, entity, body, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    op.origin, op.seq, op.hlc, op.author, op.type, op.entity, bodyText, op.hash,
  );
}
