/**
 * Ops that arrive before the row they change. Sync delivers an op after the ops its own box
 * wrote before it, but an op on an entity another box created (an edit, a delete, a pin, a
 * role change) can arrive before that create when the two come by different ways. Such an op
 * is parked, by its `(origin, seq)` in the op log, and applied again once an op that creates
 * its entity has been applied (core/ops/index.ts), so the create finds what happened to its
 * entity since: a delete that came first leaves the post deleted. Ops that are registers of
 * their own rows (reactions, memberships, read marks) need no parking.
 *
 * `parked_ops` is part of the fold (rebuild empties it and replays): at the end of any delivery
 * order it holds exactly the ops whose entity was never created.
 */
import type { Op } from '../core/op.js';
import { sql, type Db } from './database.js';
import type { OpRow } from './op-log.js';

export function park(db: Db, op: Op): void {
  sql(db, 'INSERT OR IGNORE INTO parked_ops (entity, origin, seq) VALUES (?, ?, ?)').run(op.entity, op.origin, op.seq);
}

/** The ops parked for this entity, in version order, no longer parked. */
export function takeParked(db: Db, entity: string): Op[] {
  const rows = sql<[string], OpRow>(
    db,
    `SELECT o.origin, o.seq, o.hlc, o.author, o.type, o.entity, o.body, o.hash FROM parked_ops p
     JOIN ops o ON o.origin = p.origin AND o.seq = p.seq WHERE p.entity = ? ORDER BY o.hlc, o.origin, o.seq`,
  ).all(entity);
  if (rows.length > 0) sql(db, 'DELETE FROM parked_ops WHERE entity = ?').run(entity);
  return rows.map(({ body, ...row }) => ({ ...row, body: JSON.parse(body) as unknown }));
}
