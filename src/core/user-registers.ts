/**
 * A user's fields are grouped in registers (profile, role, active, password, picture), each with
 * its own version column: the op with the highest `(hlc, origin, seq)` version wins the register,
 * whatever order ops arrive in, and a register's ops never overwrite another's fields. An op for
 * a user this box has not heard of yet is parked until `user.created` arrives.
 */
import type { Db } from '../store/database.js';
import { sql } from '../store/database.js';
import { park } from '../store/parked-ops.js';
import { opVersion, type Op } from './op.js';

export type UserRegister = 'profile' | 'role' | 'active' | 'password' | 'picture';

/** Sets `values` (column: value) if `op` is newer than the register's version; false when the op was parked. */
export function setUserRegister(db: Db, op: Op, register: UserRegister, values: Record<string, string | number | null>): boolean {
  const version = opVersion(op);
  const columns = Object.keys(values).map((column) => `${column} = ?`);
  const changed = sql(db, `UPDATE users SET ${columns.join(', ')}, ${register}_ver = ? WHERE id = ? AND ${register}_ver < ?`).run(
    ...Object.values(values),
    version,
    op.entity,
    version,
  ).changes;
  if (changed > 0 || sql(db, 'SELECT 1 FROM users WHERE id = ?').get(op.entity)) return true;
  park(db, op);
  return false;
}
