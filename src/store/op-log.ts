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

/** The columns of OpRow, for joins with the feed (aliased `o`). */
export const OP_COLUMNS = 'o.origin, o.seq, o.hlc, o.author, o.type, o.entity, o.body, o.hash';

export const opFromRow = ({ body, ...row }: OpRow): Op => ({ ...row, body: JSON.parse(body) as unknown });

export function appendOp(db: Db, op: Op, bodyText: string): void {
  sql(db, 'INSERT INTO ops (origin, seq, hlc, author, type, entity, body, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    op.origin, op.seq, op.hlc, op.author, op.type, op.entity, bodyText, op.hash,
  );
}
