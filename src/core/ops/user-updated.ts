import { Type } from '@sinclair/typebox';
import { defineOp, opVersion } from '../op.js';
import { DisplayName } from '../fields.js';
import { accountAudience, requireSelfOrAdmin } from '../permissions.js';
import { sql } from '../../store/database.js';
import { park } from '../../store/parked-ops.js';

/** A profile change: the display name. By the user, or an admin. */
export default defineOp({
  type: 'user.updated',
  body: Type.Object({ displayName: DisplayName }, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    requireSelfOrAdmin(db, actor, entity);
  },
  apply(db, op) {
    const version = opVersion(op);
    const changed = sql(db, 'UPDATE users SET display_name = ?, profile_ver = ? WHERE id = ? AND profile_ver < ?').run(
      op.body.displayName,
      version,
      op.entity,
      version,
    ).changes;
    if (changed === 0 && !sql(db, 'SELECT 1 FROM users WHERE id = ?').get(op.entity)) return park(db, op);
  },
  audience: (db, op) => accountAudience(db, op.entity),
});
